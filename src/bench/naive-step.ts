/**
 * The same GAN step written the straightforward way, for the benchmark's comparison: tf.layers
 * models and optimizer.minimize, with tfjs's default kernels. Not used for training.
 */
import * as tf from '@tensorflow/tfjs';
import { seeded } from '../data/random.ts';
import type { Architecture } from '../model/architectures.ts';
import { buildNetwork } from '../model/network.ts';
import { addMirroredLayers } from '../model/persistence.ts';

/** A tf.layers model of the specs (the layers persistence.ts saves), with tf.layers' own initial weights. */
function model(specs: Architecture['generator'], inputSize: number, pixels: number): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.inputLayer({ inputShape: [inputSize] }));
  const net = buildNetwork('naive', specs, inputSize, pixels, seeded(0));
  addMirroredLayers(m, net, false);
  for (const l of net.layers)
    if (l.params)
      Object.values(l.params).forEach((v: tf.Variable) => {
        v.dispose();
      });
  return m;
}

export interface NaiveGan {
  step(real: tf.Tensor2D, z1: tf.Tensor2D, z2: tf.Tensor2D): void;
  dispose(): void;
}

export function naiveGan(arch: Architecture, pixels: number, lr: number, beta1: number): NaiveGan {
  const g = model(arch.generator, arch.noiseDim, pixels);
  const d = model(arch.discriminator, pixels, pixels);
  const gOpt = tf.train.adam(lr, beta1);
  const dOpt = tf.train.adam(lr, beta1);
  const bce = (logits: tf.Tensor, target: number) =>
    tf.losses.sigmoidCrossEntropy(tf.fill(logits.shape, target), logits);
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
    dispose() {
      g.dispose();
      d.dispose();
      gOpt.dispose();
      dOpt.dispose();
    },
  };
}
