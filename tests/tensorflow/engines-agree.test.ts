/**
 * tfjs-node computes what the wasm backend computes: two D + G steps of every architecture, from
 * the same weights, batch, noise and dropout masks (drawn in JavaScript from their seeds, so the
 * same on both engines), give the same losses and D outputs on tensorflow and on wasm with
 * ganstream's kernels, to float rounding; and leave no tensor behind on tensorflow.
 */
import * as tf from '@tensorflow/tfjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { normals, seeded } from '../../src/data/random.ts';
import { ARCHITECTURE_NAMES, ARCHITECTURES } from '../../src/model/architectures.ts';
import { selectBackend } from '../../src/model/backend.ts';
import { createGan, disposeGan } from '../../src/model/gan.ts';
import { dStep, gStep } from '../../src/model/steps.ts';
import { useTestBackend } from '../helpers/tf.ts';

// wasm started first (as the other engine to compare with), then the engine under test.
await selectBackend('wasm');
await useTestBackend();
const engine = tf.getBackend();

const KEYS = ['dLoss', 'gLoss', 'dReal', 'dFake'] as const;
const twoSteps = (name: (typeof ARCHITECTURE_NAMES)[number]) => {
  const gan = createGan(ARCHITECTURES[name], { pixels: 784, seed: 3, lr: 2e-4, beta1: 0.5, ema: 0.999 });
  const r = seeded(4);
  const real = Float32Array.from({ length: 32 * 784 }, () => r.uniform() * 2 - 1);
  const before = tf.memory().numTensors;
  const out = [1, 2].map((i) => ({
    ...dStep(gan, real, normals(r, 32 * gan.noiseDim), { loss: 'bce', labelSmoothing: 0.1, dropoutSeed: i }),
    ...gStep(gan, normals(r, 32 * gan.noiseDim), { loss: 'bce', labelSmoothing: 0.1, dropoutSeed: i }),
  }));
  const left = tf.memory().numTensors - before;
  disposeGan(gan);
  return { out, left };
};

for (const name of ARCHITECTURE_NAMES)
  test(`${name}: two D + G steps on ${engine} and on wasm agree within 1e-4, no tensor left on ${engine}`, async () => {
    const here = twoSteps(name);
    assert.is(here.left, 0, `${name}: tensors left on ${engine}`);
    await tf.setBackend('wasm');
    try {
      const wasm = twoSteps(name);
      here.out.forEach((h, i) => {
        for (const key of KEYS) {
          const [x, y] = [h[key], wasm.out[i]![key]];
          assert.ok(
            Math.abs(x - y) <= 1e-4 * Math.max(1, Math.abs(y)),
            `${name} step ${i + 1} ${key}: ${x} on ${engine}, ${y} on wasm`,
          );
        }
      });
    } finally {
      await tf.setBackend(engine);
    }
  });

test.run();
