import * as tf from '@tensorflow/tfjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { imagesOf, limitDataset } from '../src/data/dataset.ts';
import { embeddedDigits } from '../src/data/embedded.ts';
import { normals, Streams, seeded } from '../src/data/random.ts';
import { ARCHITECTURES } from '../src/model/architectures.ts';
import { CALIBRATION_SAMPLES, calibrate, decayAt, updateAverage } from '../src/model/average.ts';
import { createGan, disposeGan, drawingGenerator } from '../src/model/gan.ts';
import type { BatchNormParams } from '../src/model/layers/batch-norm.ts';
import { allVariables, type BatchMoments, forward } from '../src/model/network.ts';
import { dStep, generate, gStep } from '../src/model/steps.ts';
import { useTestBackend } from './helpers/tf.ts';

await useTestBackend();

const values = (v: tf.Variable) => Array.from(v.dataSync());

test('decay warms up: (1 + t) / (10 + t), capped at the decay', () => {
  assert.is(decayAt(0.999, 0), 0.1);
  assert.is(decayAt(0.999, 10), 11 / 20);
  assert.is(decayAt(0.999, 1e6), 0.999);
});

test('the average starts as a copy and moves by the decay; BatchNorm statistics are copied', () => {
  const gan = createGan(ARCHITECTURES['mlp-gbn'], { pixels: 784, seed: 2, lr: 1e-3, beta1: 0.5, ema: 0.9 });
  const avg = gan.generatorAverage!;
  const source = allVariables(gan.generator);
  const target = allVariables(avg.network);
  assert.equal(values(target[0]).slice(0, 5), values(source[0]).slice(0, 5));
  assert.is.not(target[0], source[0]);
  const before = values(target[0]);
  const data = imagesOf(limitDataset(embeddedDigits(), 64));
  const rng = seeded(2);
  dStep(gan, data, normals(rng, 6400), { loss: 'bce', labelSmoothing: 0, dropoutSeed: 1 });
  // gStep updates G, then the average with decay (1 + 0) / (10 + 0) = 0.1.
  gStep(gan, normals(rng, 6400), { loss: 'bce', labelSmoothing: 0, dropoutSeed: 1 });
  const after = values(target[0]);
  const now = values(source[0]);
  for (let i = 0; i < 50; i++) assert.ok(Math.abs(after[i] - (0.1 * before[i] + 0.9 * now[i])) < 1e-6);
  const movingMean = source.findIndex((v) => v.name.includes('moving_mean'));
  assert.equal(values(target[movingMean]), values(source[movingMean]));
  assert.is(avg.updates, 1);
  updateAverage(avg, gan.generator);
  assert.is(avg.updates, 2);
  disposeGan(gan);
});

test('generate() draws with the average when there is one, and the plain generator otherwise', () => {
  const withAvg = createGan(ARCHITECTURES.mlp, { pixels: 784, seed: 3, lr: 1e-3, beta1: 0.5, ema: 0.5 });
  assert.is(drawingGenerator(withAvg), withAvg.generatorAverage!.network);
  // Push the live generator away; the average stays where it was.
  allVariables(withAvg.generator).forEach((v) => {
    v.assign(tf.zerosLike(v));
  });
  const z = normals(seeded(1), 300);
  assert.ok(
    generate(withAvg, z).some((v) => v !== 0),
    'the average, not the zeroed generator, drew',
  );
  const without = createGan(ARCHITECTURES.mlp, { pixels: 784, seed: 3, lr: 1e-3, beta1: 0.5 });
  assert.is(without.generatorAverage, null);
  assert.is(drawingGenerator(without), without.generator);
  disposeGan(withAvg);
  disposeGan(without);
});

test("drawing calibrates the average's BatchNorm statistics to its own output on fixed noise, once per update, weights untouched", () => {
  const gan = createGan(ARCHITECTURES['mlp-gbn'], { pixels: 784, seed: 5, lr: 1e-3, beta1: 0.5, ema: 0.9 });
  const batch = { images: imagesOf(limitDataset(embeddedDigits(), 32)) };
  const rng = seeded(3);
  for (let i = 0; i < 5; i++) {
    dStep(gan, batch.images, normals(rng, 32 * 100), { loss: 'bce', labelSmoothing: 0, dropoutSeed: i });
    gStep(gan, normals(rng, 32 * 100), { loss: 'bce', labelSmoothing: 0, dropoutSeed: i });
  }
  const avg = gan.generatorAverage!;
  const bnLayer = avg.network.layers.findIndex((l) => l.spec.kind === 'batchNorm');
  const p = avg.network.layers[bnLayer].params as BatchNormParams;
  const trainable = allVariables(avg.network)
    .filter((v) => v.trainable)
    .map(values);
  assert.equal(
    values(p.movingMean),
    values((gan.generator.layers[bnLayer].params as BatchNormParams).movingMean),
    'copied from the live G by the update',
  );
  // What calibration should set: the batch mean of the first BatchNorm layer on the calibration noise.
  const moments: BatchMoments[] = [];
  const noise = normals(seeded(0, Streams.calibration), CALIBRATION_SAMPLES * 100);
  tf.tidy(() => {
    forward(avg.network, tf.tensor2d(noise, [CALIBRATION_SAMPLES, 100]), { training: true, moments });
  });
  const expected = Array.from(moments[0].mean.dataSync());
  moments.forEach((m) => {
    m.mean.dispose();
    m.variance.dispose();
  });
  const first = generate(gan, normals(seeded(9), 4 * 100));
  assert.equal(values(p.movingMean), expected);
  assert.equal(
    allVariables(avg.network)
      .filter((v) => v.trainable)
      .map(values),
    trainable,
    'weights untouched',
  );
  assert.is(avg.calibratedAt, avg.updates);
  calibrate(avg);
  assert.equal(generate(gan, normals(seeded(9), 4 * 100)), first, 'the same drawing twice');
  assert.is(drawingGenerator(gan), avg.network);
  disposeGan(gan);
});

test.run();
