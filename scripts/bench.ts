#!/usr/bin/env -S node --import tsx
/**
 * Times ganstream's D step + G step on a fixed synthetic batch (the functions the trainer uses) and
 * prints, last, one JSON line with the keys of ../shared/bench/torch_reference.py.
 * `--naive` also times the straightforward tf.layers + optimizer.minimize step, without our kernels.
 * When the step's matrix products run on OpenBLAS (wasm-blas), the same step is also timed on the
 * plain wasm backend (both threads, no OpenBLAS) in a child process, and both are printed.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import type * as t from 'io-ts';
import { flopsOf, productsOf, sgemmRate, timeProducts } from '../src/bench/matmul-floor.ts';
import { timeSteps } from '../src/bench/measure.ts';
import { naiveGan } from '../src/bench/naive-step.ts';
import { normals, seeded } from '../src/data/random.ts';
import { ARCHITECTURE_NAMES, ARCHITECTURES } from '../src/model/architectures.ts';
import { BACKENDS, installKernels, selectBackend } from '../src/model/backend.ts';
import { createGan, disposeGan } from '../src/model/gan.ts';
import { dStep, gStep } from '../src/model/steps.ts';
import { parseFlags } from '../src/plan/flags.ts';
import { intAtLeast, oneOf } from '../src/plan/values.ts';
import { fail } from './lib/exit.ts';

const FLAGS = {
  arch: oneOf(ARCHITECTURE_NAMES),
  'batch-size': intAtLeast(1),
  steps: intAtLeast(1),
  warmup: intAtLeast(0),
  backend: oneOf(BACKENDS),
  threads: intAtLeast(1),
};
const HELP = `Usage: npm run bench -- [flags]

Times ganstream's D step + G step on a fixed synthetic batch (the functions the trainer uses) and
prints, last, one JSON line with the keys of ../shared/bench/torch_reference.py.

  --arch NAME         ${ARCHITECTURE_NAMES.join(' | ')} (default mlp-bn)
  --batch-size N      images per step (default 128)
  --steps N           timed steps (default 30)
  --warmup N          untimed steps before them (default 5)
  --backend NAME      ${BACKENDS.join(' | ')} (default auto; with wasm-blas, the plain wasm step is timed too)
  --threads N         threads of the wasm backend (default: the machine's cores)
  --naive             also time the straightforward tf.layers + minimize step, without ganstream's kernels
  --alone             time only the engine asked for (with wasm-blas, not the plain wasm step too)
  --help              this text
`;
const raw = parseFlags(process.argv.slice(2), Object.keys(FLAGS), ['naive', 'alone', 'help']);
if (E.isLeft(raw)) fail(raw.left);
if (raw.right.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const get = <K extends keyof typeof FLAGS>(
  k: K,
  fallback: t.TypeOf<(typeof FLAGS)[K]>,
): t.TypeOf<(typeof FLAGS)[K]> => {
  const v = raw.right[k];
  if (v === undefined) return fallback;
  return pipe(
    (FLAGS[k] as t.Type<t.TypeOf<(typeof FLAGS)[K]>, string, unknown>).decode(v),
    E.getOrElseW(() => fail(`--${k}: expected ${FLAGS[k].name}, got '${v}'`)),
  );
};
const arch = ARCHITECTURES[get('arch', 'mlp-bn')];
const batchSize = get('batch-size', 128);
const o = { steps: get('steps', 30), warmup: get('warmup', 5), batchSize };
const naive = raw.right.naive === true;

const backend = await selectBackend(get('backend', 'auto'), {
  kernels: !naive,
  threads: raw.right.threads === undefined ? undefined : get('threads', 1),
});
if (E.isLeft(backend)) fail(backend.left);
// A benchmark times the engine asked for or none: tensorflow that did not load is an error here, not a fallback.
if (get('backend', 'auto') !== 'auto' && backend.right.why) fail(backend.right.why);
const rng = seeded(0);
const real = Float32Array.from({ length: batchSize * 784 }, () => rng.uniform() * 2 - 1);
const noise = () => normals(rng, batchSize * arch.noiseDim);
const report = (impl: string, timing: object, kernels: readonly string[]) => ({
  impl,
  backend: backend.right.name,
  threads: backend.right.threads,
  kernels,
  arch: arch.name,
  batchSize,
  steps: o.steps,
  ...timing,
  blas: backend.right.blas ?? null,
});

const lines: object[] = [];
if (naive) {
  const g = naiveGan(arch, 784, 2e-4, 0.5);
  const x = tf.tensor2d(real, [batchSize, 784]);
  const naiveTiming = timeSteps(
    () =>
      tf.tidy(() =>
        g.step(x, tf.tensor2d(noise(), [batchSize, arch.noiseDim]), tf.tensor2d(noise(), [batchSize, arch.noiseDim])),
      ),
    o,
  );
  x.dispose();
  g.dispose();
  lines.push(report('tfjs-naive', naiveTiming, []));
  console.log(`naive tfjs (tf.layers + minimize, default kernels): ${naiveTiming.msPerStep} ms/step`);
}
const kernels = [...backend.right.kernels, ...installKernels(backend.right.name)];
const gan = createGan(arch, { pixels: 784, seed: 0, lr: 2e-4, beta1: 0.5 });
const stepOptions = (i: number) => ({ loss: 'bce' as const, labelSmoothing: 0, dropoutSeed: i });
const step = (i: number) => {
  dStep(gan, real, noise(), stepOptions(i));
  gStep(gan, noise(), stepOptions(i));
};
const ours = timeSteps(step, o);
// The same step's matrix products alone: the part of it that no elementwise work can remove.
const productsMs = timeProducts(await productsOf(() => step(0)), o);
// The floor: the step's products and convolutions at the rate this machine multiplies large matrices at.
const flops = await flopsOf(() => step(0));
const rate = sgemmRate();
// Rounded once, so that the printed multiple and the JSON line agree.
const floorMs = Number((flops / rate / 1e6).toFixed(2));
disposeGan(gan);
console.log(
  `ganstream (functional steps${kernels.length ? `, kernels ${kernels.join(', ')}` : ''}): ${ours.msPerStep} ms/step`,
);
console.log(`  of which matrix products (the step's ${arch.name} products alone, same shapes): ${productsMs} ms`);
console.log(
  `  floor: ${(flops / 1e9).toFixed(2)} GFLOP of products and convolutions at ${rate.toFixed(0)} GFLOP/s (a 1024^3 product here) = ${floorMs.toFixed(1)} ms; the step takes ${(ours.msPerStep / floorMs).toFixed(1)}x the floor`,
);
if (naive) {
  const n = lines[0] as { msPerStep: number };
  console.log(`speed-up over naive tfjs: ${(n.msPerStep / ours.msPerStep).toFixed(1)}x`);
  console.log(JSON.stringify(lines[0]));
}
const line: Record<string, unknown> = {
  ...report('ganstream', ours, kernels),
  matMulMsPerStep: productsMs,
  gflopPerStep: Number((flops / 1e9).toFixed(3)),
  sgemmGflops: Number(rate.toFixed(1)),
  floorMs,
};
if (backend.right.blas && raw.right.alone !== true) {
  // The same step on the plain wasm backend, as users without OpenBLAS get it: a fresh process, since a process initialises wasm once.
  const args = [
    '--arch',
    arch.name,
    '--batch-size',
    String(batchSize),
    '--steps',
    String(o.steps),
    '--warmup',
    String(o.warmup),
    '--backend',
    'wasm',
  ];
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), ...args], {
    encoding: 'utf8',
  });
  const wasmOnly =
    child.status === 0
      ? (JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { msPerStep: number; threads: number })
      : null;
  if (!wasmOnly) fail(`the wasm-only comparison failed: ${child.stderr.trim().split('\n')[0]}`);
  console.log(
    `wasm only (${wasmOnly.threads} threads, no OpenBLAS): ${wasmOnly.msPerStep} ms/step; OpenBLAS products: ${(wasmOnly.msPerStep / ours.msPerStep).toFixed(2)}x faster`,
  );
  Object.assign(line, {
    wasmOnlyMsPerStep: wasmOnly.msPerStep,
    wasmOnlyThreads: wasmOnly.threads,
    speedupOverWasm: Number((wasmOnly.msPerStep / ours.msPerStep).toFixed(2)),
  });
}
console.log(JSON.stringify(line));
