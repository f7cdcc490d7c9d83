import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { imagesOf, limitDataset } from '../src/data/dataset.ts';
import { embeddedDigits } from '../src/data/embedded.ts';
import { normals, seeded } from '../src/data/random.ts';
import { ARCHITECTURES } from '../src/model/architectures.ts';
import { createGan, disposeGan } from '../src/model/gan.ts';
import { dScores, dStep, generate } from '../src/model/steps.ts';
import { toGreyLevels, unpackPixels } from '../src/streams/events.ts';
import { PROBE_COUNT, stepProbe, takeProbe } from '../src/studio/probe.ts';
import { useTestBackend } from './helpers/tf.ts';

await useTestBackend();

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

test("a probe holds the fixed real images, the training G's images from the fixed noise, and D's scores on both", () => {
  const gan = createGan(ARCHITECTURES['mlp-gbn'], { pixels: 784, seed: 3, lr: 1e-3, beta1: 0.5, ema: 0.99 });
  const real = imagesOf(limitDataset(embeddedDigits(), PROBE_COUNT));
  const inputs = { real, noise: normals(seeded(4), PROBE_COUNT * 100), loss: 'bce' as const, rows: 28, cols: 28 };
  const taken = takeProbe(gan, 0, inputs);
  assert.equal(unpackPixels({ pixels: taken.probe.real }), toGreyLevels(real));
  assert.equal(taken.fake, generate(gan, inputs.noise, { live: true }));
  assert.equal(taken.probe.realScores, Array.from(dScores(gan, real, 'bce')));
  assert.is(taken.probe.fakeScores.length, PROBE_COUNT);
  assert.ok(taken.probe.fakeScores.every((s) => s > 0 && s < 1));
  disposeGan(gan);
});

test('after D steps on those very images, the probe shows D surer of the real ones and harsher on the old fakes; G unchanged', () => {
  const gan = createGan(ARCHITECTURES['mlp-gbn'], { pixels: 784, seed: 3, lr: 1e-3, beta1: 0.5, ema: 0.99 });
  const real = imagesOf(limitDataset(embeddedDigits(), PROBE_COUNT));
  const inputs = { real, noise: normals(seeded(4), PROBE_COUNT * 100), loss: 'bce' as const, rows: 28, cols: 28 };
  const before = takeProbe(gan, 10, inputs);
  for (let i = 0; i < 5; i++) dStep(gan, real, inputs.noise, { loss: 'bce', labelSmoothing: 0, dropoutSeed: i });
  const p = stepProbe(gan, before, 5, 15, inputs);
  assert.equal([p.steps, p.before.step, p.after.step], [5, 10, 15]);
  assert.ok(mean(p.after.realScores) > mean(p.before.realScores), 'real judged more real');
  assert.ok(mean(p.oldFakeScoresAfter) < mean(p.before.fakeScores), 'old fakes judged more fake');
  assert.is(p.after.fake, p.before.fake, 'G did not move: the same images from the same noise');
  disposeGan(gan);
});

test.run();
