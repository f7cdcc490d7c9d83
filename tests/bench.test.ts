import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runScriptAsync } from './helpers/cli.ts';

const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!);

// The bench runs do not depend on each other: they start together (their timings are not asserted).
const bench = (args: string[]) => runScriptAsync('scripts/bench.ts', args);
/** A short bench of `arch`: `steps` timed steps of `batch` after one warm-up, on `backend`, with `extra` flags. */
const short = (arch: string, batch: number, steps: number, backend: string, ...extra: string[]) =>
  bench([
    '--arch',
    arch,
    '--batch-size',
    `${batch}`,
    '--steps',
    `${steps}`,
    '--warmup',
    '1',
    '--backend',
    backend,
    ...extra,
  ]);
const runs = {
  wasm: short('mlp-small', 16, 3, 'wasm'),
  naive: short('mlp-small', 8, 1, 'wasm', '--naive'),
  cpu: short('mlp-small', 8, 1, 'cpu'),
  bad: bench(['--steps', 'x']),
  blas: short('mlp-small', 16, 3, 'wasm-blas'),
  conv: short('dcgan', 8, 1, 'wasm-blas'),
  alone: short('mlp-small', 8, 1, 'wasm-blas', '--alone'),
  engines: runScriptAsync('scripts/bench-engines.ts', [
    '--rounds',
    '2',
    '--archs',
    'mlp-small',
    '--engines',
    'wasm-blas,wasm',
    '--batch-size',
    '8',
    '--torch',
    'none',
  ]),
  enginesBad: runScriptAsync('scripts/bench-engines.ts', ['--engines', 'wasm,gpu']),
};

test("npm run bench prints, last, one JSON line with the PyTorch reference's keys, and leaks no tensor", async () => {
  const r = await runs.wasm;
  assert.is(r.code, 0, r.stderr);
  const j = lastJson(r.stdout);
  for (const key of [
    'impl',
    'backend',
    'threads',
    'arch',
    'batchSize',
    'steps',
    'msPerStep',
    'samplesPerSec',
    'numTensorsBefore',
    'numTensorsAfter',
    'rssMB',
  ]) {
    assert.ok(key in j, key);
  }
  assert.equal([j.impl, j.backend, j.arch, j.batchSize, j.steps], ['ganstream', 'wasm', 'mlp-small', 16, 3]);
  assert.equal(j.kernels, [
    'BatchMatMul',
    '_FusedMatMul',
    'Conv2DBackpropFilter',
    'Tanh',
    'GanstreamAdam',
    'Sum',
    'Mean',
    'GanstreamBatchNormApply',
    'GanstreamBatchNormBackward',
    'GanstreamSlopeGrad',
  ]);
  assert.ok(j.matMulMsPerStep > 0, 'the products alone are timed'); // (their share of the step is a timing, which load can upset: not asserted)
  assert.is(j.numTensorsAfter, j.numTensorsBefore);
  assert.ok(Math.abs(j.samplesPerSec - (16 * 1000) / j.msPerStep) < 1);
});

test('--naive times the tf.layers step in the same run; the cpu backend still trains', async () => {
  const naive = await runs.naive;
  assert.is(naive.code, 0, naive.stderr);
  const lines = naive.stdout
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
  assert.equal(
    lines.map((l) => l.impl),
    ['tfjs-naive', 'ganstream'],
  );
  assert.equal(
    [lines[0].kernels, lines[1].kernels.length],
    [[], 10],
    'naive without our kernels, ours with all of them',
  );
  assert.match(naive.stdout, /speed-up over naive tfjs: \d+\.\dx/);
  const cpu = await runs.cpu;
  assert.is(cpu.code, 0, cpu.stderr);
  assert.equal([lastJson(cpu.stdout).backend, lastJson(cpu.stdout).kernels], ['cpu', []]);
  assert.is((await runs.bad).code, 2);
});

test('--backend wasm-blas: the JSON line names the OpenBLAS library and its threads, and the same step on the plain wasm backend is timed beside it', async () => {
  const r = await runs.blas;
  assert.is(r.code, 0, r.stderr);
  const j = lastJson(r.stdout);
  assert.equal([j.backend, j.threads], ['wasm', 1]);
  assert.ok(j.blas && /^OpenBLAS \d/.test(j.blas.config) && j.blas.threads >= 1, JSON.stringify(j.blas));
  assert.ok(
    j.kernels.includes('BatchMatMul (OpenBLAS)') && j.kernels.includes('_FusedMatMul (OpenBLAS)'),
    j.kernels.join(', '),
  );
  assert.ok(j.wasmOnlyMsPerStep > 0 && j.wasmOnlyThreads >= 1, 'the wasm-only step');
  assert.ok(Math.abs(j.speedupOverWasm - j.wasmOnlyMsPerStep / j.msPerStep) < 0.01);
  assert.match(r.stdout, /wasm only \(\d threads?, no OpenBLAS\): [\d.]+ ms\/step; OpenBLAS products: [\d.]+x faster/);
  assert.is(j.numTensorsAfter, j.numTensorsBefore);
  // The floor: the step's FLOPs at the machine's sgemm rate, and the step's multiple of it.
  assert.ok(j.gflopPerStep > 0 && j.sgemmGflops > 0, JSON.stringify(j));
  // (sgemmGflops is rounded to a tenth: on a loaded machine the rate can be as low as 14, so allow that rounding.)
  assert.ok(Math.abs(j.floorMs - (j.gflopPerStep * 1e3) / j.sgemmGflops) < 0.02 + j.floorMs * 0.01, JSON.stringify(j));
  const floor = r.stdout.match(
    /floor: ([\d.]+) GFLOP of products and convolutions at (\d+) GFLOP\/s \(a 1024\^3 product here\) = ([\d.]+) ms; the step takes ([\d.]+)x the floor/,
  );
  assert.ok(floor, r.stdout);
  assert.is(Number(floor![4]), Number((j.msPerStep / j.floorMs).toFixed(1)));
});

test('wasm-blas with convolutions (dcgan): OpenBLAS runs them too, on the single-threaded wasm build', async () => {
  const r = await runs.conv;
  assert.is(r.code, 0, r.stderr);
  const j = lastJson(r.stdout);
  assert.ok(j.blas, 'OpenBLAS does the products');
  assert.ok(
    j.kernels.includes('Conv2D (OpenBLAS)') && j.kernels.includes('FusedConv2D (OpenBLAS)'),
    j.kernels.join(', '),
  );
  assert.is(j.threads, 1);
});

test('--alone times only the engine asked for: wasm-blas without the plain wasm comparison', async () => {
  const r = await runs.alone;
  assert.is(r.code, 0, r.stderr);
  const j = lastJson(r.stdout);
  assert.ok(j.blas && j.msPerStep > 0);
  assert.is(j.wasmOnlyMsPerStep, undefined);
  assert.not.match(r.stdout, /wasm only/);
});

test('npm run bench:engines: interleaved rounds, each engine once a round in a rotated order, then the medians as a table', async () => {
  const r = await runs.engines;
  assert.is(r.code, 0, r.stderr);
  const rounds = r.stdout.split('\n').filter((l) => l.startsWith('round '));
  assert.equal(
    rounds.map((l) => l.match(/: (\S+) [\d.]+, (\S+) [\d.]+$/)?.slice(1)),
    [
      ['wasm-blas', 'wasm'],
      ['wasm', 'wasm-blas'],
    ],
    r.stdout,
  );
  const row = (name: string) => r.stdout.split('\n').find((l) => l.startsWith(`| ganstream ${name} |`)) ?? '';
  for (const name of ['wasm-blas', 'wasm'])
    assert.match(row(name), /^\| ganstream \S+ \| [\d.]+ \[[\d.]+-[\d.]+\] (fastest|[\d.]+x), [\d.]+x floor \|$/);
  assert.match(r.stdout, /\n\| floor: FLOPs per step at this machine's sgemm rate \| [\d.]+ \|\n/);
  assert.not.match(r.stdout, /PyTorch/);
  const bad = await runs.enginesBad;
  assert.is(bad.code, 2);
  assert.is(bad.stderr, "error: --engines: expected some of tensorflow, wasm-blas, wasm, got 'gpu'\n");
});

test.run();
