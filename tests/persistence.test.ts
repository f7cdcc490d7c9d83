import * as tf from '@tensorflow/tfjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { normals, seeded } from '../src/data/random.ts';
import { ARCHITECTURE_NAMES, ARCHITECTURES, type LayerSpec } from '../src/model/architectures.ts';
import { createGan, disposeGan } from '../src/model/gan.ts';
import { WEIGHTS_FILE } from '../src/model/names.ts';
import { buildNetwork, forward } from '../src/model/network.ts';
import { addMirroredLayers, modelFiles } from '../src/model/persistence.ts';
import { dScores, dStep, generate, gStep } from '../src/model/steps.ts';
import { useTestBackend } from './helpers/tf.ts';

await useTestBackend();

async function load(files: Awaited<ReturnType<typeof modelFiles>>): Promise<tf.LayersModel> {
  const manifest = files.modelJson.weightsManifest as { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  assert.equal(manifest[0].paths, [WEIGHTS_FILE]);
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: files.modelJson.modelTopology as object,
      weightSpecs: manifest[0].weights,
      weightData: files.weights.slice().buffer,
    }),
  );
}

const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

for (const name of ARCHITECTURE_NAMES) {
  test(`${name}: the saved layers models compute what the networks compute (after two training steps)`, async () => {
    const gan = createGan(ARCHITECTURES[name], { pixels: 784, seed: 3, lr: 1e-3, beta1: 0.5, ema: 0.9 });
    const rng = seeded(5);
    const real = Float32Array.from({ length: 16 * 784 }, () => rng.uniform() * 2 - 1);
    const o = { loss: 'bce' as const, labelSmoothing: 0, dropoutSeed: 1 };
    for (let i = 0; i < 2; i++) {
      dStep(gan, real, normals(rng, 16 * gan.noiseDim), o);
      gStep(gan, normals(rng, 16 * gan.noiseDim), o);
    }
    const noise = normals(rng, 8 * gan.noiseDim);
    const g = await load(await modelFiles(gan, 'generator', 28, 28, 'bce'));
    const d = await load(await modelFiles(gan, 'discriminator', 28, 28, 'bce'));
    try {
      // A conditional GAN's saved networks take the label as a second input (here 7, 2, 0, ...).
      const labels = Uint8Array.from([7, 2, 0, 9, 4, 4, 1, 3]);
      const conditional = gan.conditioning !== 'none';
      const labelInput = () => tf.tensor2d(Array.from(labels), [8, 1]);
      const images = generate(gan, noise, { labels });
      const saved = tf.tidy(
        () =>
          (
            g.predict(
              conditional
                ? [tf.tensor2d(noise, [8, gan.noiseDim]), labelInput()]
                : tf.tensor2d(noise, [8, gan.noiseDim]),
            ) as tf.Tensor
          ).dataSync() as Float32Array,
      );
      assert.equal(g.outputs[0].shape, [null, 28, 28, 1]);
      assert.ok(maxDiff(saved, images) < 1e-4, `generator differs by ${maxDiff(saved, images)}`);
      const beliefs = dScores(gan, images, 'bce', labels);
      const savedOut = tf.tidy(
        () =>
          (
            d.predict(
              gan.conditioning === 'input'
                ? [tf.tensor4d(images, [8, 28, 28, 1]), labelInput()]
                : tf.tensor4d(images, [8, 28, 28, 1]),
            ) as tf.Tensor
          ).dataSync() as Float32Array,
      );
      // An AC-GAN's D is saved with its raw outputs: the realness logit first, then the class logits.
      const savedBeliefs =
        gan.conditioning === 'auxiliary'
          ? Float32Array.from({ length: 8 }, (_, i) => 1 / (1 + Math.exp(-savedOut[i * 11])))
          : savedOut;
      assert.ok(maxDiff(savedBeliefs, beliefs) < 1e-4, `discriminator differs by ${maxDiff(savedBeliefs, beliefs)}`);
    } finally {
      g.dispose();
      d.dispose();
      disposeGan(gan);
    }
  });
}

test('a strided convolution is saved as a stock conv2d with strides 2: same outputs on odd and even image sizes', () => {
  const specs: LayerSpec[] = [
    { kind: 'reshape', shape: [14, 14, 1] },
    { kind: 'stridedConv', filters: 3, kernel: 3 },
    { kind: 'relu' },
    { kind: 'stridedConv', filters: 2, kernel: 5 },
    { kind: 'tanh' },
    { kind: 'dense', units: 2 },
  ];
  const net = buildNetwork('s', specs, 196, 196, seeded(8));
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ inputShape: [196] }));
  addMirroredLayers(model, net, true);
  const rng = seeded(9);
  const x = tf.tensor2d(
    Float32Array.from({ length: 5 * 196 }, () => rng.uniform() * 2 - 1),
    [5, 196],
  );
  const ours = tf.tidy(() => forward(net, x, { training: false }).dataSync() as Float32Array);
  const saved = tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync() as Float32Array);
  assert.equal(
    model.layers.map((l) => l.outputShape),
    [
      [null, 196],
      [null, 14, 14, 1],
      [null, 7, 7, 3],
      [null, 7, 7, 3],
      [null, 4, 4, 2],
      [null, 4, 4, 2],
      [null, 32],
      [null, 2],
    ],
  );
  assert.ok(maxDiff(ours, saved) < 1e-5, `differs by ${maxDiff(ours, saved)}`);
  model.dispose();
  x.dispose();
});

test.run();
