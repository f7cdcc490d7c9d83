#!/usr/bin/env -S node --import tsx
/**
 * `npm run bench:engines`: one D step plus one G step on every engine this machine has, side by
 * side: ganstream on tensorflow (tfjs-node), wasm-blas and wasm, and PyTorch running the same
 * networks (../shared/bench/torch_reference.py, the faster of 1 and 2 threads). Rounds are
 * interleaved (each round runs every engine once, in a rotated order) and the table gives medians,
 * since on a shared 2-core machine one run scatters by 1.5x either way. Each timing is its own
 * process (`npm run bench -- --alone`), as a process starts one engine.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as E from 'fp-ts/lib/Either.js';
import { ARCHITECTURE_NAMES } from '../src/model/architectures.ts';
import { parseFlags } from '../src/plan/flags.ts';
import { intAtLeast, nonEmptyString } from '../src/plan/values.ts';
import { fail } from './lib/exit.ts';
import { flagValue } from './lib/flag-value.ts';

const ENGINES = ['tensorflow', 'wasm-blas', 'wasm'] as const;
/** Timed steps per architecture: about ten seconds of each engine's time on a 2-core machine. */
const STEPS: Record<string, number> = { 'mlp-gbn': 20, 'dcgan-64': 6 };
const project = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_TORCH = join(project, '.venv-torch/bin/python');
const DEFAULT_REFERENCE = resolve(project, '../shared/bench/torch_reference.py');

const HELP = `Usage: npm run bench:engines -- [flags]

Times ganstream's D step + G step at one batch size on every engine the machine has (tensorflow,
wasm-blas, wasm) and PyTorch's same step, rounds interleaved, and prints the medians as a table.

  --rounds N          interleaved rounds (default 3)
  --archs LIST        architectures (default mlp-gbn,dcgan-64; any of ${ARCHITECTURE_NAMES.join(', ')})
  --engines LIST      ganstream's engines (default ${ENGINES.join(',')})
  --batch-size N      images per step (default 64)
  --torch PYTHON      a python with torch (default .venv-torch/bin/python; 'none' leaves PyTorch out)
  --reference FILE    PyTorch's step (default ../shared/bench/torch_reference.py)
  --help              this text
`;
const raw = parseFlags(
  process.argv.slice(2),
  ['rounds', 'archs', 'engines', 'batch-size', 'torch', 'reference'],
  ['help'],
);
if (E.isLeft(raw)) fail(raw.left);
const f = raw.right;
if (f.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const str = (k: string, fallback: string) => flagValue(f, k, nonEmptyString, fallback);
const list = <T extends string>(k: string, fallback: string, allowed: readonly T[]): T[] =>
  str(k, fallback)
    .split(',')
    .map((v) => {
      if (!(allowed as readonly string[]).includes(v))
        fail(`--${k}: expected some of ${allowed.join(', ')}, got '${v}'`);
      return v as T;
    });
const rounds = flagValue(f, 'rounds', intAtLeast(1), 3);
const batchSize = flagValue(f, 'batch-size', intAtLeast(1), 64);
const archs = list('archs', 'mlp-gbn,dcgan-64', ARCHITECTURE_NAMES);
const engines = list('engines', ENGINES.join(','), ENGINES);
const torchPython = str('torch', DEFAULT_TORCH);
const reference = str('reference', DEFAULT_REFERENCE);
const withTorch = torchPython !== 'none';
if (withTorch && !existsSync(torchPython))
  fail(
    `--torch: no python at '${torchPython}' (python3 -m venv .venv-torch && .venv-torch/bin/pip install torch; or --torch none)`,
  );
if (withTorch && !existsSync(reference)) fail(`--reference: no file '${reference}'`);

/** One benchmark's figures: ms per step, PyTorch's version, ganstream's floor (bench.ts's JSON line). */
interface Timing {
  readonly ms: number;
  readonly version?: string;
  readonly floorMs?: number;
}

/** ms per step from the JSON line a benchmark prints last, or the reason it gave none. */
function timed(command: string, args: readonly string[]): E.Either<string, Timing> {
  const r = spawnSync(command, args, { cwd: project, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  const json = r.stdout
    ?.split('\n')
    .filter((l) => l.startsWith('{'))
    .at(-1);
  if (r.status !== 0 || !json) return E.left((r.stderr || r.stdout || `exit ${r.status}`).trim().split('\n').at(-1)!);
  const line = JSON.parse(json) as { msPerStep: number; torch?: string; floorMs?: number };
  return E.right({ ms: line.msPerStep, version: line.torch, floorMs: line.floorMs });
}

/** The same step for both benchmarks: architecture, batch, timed and warm-up steps (the flags they share). */
const stepArgs = (arch: string) => [
  '--arch',
  arch,
  '--batch-size',
  String(batchSize),
  '--steps',
  String(STEPS[arch] ?? 10),
  '--warmup',
  '2',
];
const ours = (engine: string, arch: string) =>
  timed(process.execPath, ['--import', 'tsx', 'scripts/bench.ts', '--alone', '--backend', engine, ...stepArgs(arch)]);
let torchVersion = '';
const torch = (arch: string) => {
  const [one, two] = [1, 2].map((threads) =>
    timed(torchPython, [reference, ...stepArgs(arch), '--threads', String(threads)]),
  );
  if (E.isLeft(one!) || E.isLeft(two!)) return E.isLeft(one!) ? one! : two!;
  torchVersion = one!.right.version ?? '';
  return E.right<string, Timing>({ ms: Math.min(one!.right.ms, two!.right.ms) });
};

const names = [...engines, ...(withTorch ? ['pytorch'] : [])];
const times = new Map<string, number[]>();
/**
 * Each architecture's floor as ganstream's bench measured it on each engine, every round's (FLOPs
 * per step at that engine's sgemm rate): the table shows the lowest, the fastest engine's.
 */
const floors = new Map<string, number[]>();
const failed = new Map<string, string>();
for (let round = 1; round <= rounds; round++) {
  for (const arch of archs) {
    // Each round starts with a different engine, so none always runs first (or after the slowest).
    const order = names.map((_, i) => names[(i + round - 1) % names.length]!);
    const got: string[] = [];
    for (const name of order) {
      const key = `${arch} ${name}`;
      if (failed.has(key)) continue;
      const r = name === 'pytorch' ? torch(arch) : ours(name, arch);
      if (E.isLeft(r)) {
        failed.set(key, r.left);
        got.push(`${name} failed`);
        continue;
      }
      times.set(key, [...(times.get(key) ?? []), r.right.ms]);
      if (r.right.floorMs) floors.set(arch, [...(floors.get(arch) ?? []), r.right.floorMs]);
      got.push(`${name} ${r.right.ms.toFixed(1)}`);
    }
    console.log(`round ${round} ${arch} (ms per step): ${got.join(', ')}`);
  }
}

const median = (v: readonly number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const floorOf = (arch: string) => (floors.has(arch) ? Math.min(...floors.get(arch)!) : undefined);
const label = (name: string) =>
  name === 'pytorch'
    ? `PyTorch${torchVersion ? ` ${torchVersion}` : ''} (best of 1-2 threads)`
    : `ganstream ${name}${name === 'tensorflow' ? ' (tfjs-node)' : ''}`;
console.log(`\nD step + G step at batch ${batchSize}, ${rounds} interleaved rounds: median [min-max] ms per step\n`);
console.log(`| engine | ${archs.join(' | ')} |`);
console.log(`| --- | ${archs.map(() => '---').join(' | ')} |`);
for (const name of names) {
  const cells = archs.map((arch) => {
    const v = times.get(`${arch} ${name}`);
    if (!v) return `failed: ${failed.get(`${arch} ${name}`) ?? 'no timing'}`;
    const best = Math.min(...names.map((n) => median(times.get(`${arch} ${n}`) ?? [Infinity])));
    const m = median(v);
    const floor = floorOf(arch);
    return `${m.toFixed(1)} [${Math.min(...v).toFixed(1)}-${Math.max(...v).toFixed(1)}]${m === best ? ' fastest' : ` ${(m / best).toFixed(2)}x`}${floor ? `, ${(m / floor).toFixed(1)}x floor` : ''}`;
  });
  console.log(`| ${label(name)} | ${cells.join(' | ')} |`);
}
console.log(
  `| floor: FLOPs per step at this machine's sgemm rate | ${archs.map((arch) => floorOf(arch)?.toFixed(1) ?? 'not measured').join(' | ')} |`,
);
