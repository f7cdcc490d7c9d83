/**
 * Batch normalisation (Ioffe & Szegedy 2015), per feature, and on an image per channel over every
 * pixel (as Keras on NHWC). In training it normalises with the batch's own statistics and reports
 * them (`Pass.moments`) for the moving averages that inference uses; the training pass splits the
 * batch into `Pass.groups` row blocks that each keep their own statistics (backprop.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { BATCH_NORM_APPLY, BATCH_NORM_BACKWARD } from '../kernels/batch-norm-passes.ts';
import { backendHas } from '../kernels/intermediates.ts';
import type { BatchMoments, Layer, LayerKind } from './kind.ts';

export const BATCH_NORM_MOMENTUM = 0.99;
export const BATCH_NORM_EPSILON = 1e-3;

export interface BatchNormParams {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  readonly movingMean: tf.Variable;
  readonly movingVariance: tf.Variable;
}

/** What the backward pass needs, per group: the normalised input [groups, rows, width] and 1 / sigma. */
export interface BatchNormSaved {
  readonly normalized: tf.Tensor3D;
  readonly invStd: tf.Tensor3D;
}

/**
 * (x - mean) / sqrt(variance + epsilon) * gamma + beta, as broadcast arithmetic. Same numbers as
 * tf.batchNorm, but its gradient needs no Tile kernel (slow on the wasm backend).
 */
function normalize(x: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, p: BatchNormParams): tf.Tensor {
  const scale = tf.mul(p.gamma, tf.rsqrt(tf.add(variance, BATCH_NORM_EPSILON)));
  return tf.add(tf.mul(tf.sub(x, mean), scale), p.beta);
}

export const batchNorm: LayerKind<'batchNorm'> = {
  build: (_, { input, variable }) => {
    const size = input.image ? input.image[2] : input.width;
    const params = {
      gamma: variable(tf.ones([size]), 'gamma'),
      beta: variable(tf.zeros([size]), 'beta'),
      movingMean: variable(tf.zeros([size]), 'moving_mean', false),
      movingVariance: variable(tf.ones([size]), 'moving_variance', false),
    };
    return { input, output: input, params };
  },
  variables: (p) => [p.gamma, p.beta, p.movingMean, p.movingVariance],
  fusesActivation: false,
  forward: (layer, x, { pass }) => {
    const p = layer.params;
    const [rows] = x.shape;
    // On an image: one row per pixel, one column per channel.
    const features = tf.reshape(x, [-1, p.gamma.size]);
    let normalized: tf.Tensor;
    if (pass.training) {
      const { mean, variance } = tf.moments(features, 0);
      pass.moments?.push({ layer: layer.index, mean: tf.keep(mean), variance: tf.keep(variance) });
      normalized = normalize(features, mean, variance, p);
    } else {
      normalized = normalize(features, p.movingMean, p.movingVariance, p);
    }
    return tf.reshape(normalized, [rows, layer.output.width]);
  },
  train: (layer, x, { pass }) => {
    const p = layer.params;
    const { groups } = pass;
    const [rows] = x.shape;
    // Per feature; on an image per channel, every pixel of every image in the group a row.
    const width = p.gamma.size;
    const blocks = tf.reshape(x, [groups, (rows * layer.output.width) / width / groups, width]) as tf.Tensor3D;
    const { mean, variance } = tf.moments(blocks, 1, true);
    if (pass.moments) {
      const means = tf.unstack(tf.reshape(mean, [groups, width]));
      const variances = tf.unstack(tf.reshape(variance, [groups, width]));
      means.forEach((m, g) => {
        pass.moments?.push({ layer: layer.index, mean: tf.keep(m), variance: tf.keep(variances[g]) });
      });
    }
    const invStd = tf.rsqrt(tf.add(variance, BATCH_NORM_EPSILON)) as tf.Tensor3D;
    // normalized = (x - mean) invStd; out = normalized gamma + beta: one pass where the backend has the fused kernel.
    const [normalized, out] = backendHas(BATCH_NORM_APPLY)
      ? (tf
          .engine()
          .runKernel(BATCH_NORM_APPLY, { x: blocks, mean, invStd, gamma: p.gamma, beta: p.beta }) as tf.Tensor3D[])
      : ((n: tf.Tensor3D) => [n, tf.add(tf.mul(n, p.gamma), p.beta)])(
          tf.mul(tf.sub(blocks, mean), invStd) as tf.Tensor3D,
        );
    return { output: tf.reshape(out, [rows, layer.output.width]), saved: { normalized, invStd } };
  },
  backward: ({ params: p }, s, dy, wanted) => {
    const [groups, rows, width] = s.normalized.shape;
    const d = tf.reshape(dy, [groups, rows, width]);
    const dTimesNormalized = tf.mul(d, s.normalized);
    const params: [tf.Variable, tf.Tensor][] = wanted.params
      ? [
          [p.gamma, tf.sum(dTimesNormalized, [0, 1])],
          [p.beta, tf.sum(d, [0, 1])],
        ]
      : [];
    // dx = gamma / sigma * (d - mean(d) - normalized * mean(d * normalized)), per group.
    const [meanD, meanDN, scale] = [tf.mean(d, 1, true), tf.mean(dTimesNormalized, 1, true), tf.mul(s.invStd, p.gamma)];
    const dx = backendHas(BATCH_NORM_BACKWARD)
      ? (tf.engine().runKernel(BATCH_NORM_BACKWARD, { d, normalized: s.normalized, meanD, meanDN, scale }) as tf.Tensor)
      : tf.mul(tf.sub(tf.sub(d, meanD), tf.mul(s.normalized, meanDN)), scale);
    return { params, input: tf.reshape(dx, dy.shape) as tf.Tensor2D };
  },
  mirror: () => [tf.layers.batchNormalization({ momentum: BATCH_NORM_MOMENTUM, epsilon: BATCH_NORM_EPSILON })],
};

/** The BatchNorm layers of a network, by index. */
function batchNormAt(layers: readonly Layer[], index: number): BatchNormParams {
  const layer = layers[index];
  if (layer.kind !== 'batchNorm')
    throw new Error(`layer ${index} is ${layer.kind}, not the batchNorm layer whose moments were recorded`);
  return layer.params;
}

/** Folds batch moments into the BatchNorm moving averages (Keras: moving = m * moving + (1 - m) * batch), then frees them. */
export function updateMovingStatistics(
  layers: readonly Layer[],
  moments: readonly BatchMoments[],
  momentum = BATCH_NORM_MOMENTUM,
): void {
  tf.tidy(() => {
    for (const m of moments) {
      const p = batchNormAt(layers, m.layer);
      p.movingMean.assign(tf.add(tf.mul(p.movingMean, momentum), tf.mul(m.mean, 1 - momentum)));
      p.movingVariance.assign(tf.add(tf.mul(p.movingVariance, momentum), tf.mul(m.variance, 1 - momentum)));
    }
  });
  for (const m of moments) {
    m.mean.dispose();
    m.variance.dispose();
  }
}

/** Sets the moving statistics to the batch moments themselves, then frees them. */
export function setMovingStatistics(layers: readonly Layer[], moments: readonly BatchMoments[]): void {
  tf.tidy(() => {
    for (const m of moments) {
      const p = batchNormAt(layers, m.layer);
      p.movingMean.assign(m.mean);
      p.movingVariance.assign(m.variance);
    }
  });
  for (const m of moments) {
    m.mean.dispose();
    m.variance.dispose();
  }
}
