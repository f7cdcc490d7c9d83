import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseIdx } from '../src/data/idx.ts';
import { loadDataset } from '../src/data/load.ts';
import {
  decodeEvent,
  type Milestone,
  milestoneFile,
  milestoneLabel,
  type TrainingEvent,
  toGreyLevels,
  unpackPixels,
} from '../src/streams/events.ts';
import { milestoneNoise } from '../src/streams/sources/noise.ts';
import { listedFiles, pngSize, runScript, runScriptAsync } from './helpers/cli.ts';
import { unwrap } from './helpers/either.ts';
import { useTestBackend } from './helpers/tf.ts';

await useTestBackend();

const dir = join(mkdtempSync(join(tmpdir(), 'ganstream-run-')), 'run');
const ran = runScript(
  'scripts/train.ts',
  [
    '--epochs',
    '2',
    '--limit',
    '512',
    '--batch-size',
    '64',
    '--milestones',
    '1',
    '--milestone-steps',
    '1,5,8',
    '--seed',
    '3',
    '--backend',
    'wasm',
    '--out',
    dir,
  ],
  300_000,
);

// The scripts that read the finished run start together, while the tests below read its files.
const png = join(dir, '..', 'new.png');
const idxPath = join(dir, '..', 'new-images-idx3-ubyte');
const later = {
  replay: runScriptAsync('scripts/replay.ts', [dir, '--out', join(dir, '..', 'replayed')]),
  png: runScriptAsync('scripts/generate.ts', [
    '--model',
    dir,
    '--count',
    '12',
    '--cols',
    '4',
    '--out',
    png,
    '--backend',
    'wasm',
  ]),
  idx: runScriptAsync('scripts/generate.ts', [
    '--model',
    join(dir, 'generator'),
    '--count',
    '12',
    '--format',
    'idx',
    '--out',
    idxPath,
    '--backend',
    'wasm',
  ]),
  missing: runScriptAsync('scripts/generate.ts', ['--model', join(dir, 'nope')]),
  empty: runScriptAsync('scripts/generate.ts', ['--model', join(dir, '..')]),
};

test('a 2-epoch run on 512 images finishes and says where it wrote', () => {
  assert.is(ran.code, 0, ran.stderr);
  assert.is(ran.stderr, '');
  assert.match(ran.stdout, /mlp-gbn on mnist \(60,000 training digits\): 512 images of 28x28/);
  assert.match(ran.stdout, /epoch 1\/2 .*img\/s/);
  assert.match(ran.stdout, /summary: completed, 16 steps, 2 epochs/);
  assert.ok(ran.stdout.includes(`run folder: ${dir}`));
});

test('the last lines list exactly what the run folder holds', () => {
  const listed = listedFiles(ran.stdout);
  assert.equal(
    [...listed].sort(),
    readdirSync(dir)
      .map((f) => (statSync(join(dir, f)).isDirectory() ? `${f}/` : f))
      .sort(),
  );
  for (const f of [
    'metrics.ndjson',
    'step_1.png',
    'step_5.png',
    'epoch_1.png',
    'epoch_2.png',
    'training_history.png',
    'quality_history.png',
    'real_vs_fake.png',
    'generator/',
  ])
    assert.ok(listed.includes(f), f);
});

const events = () =>
  readFileSync(join(dir, 'metrics.ndjson'), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => unwrap(decodeEvent(l)));

test('metrics.ndjson: every line a valid event, in order, from run-started to run-ended', () => {
  const all = events();
  const types = all.map((e) => e.type);
  assert.is(types[0], 'run-started');
  assert.is(types[types.length - 1], 'run-ended');
  assert.equal(
    all.filter((e) => e.type === 'step').map((e) => (e as { step: number }).step),
    Array.from({ length: 16 }, (_, i) => i + 1),
  );
  assert.equal(
    all.filter((e) => e.type === 'epoch').map((e) => (e as { epoch: number }).epoch),
    [1, 2],
  );
  // Step 8 ends epoch 1, a milestone epoch: its grid is the epoch's, once.
  assert.equal(
    all.filter((e) => e.type === 'milestone').map((e) => milestoneLabel(e as Milestone)),
    ['step 1', 'step 5', 'epoch 1', 'epoch 2'],
  );
  assert.equal(
    all.filter((e) => e.type === 'milestone').map((e) => milestoneFile(e as Milestone)),
    ['step_1.png', 'step_5.png', 'epoch_1.png', 'epoch_2.png'],
  );
  const afterStep5 = all.findIndex((e) => e.type === 'step' && e.step === 5);
  assert.is(all[afterStep5 + 1].type, 'milestone', 'the step-5 grid follows step 5');
  const started = all[0] as Extract<TrainingEvent, { type: 'run-started' }>;
  assert.is(started.backend.name, 'wasm');
  assert.is(started.config.seed, 3);
  assert.is(started.totalSteps, 16);
});

test('the PNGs: one 8x8 grid per milestone and the final 4x4, of the expected sizes; the plots', () => {
  assert.equal(pngSize(readFileSync(join(dir, 'training_history.png'))), { width: 960, height: 640 });
  assert.equal(pngSize(readFileSync(join(dir, 'progress.png'))), { width: 4 * (233 + 12) + 12, height: 233 + 48 });
  assert.equal(pngSize(readFileSync(join(dir, 'real_vs_fake.png'))), {
    width: 110 + 8 * 90 + 6,
    height: 40 + 2 * 112 + 6,
  });
  // 8 images of 28 px at scale 2 with 2 px padding: 8 * (56 + 2) + 2 = 466; 4 at scale 4, padding 4: 4 * (112 + 4) + 4 = 468.
  assert.equal(pngSize(readFileSync(join(dir, 'epoch_1.png'))), { width: 466, height: 466 });
  assert.equal(pngSize(readFileSync(join(dir, 'epoch_2.png'))), { width: 466, height: 466 });
  assert.equal(pngSize(readFileSync(join(dir, 'step_5.png'))), { width: 466, height: 466 });
  assert.equal(pngSize(readFileSync(join(dir, 'final_results.png'))), { width: 468, height: 468 });
});

test('summary.json holds the report', () => {
  const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
  assert.is(s.status, 'completed');
  assert.is(s.steps, 16);
  assert.is(s.arch, 'mlp-gbn');
  assert.ok(s.samplesPerSec > 0);
  assert.ok(Number.isFinite(s.run.dLoss.mean));
});

function serve(root: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (!path.startsWith(root) || !existsSync(path)) {
      res.writeHead(404).end();
      return;
    }
    res
      .writeHead(200, { 'content-type': extname(path) === '.json' ? 'application/json' : 'application/octet-stream' })
      .end(readFileSync(path));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

test('stock tf.loadLayersModel loads the saved generator over HTTP and reproduces the last milestone', async () => {
  const server = await serve(dir);
  try {
    const { port } = server.address() as AddressInfo;
    const generator = await tf.loadLayersModel(`http://127.0.0.1:${port}/generator/model.json`);
    assert.equal(generator.inputs[0].shape, [null, 100]);
    assert.equal(generator.outputs[0].shape, [null, 28, 28, 1]);
    const last = events()
      .filter((e): e is Milestone => e.type === 'milestone')
      .pop()!;
    const noise = milestoneNoise(3, last.count, 100);
    const images = tf.tidy(
      () => (generator.predict(tf.tensor2d(noise, [last.count, 100])) as tf.Tensor).dataSync() as Float32Array,
    );
    const ours = unpackPixels(last);
    const theirs = toGreyLevels(images);
    let worst = 0;
    for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i] - theirs[i]));
    assert.ok(worst <= 1, `largest grey-level difference ${worst}`);
    generator.dispose();
    const discriminator = await tf.loadLayersModel(`http://127.0.0.1:${port}/discriminator/model.json`);
    const p = tf.tidy(() => (discriminator.predict(tf.zeros([2, 28, 28, 1])) as tf.Tensor).dataSync());
    assert.ok(p.every((v) => v >= 0 && v <= 1));
    discriminator.dispose();
  } finally {
    server.close();
  }
});

test('every epoch ends with a comparison of real and generated images scored by D', () => {
  const all = events().filter((e) => e.type === 'comparison');
  assert.equal(
    all.map((e) => e.epoch),
    [1, 2],
  );
  const c = all[1];
  assert.ok(c && c.type === 'comparison');
  assert.is(c.count, 8);
  assert.ok([...c.realScores, ...c.fakeScores].every((s) => s >= 0 && s <= 1));
  const m = events().find((e): e is Milestone => e.type === 'milestone')!;
  assert.ok(m.diversity > 0 && m.realDiversity > 0.1);
});

test('replay of the real run: same summary as the one written live', async () => {
  const out = join(dir, '..', 'replayed');
  const r = await later.replay;
  assert.is(r.code, 0, r.stderr);
  const live = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
  assert.match(r.stdout, new RegExp(`summary: completed, ${live.steps} steps, 2 epochs`));
  assert.match(r.stdout, /replayed \d+ events; 0 bad lines skipped/);
  assert.ok(existsSync(join(out, 'training_history.png')));
});

test('generate: a PNG grid and an IDX file from the saved generator; the IDX parses back', async () => {
  const r = await later.png;
  assert.is(r.code, 0, r.stderr);
  // 4 columns and 3 rows of 28 px at scale 2 with 2 px padding.
  assert.equal(pngSize(readFileSync(png)), { width: 4 * 58 + 2, height: 3 * 58 + 2 });
  const again = await later.idx;
  assert.is(again.code, 0, again.stderr);
  const parsed = unwrap(parseIdx(new Uint8Array(readFileSync(idxPath)), idxPath, 3));
  assert.equal(parsed.dims, [12, 28, 28]);
  assert.ok(new Set(parsed.data).size > 50, 'real images, not a constant');
  const loaded = unwrap(loadDataset(idxPath));
  assert.is(loaded.count, 12);
});

test('generate: a wrong path or a folder without a generator is one line and exit 2', async () => {
  const missing = await later.missing;
  assert.is(missing.code, 2);
  assert.match(missing.stderr, /^error: --model: no such file or folder: .*nope\n$/);
  const empty = await later.empty;
  assert.is(empty.code, 2);
  assert.match(
    empty.stderr,
    /^error: --model: .* holds no generator \(expected .*generator\/model\.json or .*model\.json\)\n$/,
  );
});

test.run();
