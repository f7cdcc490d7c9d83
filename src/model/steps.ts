/**
 * The two training steps. Each is a function of (GAN, batch, noise, options): it updates the
 * variables of one network and returns what happened as plain numbers. Every tensor it makes is
 * freed before it returns.
 */
import * as tf from '@tensorflow/tfjs';
import { drawingGenerator, type Gan } from './gan.ts';
import { updateAverage } from './average.ts';
import { applyAdam } from './adam.ts';
import { backward, forwardForTraining } from './backprop.ts';
import { discriminatorLosses, generatorLoss, realness, shareJudgedReal, towardsGradient, type LossName } from './losses.ts';
import { forward, updateMovingStatistics, type BatchMoments } from './network.ts';

export interface StepOptions {
  readonly loss: LossName;
  readonly labelSmoothing: number;
  /** Seed for this step's dropout masks. */
  readonly dropoutSeed: number;
  /** Factor on the learning rate (a schedule's; default 1). */
  readonly lrFactor?: number;
  /** false: measure the losses and scores without updating anything (default true). */
  readonly update?: boolean;
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

const discardMoments = (moments: readonly BatchMoments[]) => { for (const m of moments) { m.mean.dispose(); m.variance.dispose(); } };

const rowsOf = (values: Float32Array, width: number) => values.length / width;

/**
 * One discriminator update on a real batch and a generated one. Both go through D in one pass,
 * BatchNorm normalising each of the two halves on its own: the same as two separate passes.
 */
export function dStep(gan: Gan, real: Float32Array, noise: Float32Array, o: StepOptions): DMetrics {
  const n = rowsOf(real, gan.pixels);
  const moments: BatchMoments[] = [];
  let stats: tf.Tensor | undefined;
  tf.tidy(() => {
    const fake = forward(gan.generator, tf.tensor2d(noise, [n, gan.noiseDim]), { training: true });
    const both = tf.concat([tf.tensor2d(real, [n, gan.pixels]), fake], 0);
    const pass = forwardForTraining(gan.discriminator, both, { groups: 2, dropoutSeed: o.dropoutSeed, moments });
    const [outReal, outFake] = tf.split(pass.output, 2, 0);
    const realTarget = 1 - o.labelSmoothing;
    const loss = discriminatorLosses(o.loss, outReal, outFake, o.labelSmoothing);
    stats = tf.keep(tf.stack([
      loss.real, loss.fake,
      shareJudgedReal(o.loss, outReal), tf.sub(1, shareJudgedReal(o.loss, outFake)),
      tf.mean(realness(o.loss, outReal)), tf.mean(realness(o.loss, outFake)),
    ]));
    if (o.update === false) return;
    const dOutput = tf.concat([towardsGradient(o.loss, outReal, realTarget), towardsGradient(o.loss, outFake, 0)], 0) as tf.Tensor2D;
    applyAdam(gan.dOptimizer, backward(gan.discriminator, pass, dOutput, { params: true, input: false }).params, o.lrFactor);
  });
  if (o.update === false) discardMoments(moments);
  else updateMovingStatistics(gan.discriminator, moments);
  const [dLossReal, dLossFake, dAccReal, dAccFake, dReal, dFake] = readAndFree(stats!);
  return { dLossReal, dLossFake, dLoss: dLossReal + dLossFake, dAccReal, dAccFake, dReal, dFake };
}

/** One generator update: make a batch, let D judge it, move G towards "real"; then its weight average, if any. */
export function gStep(gan: Gan, noise: Float32Array, o: StepOptions): GMetrics {
  const n = rowsOf(noise, gan.noiseDim);
  const moments: BatchMoments[] = [];
  let stats: tf.Tensor | undefined;
  tf.tidy(() => {
    const generated = forwardForTraining(gan.generator, tf.tensor2d(noise, [n, gan.noiseDim]), { moments });
    const judged = forwardForTraining(gan.discriminator, generated.output, { dropoutSeed: o.dropoutSeed + 2 });
    stats = tf.keep(tf.stack([generatorLoss(o.loss, judged.output), tf.mean(realness(o.loss, judged.output))]));
    if (o.update === false) return;
    const dImages = backward(gan.discriminator, judged, towardsGradient(o.loss, judged.output, 1) as tf.Tensor2D, { params: false, input: true }).input!;
    applyAdam(gan.gOptimizer, backward(gan.generator, generated, dImages, { params: true, input: false }).params, o.lrFactor);
  });
  if (o.update === false) {
    discardMoments(moments);
  } else {
    updateMovingStatistics(gan.generator, moments);
    if (gan.generatorAverage) updateAverage(gan.generatorAverage, gan.generator);
  }
  const [gLoss, dFakeForG] = readAndFree(stats!);
  return { gLoss, dFakeForG };
}

/**
 * Images from the generator in inference mode (BatchNorm moving averages, no dropout): its weight
 * average if there is one, or with `live` the generator that trains (what D sees in the steps).
 */
export function generate(gan: Gan, noise: Float32Array, o: { live?: boolean } = {}): Float32Array {
  const n = rowsOf(noise, gan.noiseDim);
  const net = o.live ? gan.generator : drawingGenerator(gan);
  return tf.tidy(() => forward(net, tf.tensor2d(noise, [n, gan.noiseDim]), { training: false }).dataSync() as Float32Array);
}

/** D's realness for each image, in inference mode. */
export function judge(gan: Gan, images: Float32Array, loss: LossName): Float32Array {
  const n = rowsOf(images, gan.pixels);
  return tf.tidy(() => realness(loss, forward(gan.discriminator, tf.tensor2d(images, [n, gan.pixels]), { training: false })).dataSync() as Float32Array);
}
