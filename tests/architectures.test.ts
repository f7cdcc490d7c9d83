import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ARCHITECTURE_NAMES, ARCHITECTURES } from '../src/model/architectures.ts';
import { createGan, disposeGan } from '../src/model/gan.ts';
import { countParams } from '../src/model/network.ts';
import { useTestBackend } from './helpers/tf.ts';

await useTestBackend();

// Hand-computed: dense in->out has in*out + out parameters; BatchNorm of width w has 4w
// (gamma, beta trainable; moving mean and variance not).
const dense = (i: number, o: number) => i * o + o;
const bn = (w: number) => 4 * w;
const G_REF000 = dense(100, 256) + bn(256) + dense(256, 512) + bn(512) + dense(512, 1024) + bn(1024) + dense(1024, 784);
const G_REF004 = dense(100, 256) + dense(256, 512) + dense(512, 1024) + dense(1024, 784);
const D_NO_BN = dense(784, 1024) + dense(1024, 512) + dense(512, 256) + dense(256, 1);

const expected: Record<string, { g: number; gMoving: number; d: number; dMoving: number }> = {
  'mlp-bn': {
    g: G_REF000,
    gMoving: 2 * (256 + 512 + 1024),
    d: D_NO_BN + bn(1024) + bn(512) + bn(256),
    dMoving: 2 * (1024 + 512 + 256),
  },
  'mlp-gbn': { g: G_REF000, gMoving: 2 * (256 + 512 + 1024), d: D_NO_BN, dMoving: 0 },
  'mlp-dropout': {
    g: G_REF000,
    gMoving: 2 * (256 + 512 + 1024),
    d: dense(784, 512) + bn(512) + dense(512, 256) + bn(256) + dense(256, 128) + bn(128) + dense(128, 1),
    dMoving: 2 * (512 + 256 + 128),
  },
  'mlp-small': {
    g: dense(96, 1024) + dense(1024, 1024) + dense(1024, 784),
    gMoving: 0,
    d: dense(784, 256) + dense(256, 256) + dense(256, 1),
    dMoving: 0,
  },
  mlp: { g: G_REF004, gMoving: 0, d: D_NO_BN, dMoving: 0 },
  // A 3x3 convolution from c to f channels has 9cf + f parameters; BatchNorm on an image is per channel (16), before the reshape per feature (7 * 7 * 32).
  dcgan: {
    g: dense(100, 7 * 7 * 32) + bn(7 * 7 * 32) + (9 * 32 * 16 + 16) + bn(16) + (9 * 16 + 1),
    gMoving: 2 * (7 * 7 * 32 + 16),
    d: 9 * 16 + 16 + (9 * 16 * 32 + 32) + dense(7 * 7 * 32, 512) + dense(512, 1),
    dMoving: 0,
  },
  // Conditional: the one-hot label widens G's input (and a cGAN D's) by 10; an AC-GAN D has 1 + 10 outputs.
  cgan: { g: G_REF000 + 10 * 256, gMoving: 2 * (256 + 512 + 1024), d: D_NO_BN + 10 * 1024, dMoving: 0 },
  acgan: { g: G_REF000 + 10 * 256, gMoving: 2 * (256 + 512 + 1024), d: D_NO_BN + 10 * 256 + 10, dMoving: 0 },
  'dcgan-64': {
    g: dense(100, 7 * 7 * 128) + bn(7 * 7 * 128) + (9 * 128 * 64 + 64) + bn(64) + (9 * 64 + 1),
    gMoving: 2 * (7 * 7 * 128 + 64),
    d: 9 * 64 + 64 + (9 * 64 * 128 + 128) + dense(7 * 7 * 128, 512) + dense(512, 1),
    dMoving: 0,
  },
  // dcgan's G; D's stride-2 convolutions have a stride-1 one's parameters, and leave 7x7x64 for the dense layer.
  'dcgan-strided': {
    g: dense(100, 7 * 7 * 32) + bn(7 * 7 * 32) + (9 * 32 * 16 + 16) + bn(16) + (9 * 16 + 1),
    gMoving: 2 * (7 * 7 * 32 + 16),
    d: 9 * 32 + 32 + (9 * 32 * 64 + 64) + dense(7 * 7 * 64, 512) + dense(512, 1),
    dMoving: 0,
  },
};

test('the hand-computed totals match the references (Keras summary of reference 001: 25,856 / 131,584 / 525,312 / 803,600)', () => {
  assert.is(dense(100, 256), 25856);
  assert.is(dense(256, 512), 131584);
  assert.is(dense(512, 1024), 525312);
  assert.is(dense(1024, 784), 803600);
  assert.is(G_REF000, 1493520);
  assert.is(expected['mlp-bn'].d, 1467393);
});

for (const name of ARCHITECTURE_NAMES) {
  test(`${name}: parameter counts`, () => {
    const gan = createGan(ARCHITECTURES[name], { pixels: 784, seed: 1, lr: 1e-3, beta1: 0.5 });
    const g = countParams(gan.generator);
    const d = countParams(gan.discriminator);
    const e = expected[name];
    assert.is(g.total, e.g);
    assert.is(g.trainable, e.g - e.gMoving);
    assert.is(d.total, e.d);
    assert.is(d.trainable, e.d - e.dMoving);
    disposeGan(gan);
  });
}

test('every architecture is covered above', () => {
  assert.equal(Object.keys(expected).sort(), [...ARCHITECTURE_NAMES].sort());
});

test.run();
