/**
 * Which engine a run trains on, and what it says about it: auto's measured order, and a
 * libtensorflow that does not load (not installed, not a library, a library without TensorFlow's
 * functions, as a mismatched version would be) giving one line and the next engine, never a crash.
 * The broken libraries are put first on LD_LIBRARY_PATH, which the binding's RUNPATH yields to.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AUTO_ORDER, TENSORFLOW_PASSED_OVER, tfjsNodeInstalled } from '../src/model/backend.ts';
import { type Ran, runScriptAsync } from './helpers/cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'ganstream-engines-'));
const installed = tfjsNodeInstalled();
const train = (name: string, backend: string, env: NodeJS.ProcessEnv = {}) =>
  runScriptAsync(
    'scripts/train.ts',
    [
      '--backend',
      backend,
      '--epochs',
      '1',
      '--limit',
      '128',
      '--batch-size',
      '64',
      '--eval-every',
      '0',
      '--out',
      join(tmp, name),
    ],
    120_000,
    env,
  );
/** A folder holding a libtensorflow_cc.so.2 made of the given bytes or copied from another library. */
const brokenLibrary = (name: string, from: { bytes: string } | { copy: string }) => {
  const dir = join(tmp, name);
  mkdirSync(dir);
  const to = join(dir, 'libtensorflow_cc.so.2');
  if ('bytes' in from) writeFileSync(to, from.bytes);
  else copyFileSync(from.copy, to);
  return { LD_LIBRARY_PATH: dir };
};
const startLines = (r: Ran) => r.stdout.split('\n').slice(0, 5);
const backendLine = (r: Ran) => startLines(r).find((l) => l.includes('; backend '));
const recordedBackend = (name: string) =>
  JSON.parse(readFileSync(join(tmp, name, 'metrics.ndjson'), 'utf8').split('\n')[0]!).backend;

const [autoRun, notLibrary, otherLibrary] = await Promise.all([
  train('auto', 'auto'),
  train('not-a-library', 'tensorflow', brokenLibrary('garbage', { bytes: 'not an ELF file' })),
  train('other-library', 'tensorflow', brokenLibrary('libm', { copy: '/lib/x86_64-linux-gnu/libm.so.6' })),
]);
// Whether OpenBLAS loads here, as the auto run found (loading it in this process would spoil
// native-matmul.test.ts, which checks its load errors before anything has loaded it).
const blas = /matrix products by OpenBLAS/.test(autoRun.stdout);
const fallback = blas ? 'wasm-blas' : 'wasm';

test('auto tries the engines fastest first, as measured: wasm-blas before tensorflow', () => {
  assert.equal(AUTO_ORDER, ['wasm-blas', 'tensorflow', 'wasm', 'cpu']);
  assert.is(autoRun.code, 0, autoRun.stderr);
  assert.match(backendLine(autoRun) ?? '', blas ? /backend wasm .*matrix products by OpenBLAS/ : /backend /);
  // Installed and passed over: the start line says why (and the record keeps it); not installed: nothing to say.
  const said = startLines(autoRun).some((l) => l.includes(TENSORFLOW_PASSED_OVER));
  assert.is(said, installed && blas, startLines(autoRun).join('\n'));
  assert.is(recordedBackend('auto').why, installed && blas ? TENSORFLOW_PASSED_OVER : null);
});

for (const [what, run, name, cause] of [
  ['not a library', notLibrary, 'not-a-library', /\(libtensorflow_cc\.so\.2: (file too short|invalid ELF header)\)/],
  [
    'a library without TensorFlow functions',
    otherLibrary,
    'other-library',
    /\(libtensorflow_cc\.so\.2: (version `tensorflow' not found|undefined symbol: \w+)\)/,
  ],
] as const)
  test(`--backend tensorflow on ${what}: one line names what failed and the engine used instead; the run completes`, () => {
    assert.is(run.code, 0, run.stderr);
    const lines = run.stdout.split('\n').filter((l) => l.includes('--backend tensorflow'));
    assert.is(lines.length, 1, run.stdout);
    const expected = installed ? cause : /@tensorflow\/tfjs-node is not installed/;
    assert.match(lines[0]!, expected);
    assert.match(lines[0]!, new RegExp(`; using ${fallback} instead$`));
    assert.match(backendLine(run) ?? '', /backend wasm/);
    assert.not.match(run.stderr, /error|Error/);
    assert.is(recordedBackend(name).name, 'wasm');
    assert.match(recordedBackend(name).why, expected);
  });

test.run();
