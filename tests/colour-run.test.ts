/**
 * A colour run from the command line: a classifier of the coloured shapes fixture's classes (red
 * discs, green squares, blue triangles, at 8x8), then a cGAN on the shapes judged by it; its
 * pictures in colour, G's classes in their own colours, the run's record of its data, generate
 * drawing from it in colour, and evaluate scoring it.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseIdx } from '../src/data/idx.ts';
import { loadDataset } from '../src/data/load.ts';
import { type Milestone, type RunStarted, unpackPixels } from '../src/streams/events.ts';
import { runScriptAsync } from './helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'ganstream-colour-'));
const run = join(dir, 'shapes');
// Where train-classifier writes a folder's classifier and where runs look for one.
const classifiers = { GANSTREAM_CLASSIFIERS: join(dir, 'classifiers') };
// 40 epochs of 3 steps: the shapes' classes are told apart by their colours within them.
const classifier = await runScriptAsync(
  'scripts/train-classifier.ts',
  ['--dataset', 'fixtures/images/shapes', '--image-size', '8', '--epochs', '40'],
  120_000,
  classifiers,
);
// 40 epochs of 15 steps: about 600 steps, enough for each class's colour (not yet for its shape).
const trained = await runScriptAsync(
  'scripts/train.ts',
  [
    ...['--dataset', 'fixtures/images/shapes', '--image-size', '8', '--arch', 'cgan'],
    ...['--epochs', '40', '--batch-size', '16', '--milestones', '40', '--eval-every', '20', '--out', run],
  ],
  300_000,
  classifiers,
);
const events = readFileSync(join(run, 'metrics.ndjson'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l));

/** The dominant channel (0 red, 1 green, 2 blue) of the bright pixels (a channel over 100) of each image group. */
function dominantChannels(levels: Uint8Array, pixels: number, groups: number[][]): number[] {
  return groups.map((images) => {
    const sums = [0, 0, 0];
    for (const i of images)
      for (let p = 0; p < pixels; p++) {
        const rgb = [0, 1, 2].map((c) => levels[(i * pixels + p) * 3 + c]);
        if (Math.max(...rgb) > 100) for (let c = 0; c < 3; c++) sums[c] += rgb[c];
      }
    return sums.indexOf(Math.max(...sums));
  });
}

/** Whether a PNG holds colour: some pixel whose channels differ by more than 40. */
async function hasColour(path: string): Promise<boolean> {
  const image = await loadImage(readFileSync(path));
  const ctx = createCanvas(image.width, image.height).getContext('2d');
  ctx.drawImage(image, 0, 0);
  const px = ctx.getImageData(0, 0, image.width, image.height).data;
  for (let i = 0; i < px.length; i += 4)
    if (Math.max(px[i], px[i + 1], px[i + 2]) - Math.min(px[i], px[i + 1], px[i + 2]) > 40) return true;
  return false;
}

test("train-classifier --dataset: a classifier of the folder's three classes, tested on the last fifth of each, saved with the folder's hash", () => {
  assert.is(classifier.code, 0, classifier.stderr);
  const saved = join(classifiers.GANSTREAM_CLASSIFIERS, readdirSync(classifiers.GANSTREAM_CLASSIFIERS)[0]);
  assert.match(
    classifier.stdout,
    /test accuracy \d+\.\d\d% on 48 held-out images; written to .*shapes-[0-9a-f]{8}-8px-colour\n$/,
  );
  const about = JSON.parse(readFileSync(join(saved, 'about.json'), 'utf8'));
  const folder = loadDataset('fixtures/images/shapes', { imageSize: 8, channels: 3 });
  assert.ok(E.isRight(folder));
  assert.equal(about.folder, {
    path: 'fixtures/images/shapes',
    hash: folder.right.source!.hash,
    imageSize: 8,
    channels: 3,
    classes: ['blue-triangles', 'green-squares', 'red-discs'],
    trainCount: 192,
    heldOutCount: 48,
  });
  assert.ok(about.testAccuracy >= 0.9, `test accuracy ${about.testAccuracy}`);
  assert.match(
    about.command,
    /^npm run train-classifier -- --dataset fixtures\/images\/shapes --image-size 8 --channels 3 --epochs 40 --seed 1$/,
  );
});

test('train-classifier refuses a folder without classes, a class of too few images, and --set with --dataset: one line, exit 2, nothing written', async () => {
  const few = join(dir, 'few');
  for (const [shape, n] of [
    ['green-squares', 8],
    ['red-discs', 3],
  ] as const) {
    mkdirSync(join(few, shape), { recursive: true });
    for (let i = 0; i < n; i++) {
      const name = `${shape}/${String(i).padStart(2, '0')}.png`;
      cpSync(join('fixtures/images/shapes', name), join(few, name));
    }
  }
  const nowhere = { GANSTREAM_CLASSIFIERS: join(dir, 'refused') };
  const [unlabelled, tooFew, both] = await Promise.all([
    runScriptAsync('scripts/train-classifier.ts', ['--dataset', 'fixtures/images/photos'], 60_000, nowhere),
    runScriptAsync('scripts/train-classifier.ts', ['--dataset', few, '--image-size', '8'], 60_000, nowhere),
    runScriptAsync('scripts/train-classifier.ts', ['--set', 'digits', '--dataset', few], 60_000, nowhere),
  ]);
  assert.equal(
    [unlabelled, tooFew, both].map((r) => [r.code, r.stdout]),
    [
      [2, ''],
      [2, ''],
      [2, ''],
    ],
  );
  assert.is(
    unlabelled.stderr,
    'error: --dataset: fixtures/images/photos has no class subfolders, expected at least 2: a classifier tells classes apart\n',
  );
  assert.match(
    tooFew.stderr,
    /^error: --dataset: class 'red-discs' has 3 images, expected at least 5 \(one in five is held out to test on\)\n$/,
  );
  assert.match(
    both.stderr,
    /^error: expected one of --set and --dataset, got both \(--set digits, --dataset .*few\)\n$/,
  );
  assert.not.ok(existsSync(nowhere.GANSTREAM_CLASSIFIERS), 'nothing written');
});

test("the run is judged by the folder's classifier: its three classes, recognisable shapes, mostly of the class asked for", () => {
  assert.is(trained.code, 0, trained.stderr);
  assert.not.match(trained.stdout, /no quality checks/);
  const checks = events.filter((e) => e.type === 'quality');
  assert.equal(
    checks.map((q) => q.epoch),
    [20, 40],
  );
  const last = checks[1];
  assert.is(last.histogram.length, 3, 'three classes, not ten');
  assert.match(last.classifier, /^fixtures\/images\/shapes \(3 classes\)$/);
  assert.is(last.realSamples, 48, "the folder's held-out fifth");
  // Chance would put a third in the class asked for.
  assert.ok(
    last.intended > 0.45 && last.recognisable > 0.4,
    `intended ${last.intended}, recognisable ${last.recognisable}`,
  );
  assert.match(trained.stdout, /quality at epoch 40: FID \d+\.\d\d, \d\/3 classes/);
});

test('the run records its data: the folder, 240 images of 8x8 in colour, a hash of the files', () => {
  assert.is(trained.code, 0, trained.stderr);
  assert.match(trained.stdout, /cgan on fixtures\/images\/shapes: 240 images of 8x8 in colour\n/);
  assert.match(trained.stdout, /is G copying its images\? npm run evaluate -- --model /);
  const started = events[0] as RunStarted;
  const folder = loadDataset('fixtures/images/shapes');
  assert.ok(E.isRight(folder));
  assert.equal(started.dataset, {
    name: 'fixtures/images/shapes',
    count: 240,
    rows: 8,
    cols: 8,
    channels: 3,
    source: { path: 'fixtures/images/shapes', hash: folder.right.source!.hash, skipped: 0 },
  });
});

test("G draws each class in its own colour: the last grid's rows are blue, green and red like the real classes", () => {
  const last = events.filter((e) => e.type === 'milestone').at(-1) as Milestone;
  assert.equal(last.rowLabels, ['blue-triangles', 'green-squares', 'red-discs']);
  assert.is(last.channels, 3);
  const perRow = last.count / 3;
  const rows = [0, 1, 2].map((r) => Array.from({ length: perRow }, (_, i) => r * perRow + i));
  assert.equal(dominantChannels(unpackPixels(last), 64, rows), [2, 1, 0]);
});

test('the pictures are in colour: the grids, real beside fake, the final grid', async () => {
  for (const file of ['epoch_40.png', 'progress.png', 'real_vs_fake.png', 'final_results.png'])
    assert.ok(await hasColour(join(run, file)), `${file} has colour`);
});

test('generate draws from the saved colour generator: a colour grid, IDX files of 8x8x3 samples, a folder of PNG files, the nearest training images', async () => {
  const png = join(dir, 'grid.png');
  const idx = join(dir, 'samples-images-idx3-ubyte');
  const folder = join(dir, 'generated');
  const [grid, raw, files] = await Promise.all([
    runScriptAsync('scripts/generate.ts', ['--model', run, '--digits', '0,1,2', '--out', png]),
    runScriptAsync('scripts/generate.ts', ['--model', run, '--format', 'idx', '--count', '4', '--out', idx]),
    runScriptAsync('scripts/generate.ts', ['--model', run, '--digits', '0,1,2', '--format', 'folder', '--out', folder]),
  ]);
  // A folder of PNG files, one subfolder per class: --dataset reads it back as it was drawn.
  assert.is(files.code, 0, files.stderr);
  const back = loadDataset(folder);
  assert.ok(E.isRight(back), E.isLeft(back) ? back.left : '');
  assert.equal(
    [back.right.count, back.right.rows, back.right.channels, back.right.classes],
    [24, 8, 3, ['0', '1', '2']],
  );
  const [refused, nearest] = await Promise.all([
    runScriptAsync('scripts/generate.ts', ['--model', run, '--format', 'folder', '--out', folder]),
    runScriptAsync('scripts/generate.ts', [
      '--model',
      run,
      '--count',
      '2',
      '--nearest',
      '3',
      '--out',
      join(dir, 'near.png'),
    ]),
  ]);
  // Is G copying? Each drawn image beside its nearest training images by pixels, in colour.
  assert.is(nearest.code, 0, nearest.stderr);
  assert.match(nearest.stdout, /^image 1: #\d+ \(\d\) \d+\.\d\d, #\d+ \(\d\) \d+\.\d\d, #\d+ \(\d\) \d+\.\d\d$/m);
  assert.ok(await hasColour(join(dir, 'near.png')));
  assert.is(refused.code, 2);
  assert.match(refused.stderr, /--out: .*generated exists and is not an empty folder: expected a new or empty folder/);
  assert.is(grid.code, 0, grid.stderr);
  assert.match(grid.stdout, /wrote 24 images of 8x8 in colour/);
  assert.ok(await hasColour(png));
  assert.is(raw.code, 0, raw.stderr);
  const bytes = new Uint8Array(readFileSync(idx));
  assert.equal(Array.from(bytes.subarray(0, 4)), [0, 0, 8, 4], 'IDX of unsigned bytes, 4 dimensions');
  assert.ok(E.isLeft(parseIdx(bytes, idx, 3)), 'not the 3-dimensional grey kind');
});

test("evaluate: the folder's classifier scores the run against the held-out fifth; without it, novelty alone and why", async () => {
  const [judged, bare] = await Promise.all([
    runScriptAsync('scripts/evaluate.ts', ['--model', run, '--n', '600', '--json'], 120_000, classifiers),
    runScriptAsync('scripts/evaluate.ts', ['--model', run, '--n', '600', '--json'], 120_000, {
      GANSTREAM_CLASSIFIERS: join(dir, 'none'),
    }),
  ]);
  assert.is(judged.code, 0, judged.stderr);
  const q = JSON.parse(judged.stdout);
  assert.is(q.coverage.histogram.length, 3);
  assert.is(q.realSamples, 48);
  assert.ok(q.intended > 0.45, `intended ${q.intended}`);
  // Novelty against the training images' own distances to each other: a G of 600 steps draws blurs, no copies.
  assert.is(q.novelty.against, 'training images to their nearest other');
  assert.ok(q.novelty.ratio > 1 && q.novelty.closeShare < 0.05, JSON.stringify(q.novelty));
  assert.is(bare.code, 0, bare.stderr);
  const b = JSON.parse(bare.stdout);
  assert.is(b.fid, undefined);
  assert.match(
    b.absent,
    /^a folder of images: .* train one with npm run train-classifier -- --dataset fixtures\/images\/shapes --image-size 8 --channels 3$/,
  );
  assert.equal(b.novelty, q.novelty, 'the same samples, the same novelty');
});

test('resume: a colour run goes on; once a file of its folder changed, resume and evaluate refuse the folder, both hashes named', async () => {
  const mini = join(dir, 'mini');
  for (const shape of ['green-squares', 'red-discs']) {
    mkdirSync(join(mini, shape), { recursive: true });
    for (let n = 0; n < 16; n++) {
      const name = `${shape}/${String(n).padStart(2, '0')}.png`;
      cpSync(join('fixtures/images/shapes', name), join(mini, name));
    }
  }
  const out = join(dir, 'mini-run');
  const tiny = ['--image-size', '8', '--batch-size', '16', '--eval-every', '0', '--milestone-steps', '1'];
  const first = await runScriptAsync('scripts/train.ts', ['--dataset', mini, ...tiny, '--epochs', '1', '--out', out]);
  assert.is(first.code, 0, first.stderr);
  const resumed = await runScriptAsync('scripts/train.ts', ['--resume', out, '--epochs', '2']);
  assert.is(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /epoch 2\/2/);
  cpSync('fixtures/images/shapes/blue-triangles/00.png', join(mini, 'red-discs/00.png'));
  const [refused, evaluated] = await Promise.all([
    runScriptAsync('scripts/train.ts', ['--resume', out, '--epochs', '3']),
    runScriptAsync('scripts/evaluate.ts', ['--model', out, '--n', '100']),
  ]);
  // evaluate compares with the images the run trained on: not with others under the same name.
  assert.is(evaluated.code, 2, evaluated.stderr);
  assert.match(
    evaluated.stderr,
    /^error: --dataset: the dataset is now .*mini \(32 images of 8x8 in colour, hash [0-9a-f]{16}\), expected the run's .*: the images the run trained on have changed since\n$/,
  );
  assert.is(refused.code, 2);
  assert.match(
    refused.stderr,
    /^error: --resume: the dataset is now .*mini \(32 images of 8x8 in colour, hash ([0-9a-f]{16})\), expected the run's .*mini \(32 images of 8x8 in colour, hash (?!\1)[0-9a-f]{16}\)\n$/,
  );
});

test.run();
