/**
 * The command line on tfjs-node (`npm run test:tensorflow`, after `npm run build:tfjs-node`): a
 * short training run, then generate and evaluate on it, all on the tensorflow backend; and the
 * networks it saved, read back on the wasm backend (the stock tfjs format does not depend on the
 * engine that wrote it).
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pngSize, runScriptAsync } from '../helpers/cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'ganstream-tensorflow-'));
const run = join(tmp, 'run');
const trained = await runScriptAsync('scripts/train.ts', [
  '--backend',
  'tensorflow',
  '--epochs',
  '2',
  '--limit',
  '256',
  '--batch-size',
  '64',
  '--out',
  run,
]);

test('npm run train --backend tensorflow: trains on tfjs-node and writes the whole run folder', () => {
  assert.is(trained.code, 0, trained.stderr);
  assert.match(trained.stdout, /; backend tensorflow\n/);
  assert.not.match(trained.stdout, /backend: /, 'no fallback');
  const started = JSON.parse(readFileSync(join(run, 'metrics.ndjson'), 'utf8').split('\n')[0]!);
  assert.equal([started.backend.name, started.backend.why], ['tensorflow', null]);
  for (const f of [
    'summary.json',
    'training_history.png',
    'final_results.png',
    'generator/model.json',
    'discriminator/weights.bin',
    'checkpoint.bin',
  ])
    assert.ok(existsSync(join(run, f)), f);
  const summary = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8'));
  assert.is(summary.status, 'completed');
  assert.ok(Number.isFinite(summary.run.dLoss.mean) && Number.isFinite(summary.run.gLoss.mean));
});

test('generate on tensorflow, and on wasm from the same saved generator: the same pictures', async () => {
  const [onTf, onWasm] = await Promise.all(
    ['tensorflow', 'wasm'].map((backend) =>
      runScriptAsync('scripts/generate.ts', [
        '--model',
        run,
        '--count',
        '16',
        '--format',
        'idx',
        '--backend',
        backend,
        '--out',
        join(tmp, `g-${backend}`),
      ]),
    ),
  );
  for (const r of [onTf!, onWasm!]) assert.is(r.code, 0, r.stderr);
  const [a, b] = ['tensorflow', 'wasm'].map((k) => readFileSync(join(tmp, `g-${k}`)).subarray(16));
  assert.is(a!.length, 16 * 784);
  // 0-255 pixels of the same network on two engines: at most one grey level apart (rounding).
  const worst = a!.reduce((m, v, i) => Math.max(m, Math.abs(v - b![i]!)), 0);
  assert.ok(worst <= 1, `largest difference ${worst} grey levels`);
  const png = await runScriptAsync('scripts/generate.ts', [
    '--model',
    run,
    '--backend',
    'tensorflow',
    '--out',
    join(tmp, 'g.png'),
  ]);
  assert.is(png.code, 0, png.stderr);
  assert.equal(pngSize(readFileSync(join(tmp, 'g.png'))) !== null, true);
});

test('evaluate on tensorflow: a finite FID and the engine named', async () => {
  const r = await runScriptAsync('scripts/evaluate.ts', [
    '--model',
    run,
    '--n',
    '200',
    '--backend',
    'tensorflow',
    '--json',
  ]);
  assert.is(r.code, 0, r.stderr);
  const line = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
  assert.ok(Number.isFinite(line.fid), r.stdout);
  assert.not.match(r.stderr, /note: backend/);
});

test.run();
