/**
 * The same GAN step written the straightforward way, for the benchmark's comparison: tf.layers
 * models and optimizer.minimize, with tfjs's default kernels. Not used for training.
 */
import * as tf from '@tensorflow/tfjs';
import type { Architecture, LayerSpec } from '../model/architectures.ts';

function layerFor(l: LayerSpec, pixels: number): tf.layers.Layer {
  switch (l.kind) {
    case 'dense': return tf.layers.dense({ units: l.units === 'pixels' ? pixels : l.units });
    case 'leakyRelu': return tf.layers.leakyReLU({ alpha: l.alpha });
    case 'relu': return tf.layers.activation({ activation: 'relu' });
    case 'tanh': return tf.layers.activation({ activation: 'tanh' });
    case 'batchNorm': return tf.layers.batchNormalization({ momentum: 0.99, epsilon: 1e-3 });
    case 'dropout': return tf.layers.dropout({ rate: l.rate });
  }
}

function model(specs: readonly LayerSpec[], inputSize: number, pixels: number): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.inputLayer({ inputShape: [inputSize] }));
  for (const l of specs) m.add(layerFor(l, pixels));
  return m;
}

export interface NaiveGan { step(real: tf.Tensor2D, z1: tf.Tensor2D, z2: tf.Tensor2D): void; dispose(): void }

export function naiveGan(arch: Architecture, pixels: number, lr: number, beta1: number): NaiveGan {
  const g = model(arch.generator, arch.noiseDim, pixels);
  const d = model(arch.discriminator, pixels, pixels);
  const gOpt = tf.train.adam(lr, beta1);
  const dOpt = tf.train.adam(lr, beta1);
  const bce = (logits: tf.Tensor, target: number) => tf.losses.sigmoidCrossEntropy(tf.fill(logits.shape, target), logits);
  const apply = (m: tf.Sequential, x: tf.Tensor) => m.apply(x, { training: true }) as tf.Tensor;
  const vars = (m: tf.Sequential) => m.trainableWeights.map((w) => w.read() as tf.Variable);
  return {
    step(real, z1, z2) {
      tf.tidy(() => {
        const fake = apply(g, z1);
        dOpt.minimize(() => tf.add(bce(apply(d, real), 1), bce(apply(d, fake), 0)) as tf.Scalar, false, vars(d));
        gOpt.minimize(() => bce(apply(d, apply(g, z2)), 1) as tf.Scalar, false, vars(g));
      });
    },
    dispose() { g.dispose(); d.dispose(); gOpt.dispose(); dOpt.dispose(); },
  };
}
