/**
 * The two training steps. Each is a function of (GAN, batch, noise, options): it updates the
 * variables of one network and returns what happened as plain numbers. Every tensor it makes is
 * freed before it returns.
 */
import * as tf from '@tensorflow/tfjs';
import { drawingGenerator, type Gan } from './gan.ts';
import { updateAverage } from './average.ts';
import { discriminatorLosses, generatorLoss, realness, shareJudgedReal, type LossName } from './losses.ts';
import { forward, trainableVariables, updateMovingStatistics, type BatchMoments } from './network.ts';

export interface StepOptions {
  readonly loss: LossName;
  readonly labelSmoothing: number;
  /** Seed for this step's dropout masks. */
  readonly dropoutSeed: number;
}

export interface DMetrics {
  readonly dLossReal: number;
  readonly dLossFake: number;
  /** dLossReal + dLossFake. */
  readonly dLoss: number;
  /** Share of real images D judged real. */
  readonly dAccReal: number;
  /** Share of generated images D judged fake. */
  readonly dAccFake: number;
  /** Mean D(x) over the real batch. */
  readonly dReal: number;
  /** Mean D(G(z)) over the generated batch, before D's update. */
  readonly dFake: number;
}

export interface GMetrics {
  readonly gLoss: number;
  /** Mean D(G(z)) seen by the generator step. */
  readonly dFakeForG: number;
}

/** Reads a kept metrics vector and frees it. */
function readAndFree(t: tf.Tensor): Float32Array {
  const values = t.dataSync() as Float32Array;
  t.dispose();
  return values;
}

const rowsOf = (values: Float32Array, width: number) => values.length / width;

/** One discriminator update on a real batch and a generated one, passed through D separately. */
export function dStep(gan: Gan, real: Float32Array, noise: Float32Array, o: StepOptions): DMetrics {
  const n = rowsOf(real, gan.pixels);
  const moments: BatchMoments[] = [];
  let stats: tf.Tensor | undefined;
  tf.tidy(() => {
    const x = tf.tensor2d(real, [n, gan.pixels]);
    const fake = forward(gan.generator, tf.tensor2d(noise, [n, gan.noiseDim]), { training: true });
    const { grads } = tf.variableGrads(() => {
      const outReal = forward(gan.discriminator, x, { training: true, dropoutSeed: o.dropoutSeed, moments });
      const outFake = forward(gan.discriminator, fake, { training: true, dropoutSeed: o.dropoutSeed + 1, moments });
      const loss = discriminatorLosses(o.loss, outReal, outFake, o.labelSmoothing);
      stats = tf.keep(tf.stack([
        loss.real, loss.fake,
        shareJudgedReal(o.loss, outReal), tf.sub(1, shareJudgedReal(o.loss, outFake)),
        tf.mean(realness(o.loss, outReal)), tf.mean(realness(o.loss, outFake)),
      ]));
      return tf.add(loss.real, loss.fake) as tf.Scalar;
    }, trainableVariables(gan.discriminator));
    gan.dOptimizer.applyGradients(grads);
  });
  updateMovingStatistics(gan.discriminator, moments);
  const [dLossReal, dLossFake, dAccReal, dAccFake, dReal, dFake] = readAndFree(stats!);
  return { dLossReal, dLossFake, dLoss: dLossReal + dLossFake, dAccReal, dAccFake, dReal, dFake };
}

/** One generator update: make a batch, let D judge it, move G towards "real"; then its weight average, if any. */
export function gStep(gan: Gan, noise: Float32Array, o: StepOptions): GMetrics {
  const n = rowsOf(noise, gan.noiseDim);
  const moments: BatchMoments[] = [];
  let stats: tf.Tensor | undefined;
  tf.tidy(() => {
    const z = tf.tensor2d(noise, [n, gan.noiseDim]);
    const { grads } = tf.variableGrads(() => {
      const fake = forward(gan.generator, z, { training: true, moments });
      const out = forward(gan.discriminator, fake, { training: true, dropoutSeed: o.dropoutSeed + 2 });
      const loss = generatorLoss(o.loss, out);
      stats = tf.keep(tf.stack([loss, tf.mean(realness(o.loss, out))]));
      return loss;
    }, trainableVariables(gan.generator));
    gan.gOptimizer.applyGradients(grads);
  });
  updateMovingStatistics(gan.generator, moments);
  if (gan.generatorAverage) updateAverage(gan.generatorAverage, gan.generator);
  const [gLoss, dFakeForG] = readAndFree(stats!);
  return { gLoss, dFakeForG };
}

/** Images from the generator (its weight average if there is one) in inference mode: BatchNorm moving averages, no dropout. */
export function generate(gan: Gan, noise: Float32Array): Float32Array {
  const n = rowsOf(noise, gan.noiseDim);
  return tf.tidy(() => forward(drawingGenerator(gan), tf.tensor2d(noise, [n, gan.noiseDim]), { training: false }).dataSync() as Float32Array);
}

/** D's realness for each image, in inference mode. */
export function judge(gan: Gan, images: Float32Array, loss: LossName): Float32Array {
  const n = rowsOf(images, gan.pixels);
  return tf.tidy(() => realness(loss, forward(gan.discriminator, tf.tensor2d(images, [n, gan.pixels]), { training: false })).dataSync() as Float32Array);
}
