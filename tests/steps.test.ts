import * as tf from '@tensorflow/tfjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { imagesOf, limitDataset } from '../src/data/dataset.ts';
import { embeddedDigits } from '../src/data/embedded.ts';
import { normals, seeded } from '../src/data/random.ts';
import { ARCHITECTURES } from '../src/model/architectures.ts';
import { createGan, disposeGan } from '../src/model/gan.ts';
import { dStep, generate, gStep } from '../src/model/steps.ts';
import { useTestBackend } from './helpers/tf.ts';

await useTestBackend();

const digits = { images: imagesOf(limitDataset(embeddedDigits(), 64)) };
const options = { loss: 'bce' as const, labelSmoothing: 0, dropoutSeed: 5 };
const small = (arch = 'mlp-gbn', seed = 1) =>
  createGan(ARCHITECTURES[arch], { pixels: 784, seed, lr: 2e-4, beta1: 0.5 });

test('a D step on a fixed batch lowers D loss, step after step', () => {
  const gan = small();
  const z = normals(seeded(2), 64 * 100);
  const losses = Array.from({ length: 8 }, () => dStep(gan, digits.images, z, { ...options, dropoutSeed: 0 }).dLoss);
  assert.ok(losses[7] < losses[0] * 0.7, `D loss went ${losses[0].toFixed(3)} -> ${losses[7].toFixed(3)}`);
  disposeGan(gan);
});

test('a G step on fixed noise raises D(G(z))', () => {
  const gan = small();
  const z = normals(seeded(3), 64 * 100);
  const before = gStep(gan, z, options).dFakeForG;
  let after = before;
  for (let i = 0; i < 6; i++) after = gStep(gan, z, options).dFakeForG;
  assert.ok(after > before + 0.05, `D(G(z)) went ${before.toFixed(3)} -> ${after.toFixed(3)}`);
  disposeGan(gan);
});

test('metrics are plain numbers in their ranges, and dLoss = dLossReal + dLossFake', () => {
  const gan = small('mlp-bn');
  const d = dStep(gan, digits.images, normals(seeded(4), 6400), options);
  const g = gStep(gan, normals(seeded(5), 6400), options);
  for (const v of [d.dAccReal, d.dAccFake, d.dReal, d.dFake, g.dFakeForG]) assert.ok(v >= 0 && v <= 1, String(v));
  assert.ok(Math.abs(d.dLoss - d.dLossReal - d.dLossFake) < 1e-9);
  assert.ok(g.gLoss > 0);
  disposeGan(gan);
});

test('the same seed gives the same weights and metrics', () => {
  const run = () => {
    const gan = small('mlp-gbn', 9);
    const rng = seeded(9);
    let last = 0;
    for (let i = 0; i < 3; i++) {
      last = dStep(gan, digits.images, normals(rng, 6400), { ...options, dropoutSeed: i }).dLoss;
      last += gStep(gan, normals(rng, 6400), { ...options, dropoutSeed: i }).gLoss;
    }
    const sample = Array.from(generate(gan, normals(seeded(1), 100)).subarray(0, 20));
    disposeGan(gan);
    return { last, sample };
  };
  assert.equal(run(), run());
});

test('no tensor leaks: numTensors after step 3 equals numTensors after step 13', () => {
  const gan = small('mlp-bn');
  const rng = seeded(6);
  const step = (i: number) => {
    dStep(gan, digits.images, normals(rng, 6400), { ...options, dropoutSeed: i });
    gStep(gan, normals(rng, 6400), { ...options, dropoutSeed: i });
  };
  for (let i = 0; i < 3; i++) step(i);
  const after3 = tf.memory().numTensors;
  for (let i = 3; i < 13; i++) step(i);
  assert.is(tf.memory().numTensors, after3);
  disposeGan(gan);
});

test('mlp-bn (reference 000): D sits at 0.5 on separate real and fake batches', () => {
  const gan = small('mlp-bn');
  const rng = seeded(8);
  const data = { images: imagesOf(limitDataset(embeddedDigits(), 640)) };
  let dReal = 0,
    dFake = 0;
  for (let i = 0; i < 10; i++) {
    const d = dStep(gan, data.images.subarray(i * 64 * 784, (i + 1) * 64 * 784), normals(rng, 6400), {
      ...options,
      dropoutSeed: i,
    });
    gStep(gan, normals(rng, 6400), { ...options, dropoutSeed: i });
    if (i >= 5) {
      dReal += d.dReal / 5;
      dFake += d.dFake / 5;
    }
  }
  assert.ok(Math.abs(dReal - 0.5) < 0.02 && Math.abs(dFake - 0.5) < 0.02, `D(x) ${dReal}, D(G(z)) ${dFake}`);
  disposeGan(gan);
});

test('update: false measures without moving anything: weights, optimizer state, BatchNorm statistics and the average stay', () => {
  const gan = small('mlp-bn', 4);
  const snapshot = () =>
    [gan.generator, gan.discriminator].flatMap((n) =>
      n.layers.flatMap((l) =>
        l.params ? Object.values(l.params).map((v: tf.Variable) => Array.from(v.dataSync())) : [],
      ),
    );
  const before = snapshot();
  const rng = seeded(6);
  const dNoise = normals(rng, 64 * 100),
    gNoise = normals(rng, 64 * 100);
  const d = dStep(gan, digits.images, dNoise, { ...options, update: false });
  const g = gStep(gan, gNoise, { ...options, update: false });
  assert.equal(snapshot(), before);
  assert.equal([gan.dOptimizer.iterations, gan.gOptimizer.iterations], [0, 0]);
  // The same measurements as an updating step would report (they are taken before its update).
  const moved = dStep(gan, digits.images, dNoise, options);
  assert.equal(moved, d);
  assert.ok(Number.isFinite(g.gLoss) && g.dFakeForG > 0 && g.dFakeForG < 1);
  assert.not.equal(snapshot(), before);
  disposeGan(gan);
});

test.run();
