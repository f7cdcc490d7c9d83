/**
 * GAN losses on the discriminator's raw output. `bce`: binary cross-entropy from logits, with the
 * non-saturating generator loss (G maximises log D(G(z))). `lsgan`: least squares (Mao et al.
 * 2017), targets 1 for real and 0 for fake. One-sided label smoothing lowers only the real target.
 */
import * as tf from '@tensorflow/tfjs';

export { LOSSES, type LossName } from './names.ts';

import type { LossName } from './names.ts';

export function towards(loss: LossName, out: tf.Tensor, target: number): tf.Scalar {
  if (loss === 'bce') return tf.losses.sigmoidCrossEntropy(tf.fill(out.shape, target), out) as tf.Scalar;
  return tf.mul(0.5, tf.mean(tf.square(tf.sub(out, target)))) as tf.Scalar;
}

export function discriminatorLosses(loss: LossName, realOut: tf.Tensor, fakeOut: tf.Tensor, labelSmoothing: number) {
  return { real: towards(loss, realOut, 1 - labelSmoothing), fake: towards(loss, fakeOut, 0) };
}

export const generatorLoss = (loss: LossName, fakeOut: tf.Tensor): tf.Scalar => towards(loss, fakeOut, 1);

/**
 * Gradient of towards(loss, out, target) with respect to out: (sigmoid(out) - target) / n for
 * bce, (out - target) / n for lsgan, n the number of outputs.
 */
export function towardsGradient(loss: LossName, out: tf.Tensor, target: number): tf.Tensor {
  const scores = loss === 'bce' ? tf.sigmoid(out) : out;
  return tf.div(tf.sub(scores, target), out.size);
}

/** D's belief that each input is real: sigmoid of the logit (bce) or the raw score (lsgan). */
export const dScoreOf = (loss: LossName, out: tf.Tensor): tf.Tensor => (loss === 'bce' ? tf.sigmoid(out) : out);

/** Share of outputs on the real side of the decision boundary (a D score of 0.5). */
export const shareJudgedReal = (loss: LossName, out: tf.Tensor): tf.Scalar =>
  tf.mean(tf.cast(tf.greater(dScoreOf(loss, out), 0.5), 'float32')) as tf.Scalar;
