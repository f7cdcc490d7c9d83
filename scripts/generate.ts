#!/usr/bin/env -S node --import tsx
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
/**
 * New digits from a saved generator: a PNG grid, or raw samples as an IDX file for other tools;
 * walks between images; each image beside its nearest training images.
 *   generate.ts --model <run folder | run archive .zip | generator folder> [--count 32] [--cols 8] [--seed N] [--out FILE] [--format png|idx]
 */
import { dirname, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import type * as t from 'io-ts';
import { type Dataset, pixelsOf, scaled } from '../src/data/dataset.ts';
import { encodeIdx } from '../src/data/idx.ts';
import { MNIST } from '../src/data/names.ts';
import { normals, Streams, seeded } from '../src/data/random.ts';
import { featureSet, nearestTraining } from '../src/explore/copying.ts';
import { between, PATHS, square, stacked } from '../src/explore/interpolate.ts';
import { oneHotOf, softLabelGenerator } from '../src/explore/soft-label.ts';
import { BACKENDS } from '../src/model/backend.ts';
import { CLASSES } from '../src/model/condition.ts';
import { valuesOf } from '../src/model/values.ts';
import { parseFlags } from '../src/plan/flags.ts';
import { runFolderOf } from '../src/plan/run-archive-folder.ts';
import { drawFrom, loadGenerator, trainedOn } from '../src/plan/saved-generator.ts';
import { intAtLeast, intIn, intList, nonEmptyString, oneOf } from '../src/plan/values.ts';
import { FEATURES } from '../src/quality/classifier.ts';
import { featuresOf, loadRunSets, trainingImages } from '../src/quality/run-sets.ts';
import { toGreyLevels } from '../src/streams/events.ts';
import { writeFileAtomic } from '../src/streams/sinks/atomic-write.ts';
import { gridPng, scoredRowsPng } from '../src/streams/sinks/canvas.ts';
import { writeImageFolder } from '../src/streams/sinks/image-folder.ts';
import { startBackend } from './lib/backend.ts';
import { fail, failOnUncaught } from './lib/exit.ts';

const HELP = `Usage: npm run generate -- --model <run folder | run archive .zip | generator folder> [flags]

  --count N            images to draw (default 32); for a conditional generator, images per class
                       (default --cols)
  --cols N             images per grid row (default 8)
  --digit N            a conditional generator's class to draw (0-9): every image of that class
  --digits LIST        a conditional generator's classes, one grid row each, the same noise in every
                       row (default: all ten, 0 to 9)
  --seed N             noise seed (default 1)
  --interpolate LIST   two or four images of the grid the other flags draw, by number (1 = top left,
                       row by row, as in the PNG): the images between them, a strip of --steps for
                       two, a --steps x --steps square with the four at its corners; the noise walks
                       along --path, a conditional generator's label moves in a straight line
  --path P             spherical (default: the noise keeps its usual length) | linear
  --label-walk A,B     a conditional generator's label moved from class A to class B in --steps images,
                       the noise held still: a strip
  --steps N            images per side of the --interpolate or --label-walk picture (default 8)
  --nearest K          each drawn image (at most 16) beside its K nearest training images, with the
                       distances: is the generator copying? (the run's training images, or --dataset)
  --by pixels|features the --nearest distance: between pixels (default), or between the evaluator
                       classifier's features (what the digits look like to it)
  --dataset SPEC       the training images --nearest searches (default: the run's, else mnist)
  --format png|idx|folder  a PNG grid, an IDX file of raw 0-255 samples, or a folder of PNG files, one
                       an image (default png); for a conditional generator, the labels file beside
                       the IDX file (<name>-labels-idx1-ubyte), or one subfolder per class: a folder
                       that --dataset takes back
  --out PATH           where to write (default generated.png, generated-images-idx3-ubyte or generated/;
                       a folder must be new or empty)
  --backend NAME       ${BACKENDS.join(' | ')} (default auto)
`;

failOnUncaught();

const FLAGS = {
  model: nonEmptyString,
  count: intAtLeast(1),
  cols: intAtLeast(1),
  seed: intAtLeast(0),
  format: oneOf(['png', 'idx', 'folder'] as const),
  out: nonEmptyString,
  backend: oneOf(BACKENDS),
  digit: intIn(0, CLASSES - 1),
  digits: intList(0),
  interpolate: intList(1),
  path: oneOf(PATHS),
  'label-walk': intList(0),
  steps: intIn(2, 1000),
  nearest: intIn(1, 32),
  by: oneOf(['pixels', 'features'] as const),
  dataset: nonEmptyString,
};
const raw = parseFlags(process.argv.slice(2), Object.keys(FLAGS), ['help']);
if (E.isLeft(raw)) fail(raw.left);
if (raw.right.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const given = (k: keyof typeof FLAGS) => raw.right[k] !== undefined;
const get = <K extends keyof typeof FLAGS>(
  k: K,
  fallback?: t.TypeOf<(typeof FLAGS)[K]>,
): t.TypeOf<(typeof FLAGS)[K]> => {
  const v = raw.right[k];
  if (v === undefined) return fallback ?? fail(`--${k} is required (see --help)`);
  return pipe(
    (FLAGS[k] as t.Type<t.TypeOf<(typeof FLAGS)[K]>, string, unknown>).decode(v),
    E.getOrElseW(() => fail(`--${k}: expected ${FLAGS[k].name}, got '${v}'`)),
  );
};
// A run archive (the site's Download) is read from the folder it is unpacked into.
const modelFolder = runFolderOf(get('model'));
if (E.isLeft(modelFolder)) fail(`--model ${modelFolder.left}`);
if (modelFolder.right.unpacked) process.stderr.write(`${modelFolder.right.unpacked}\n`);
const modelPath = modelFolder.right.folder;
const cols = get('cols', 8);
const seed = get('seed', 1);
const format = get('format', 'png');
const out = get(
  'out',
  format === 'png' ? 'generated.png' : format === 'idx' ? 'generated-images-idx3-ubyte' : 'generated',
);
if (format === 'folder' && existsSync(out) && (!statSync(out).isDirectory() || readdirSync(out).length > 0))
  fail(`--out: ${out} exists and is not an empty folder: expected a new or empty folder for --format folder`);
const walks = (['interpolate', 'label-walk', 'nearest'] as const).filter(given);
if (walks.length > 1) fail(`${walks.map((w) => `--${w}`).join(' and ')}: give one of them`);
if (given('digit') && given('digits')) fail('--digit and --digits: give one of them');

await startBackend(get('backend', 'auto'));
const loaded = await loadGenerator(modelPath);
if (E.isLeft(loaded)) fail(loaded.left);
const saved = loaded.right;
const { model, noiseDim, rows, cols: width, channels, classes } = saved;
const pixels = rows * width * channels;
const unconditional = (flag: string) =>
  fail(
    `--${flag}: ${modelPath} holds an unconditional generator (one input, noise): expected a generator trained with --arch cgan or acgan`,
  );

/** Writes images as the PNG grid, the IDX file or the folder --format asks for (a conditional generator's labels beside an IDX file). */
function write(grey: Uint8Array, count: number, gridCols: number, labels: Uint8Array | null): string {
  mkdirSync(dirname(resolve(out)), { recursive: true });
  if (format === 'folder') {
    writeImageFolder(out, grey, { count, rows, cols: width, channels }, labels);
    return `${resolve(out)}${labels ? ' (one subfolder per class)' : ''}`;
  }
  writeFileAtomic(
    out,
    format === 'png'
      ? gridPng(grey, { count, rows, cols: width, channels, gridCols, scale: 2, pad: 2 })
      : encodeIdx(channels === 1 ? [count, rows, width] : [count, rows, width, channels], grey),
  );
  const labelsFile = labels && format === 'idx' ? labelsFileFor(out) : null;
  if (labelsFile) writeFileAtomic(labelsFile, encodeIdx([count], labels!));
  return `${resolve(out)}${labelsFile ? ` and their labels to ${resolve(labelsFile)}` : ''}`;
}

/** Images of noise [n * noiseDim]: with class numbers, or with class weights ([n * classes], a conditional generator's soft labels). */
function draw(noise: Float32Array, n: number, labels: Uint8Array | Float32Array | null): Uint8Array {
  if (!(labels instanceof Float32Array)) return toGreyLevels(drawFrom(saved, noise, n, labels ?? undefined));
  const soft = softLabelGenerator(model, noiseDim, classes)!;
  return toGreyLevels(
    valuesOf(() => soft.predict([tf.tensor2d(noise, [n, noiseDim]), tf.tensor2d(labels, [n, classes])]) as tf.Tensor),
  );
}

if (given('label-walk')) {
  const ends = get('label-walk');
  if (classes === 0) unconditional('label-walk');
  if (ends.length !== 2 || ends.some((c) => c >= classes))
    fail(`--label-walk: expected two classes from 0 to ${classes - 1}, got '${raw.right['label-walk']}'`);
  if (given('digit') || given('digits') || given('count'))
    fail('--label-walk: --count, --digit and --digits do not apply (the strip has --steps images)');
  const steps = get('steps', 8);
  const z = normals(seeded(seed, Streams.noise), noiseDim);
  const mix = stacked(between(oneHotOf(ends[0], classes), oneHotOf(ends[1], classes), steps, 'linear'));
  const grey = draw(stacked(Array.from({ length: steps }, () => z)), steps, mix);
  process.stdout.write(
    `wrote ${steps} images of ${rows}x${width}, the label moving from class ${ends[0]} to class ${ends[1]} with the noise held still, to ${write(grey, steps, steps, null)}\n`,
  );
  process.exit(0);
}

// The grid: for a conditional generator one row per class (or every image of --digit), the same noise in each row.
const asked = given('digit') ? [get('digit')] : given('digits') ? get('digits') : null;
if (asked && classes === 0) unconditional(given('digit') ? 'digit' : 'digits');
const bad = asked?.find((d) => d >= classes);
if (bad !== undefined) fail(`--digits: class ${bad}, expected classes from 0 to ${classes - 1}`);
const rowClasses =
  classes === 0 ? null : given('digit') ? null : (asked ?? Array.from({ length: classes }, (_, i) => i));
const perRow = classes === 0 ? 0 : get('count', cols);
const count = classes === 0 ? get('count', 32) : rowClasses ? rowClasses.length * perRow : perRow;
const gridCols = rowClasses ? perRow : Math.min(cols, count);
const labels =
  classes === 0
    ? null
    : rowClasses
      ? Uint8Array.from({ length: count }, (_, i) => rowClasses[Math.floor(i / perRow)])
      : new Uint8Array(count).fill(asked![0]);
const base = normals(seeded(seed, Streams.noise), (rowClasses ? perRow : count) * noiseDim);
const noise = rowClasses
  ? Float32Array.from({ length: count * noiseDim }, (_, i) => base[i % (perRow * noiseDim)])
  : base;
const what = labels
  ? rowClasses
    ? `, one row per class (${rowClasses.join(', ')})`
    : `, all of class ${asked![0]}`
  : '';

if (given('interpolate')) {
  const picked = get('interpolate');
  if (picked.length !== 2 && picked.length !== 4)
    fail(`--interpolate: expected two or four image numbers, got '${raw.right.interpolate}'`);
  const outside = picked.find((i) => i > count);
  if (outside !== undefined)
    fail(`--interpolate: image ${outside}, expected numbers from 1 to ${count} (the grid the other flags draw)`);
  const steps = get('steps', 8);
  const path = get('path', 'spherical');
  const z = picked.map((i) => noise.slice((i - 1) * noiseDim, i * noiseDim));
  const walk = (ends: Float32Array[], p: typeof path) =>
    ends.length === 2 ? between(ends[0], ends[1], steps, p) : square([ends[0], ends[1], ends[2], ends[3]], steps, p);
  const points = walk(z, path);
  const n = points.length;
  const mix = labels
    ? stacked(
        walk(
          picked.map((i) => oneHotOf(labels[i - 1], classes)),
          'linear',
        ),
      )
    : null;
  const grey = draw(stacked(points), n, mix);
  const shape = picked.length === 2 ? `a strip of ${n} images` : `a ${steps}x${steps} square of images`;
  process.stdout.write(
    `wrote ${shape} between images ${picked.join(', ')} of the grid (seed ${seed}${what}), the noise along the ${path} path${labels ? ', the label in a straight line' : ''}, to ${write(grey, n, picked.length === 2 ? n : steps, null)}\n`,
  );
  process.exit(0);
}

const grey = draw(noise, count, labels);

if (given('nearest')) {
  const k = get('nearest');
  const by = get('by', 'pixels');
  const shown = Math.min(count, 16);
  const run = given('dataset')
    ? { dataset: get('dataset'), limit: null, imageSize: null, channels: null }
    : (trainedOn(modelPath) ?? { dataset: MNIST, limit: null, imageSize: null, channels: null });
  // By pixels needs the training images alone (so it works on a folder of your own, in colour);
  // by features, the classifier of their classes too.
  const sets =
    by === 'pixels'
      ? E.map((train: Dataset) => ({ train, classifier: null }))(trainingImages(run))
      : await loadRunSets(run);
  if (E.isLeft(sets)) fail(`--nearest: ${sets.left}`);
  const { train, classifier } = sets.right;
  if (by === 'features' && !classifier)
    fail(
      `--by features: no classifier of the training images' classes (${'noClassifier' in sets.right ? sets.right.noClassifier : ''}); --by pixels needs none`,
    );
  if (pixelsOf(train) !== pixels)
    fail(
      `--nearest: the training images are ${train.rows}x${train.cols}${train.channels === 3 ? ' in colour' : ''}, the generator draws ${rows}x${width}${channels === 3 ? ' in colour' : ''}`,
    );
  const features = classifier
    ? { set: featureSet(featuresOf(classifier), train, FEATURES), of: featuresOf(classifier) }
    : undefined;
  const rowsShown = Array.from({ length: shown }, (_, i) => {
    const image = grey.subarray(i * pixels, (i + 1) * pixels);
    const found = nearestTraining(Float32Array.from(image, scaled), train, k, features);
    const list = features ? found.feature! : found.pixel;
    const near = new Uint8Array((k + 1) * pixels);
    near.set(image);
    list.forEach((n, j) => {
      near.set(train.bytes.subarray(n.index * pixels, (n.index + 1) * pixels), (j + 1) * pixels);
    });
    process.stdout.write(
      `image ${i + 1}: ${list.map((n) => `#${n.index}${train.labels ? ` (${train.labels[n.index]})` : ''} ${n.distance.toFixed(2)}`).join(', ')}\n`,
    );
    return {
      title: `image ${i + 1}`,
      grey: near,
      scores: [NaN, ...list.map((n) => n.distance)],
      caption: (d: number) => (Number.isNaN(d) ? 'generated' : `d ${d.toFixed(2)}`),
      nearest: list[0].distance,
    };
  });
  mkdirSync(dirname(resolve(out)), { recursive: true });
  writeFileAtomic(
    out,
    scoredRowsPng(`Nearest training images by ${by} (d: distance; a copy: 0)`, rowsShown, {
      rows,
      cols: width,
      channels,
      scale: 2,
      pad: 4,
    }),
  );
  const closest = rowsShown.reduce((a, b) => (b.nearest < a.nearest ? b : a));
  process.stdout.write(
    `wrote ${shown} images${what} and their ${k} nearest training images by ${by} to ${resolve(out)}; the closest pair: ${closest.title}, ${closest.nearest.toFixed(2)} apart${by === 'pixels' ? ' (pixel intensities 0-1; a copy is 0)' : ''}\n`,
  );
  process.exit(0);
}

process.stdout.write(
  `wrote ${count} images of ${rows}x${width}${channels === 3 ? ' in colour' : ''}${what} to ${write(grey, count, gridCols, labels)}\n`,
);

/** The labels file beside an images file, by the IDX naming: x-images-idx3-ubyte -> x-labels-idx1-ubyte. */
function labelsFileFor(images: string): string {
  return images.includes('images-idx3')
    ? images.replace(/images-idx3(?!.*images-idx3)/, 'labels-idx1')
    : `${images}-labels-idx1-ubyte`;
}
