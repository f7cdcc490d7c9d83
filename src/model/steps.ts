/**
 * The two training steps. Each is a function of (GAN, batch, noise, options): it updates the
 * variables of one network and returns what happened as plain numbers. Every tensor it makes is
 * freed before it returns.
 */
import * as tf from '@tensorflow/tfjs';
import { applyAdam } from './adam.ts';
import { updateAverage } from './average.ts';
import { backward, forwardForTraining } from './backprop.ts';
import { badLabel, cyclingLabels, oneHot, withLabels } from './condition.ts';
import { drawingGenerator, type Gan } from './gan.ts';
import { updateMovingStatistics } from './layers/batch-norm.ts';
import {
  discriminatorLosses,
  dScoreOf,
  generatorLoss,
  type LossName,
  shareJudgedReal,
  towardsGradient,
} from './losses.ts';
import { type BatchMoments, forward } from './network.ts';
import { valuesOf } from './values.ts';

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

const discardMoments = (moments: readonly BatchMoments[]) => {
  for (const m of moments) {
    m.mean.dispose();
    m.variance.dispose();
  }
};

const rowsOf = (values: Float32Array, width: number) => values.length / width;

/** The labels of a conditional step: the real images' and those G is asked to draw. */
export interface StepLabels {
  readonly real: Uint8Array;
  readonly fake: Uint8Array;
}

/**
 * G's input: the noise, with the requested labels one-hot beside it when G is conditional.
 * Without labels, a conditional G draws the classes in turn (0, 1, ..., 9, 0, ...).
 */
function generatorInput(gan: Gan, noise: Float32Array, labels: Uint8Array | undefined): tf.Tensor2D {
  const n = rowsOf(noise, gan.noiseDim);
  const z = tf.tensor2d(noise, [n, gan.noiseDim]);
  if (gan.conditioning === 'none') return z;
  return withLabels(z, checkedLabels(labels ?? cyclingLabels(n), n));
}

/** D's input: the images, with their labels (default: the classes in turn) one-hot beside them when D is conditioned at its input. */
function discriminatorInput(gan: Gan, images: tf.Tensor2D, labels: Uint8Array | undefined): tf.Tensor2D {
  if (gan.conditioning !== 'input') return images;
  return withLabels(images, checkedLabels(labels ?? cyclingLabels(images.shape[0]), images.shape[0]));
}

function checkedLabels(labels: Uint8Array, n: number): Uint8Array {
  if (labels.length !== n) throw new Error(`expected ${n} labels, got ${labels.length}`);
  const bad = badLabel(labels);
  if (bad) throw new Error(bad);
  return labels;
}

/** D's output split into its realness column and, for an auxiliary classifier, its class logits. */
function heads(gan: Gan, output: tf.Tensor2D): { adversarial: tf.Tensor2D; classes: tf.Tensor2D | null } {
  if (gan.conditioning !== 'auxiliary') return { adversarial: output, classes: null };
  const [adversarial, classes] = tf.split(output, [1, output.shape[1] - 1], 1) as [tf.Tensor2D, tf.Tensor2D];
  return { adversarial, classes };
}

/** Mean cross-entropy of class logits against labels, and its gradient with respect to the logits over `rows` (the mean's divisor). */
function classLoss(logits: tf.Tensor2D, labels: Uint8Array, rows: number): { loss: tf.Scalar; gradient: tf.Tensor2D } {
  const target = oneHot(labels, logits.shape[1]);
  const loss = tf.mean(tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(logits)), 1))) as tf.Scalar;
  return { loss, gradient: tf.div(tf.sub(tf.softmax(logits), target), rows) as tf.Tensor2D };
}

/**
 * One discriminator update on a real batch and a generated one. Both go through D in one pass,
 * BatchNorm normalising each of the two halves on its own: the same as two separate passes. A
 * conditional GAN's step takes the real images' labels and those G is asked to draw.
 */
export function dStep(gan: Gan, real: Float32Array, noise: Float32Array, o: StepOptions, given?: StepLabels): DMetrics {
  const n = rowsOf(real, gan.pixels);
  // Without labels, a conditional GAN's step takes the classes in turn for both halves.
  const labels =
    gan.conditioning === 'none' ? undefined : (given ?? { real: cyclingLabels(n), fake: cyclingLabels(n) });
  const moments: BatchMoments[] = [];
  let stats: tf.Tensor | undefined;
  tf.tidy(() => {
    const fake = forward(gan.generator, generatorInput(gan, noise, labels?.fake), { training: true });
    const both = tf.concat([tf.tensor2d(real, [n, gan.pixels]), fake], 0);
    const bothLabels = labels ? Uint8Array.from([...labels.real, ...labels.fake]) : undefined;
    const pass = forwardForTraining(gan.discriminator, discriminatorInput(gan, both, bothLabels), {
      groups: 2,
      dropoutSeed: o.dropoutSeed,
      moments,
    });
    const out = heads(gan, pass.output);
    const [outReal, outFake] = tf.split(out.adversarial, 2, 0);
    const realTarget = 1 - o.labelSmoothing;
    const loss = discriminatorLosses(o.loss, outReal, outFake, o.labelSmoothing);
    stats = tf.keep(
      tf.stack([
        loss.real,
        loss.fake,
        shareJudgedReal(o.loss, outReal),
        tf.sub(1, shareJudgedReal(o.loss, outFake)),
        tf.mean(dScoreOf(o.loss, outReal)),
        tf.mean(dScoreOf(o.loss, outFake)),
      ]),
    );
    if (o.update === false) return;
    let dOutput = tf.concat(
      [towardsGradient(o.loss, outReal, realTarget), towardsGradient(o.loss, outFake, 0)],
      0,
    ) as tf.Tensor2D;
    // AC-GAN: D also learns to classify real and generated images (mean cross-entropy over each half).
    if (out.classes) dOutput = tf.concat([dOutput, classLoss(out.classes, bothLabels!, n).gradient], 1);
    applyAdam(
      gan.dOptimizer,
      backward(gan.discriminator, pass, dOutput, { params: true, input: false }).params,
      o.lrFactor,
    );
  });
  if (o.update === false) discardMoments(moments);
  else updateMovingStatistics(gan.discriminator.layers, moments);
  const [dLossReal, dLossFake, dAccReal, dAccFake, dReal, dFake] = readAndFree(stats!);
  return { dLossReal, dLossFake, dLoss: dLossReal + dLossFake, dAccReal, dAccFake, dReal, dFake };
}

/**
 * One generator update: make a batch, let D judge it, move G towards "real" (and, for AC-GAN,
 * towards images D puts in the requested class); then its weight average, if any.
 */
export function gStep(gan: Gan, noise: Float32Array, o: StepOptions, given?: Uint8Array): GMetrics {
  const n = rowsOf(noise, gan.noiseDim);
  const labels = gan.conditioning === 'none' ? undefined : (given ?? cyclingLabels(n));
  const moments: BatchMoments[] = [];
  let stats: tf.Tensor | undefined;
  tf.tidy(() => {
    const generated = forwardForTraining(gan.generator, generatorInput(gan, noise, labels), { moments });
    const judged = forwardForTraining(gan.discriminator, discriminatorInput(gan, generated.output, labels), {
      dropoutSeed: o.dropoutSeed + 2,
    });
    const out = heads(gan, judged.output);
    stats = tf.keep(tf.stack([generatorLoss(o.loss, out.adversarial), tf.mean(dScoreOf(o.loss, out.adversarial))]));
    if (o.update === false) return;
    let dOutput = towardsGradient(o.loss, out.adversarial, 1) as tf.Tensor2D;
    if (out.classes) dOutput = tf.concat([dOutput, classLoss(out.classes, labels!, n).gradient], 1);
    const dInput = backward(gan.discriminator, judged, dOutput, { params: false, input: true }).input!;
    // The label columns of D's input are not G's to move.
    const dImages = gan.conditioning === 'input' ? tf.slice(dInput, [0, 0], [n, gan.pixels]) : dInput;
    applyAdam(
      gan.gOptimizer,
      backward(gan.generator, generated, dImages, { params: true, input: false }).params,
      o.lrFactor,
    );
  });
  if (o.update === false) {
    discardMoments(moments);
  } else {
    updateMovingStatistics(gan.generator.layers, moments);
    if (gan.generatorAverage) updateAverage(gan.generatorAverage, gan.generator);
  }
  const [gLoss, dFakeForG] = readAndFree(stats!);
  return { gLoss, dFakeForG };
}

/**
 * Images from the generator in inference mode (BatchNorm moving averages, no dropout): its weight
 * average if there is one, or with `live` the generator that trains (what D sees in the steps).
 */
export function generate(gan: Gan, noise: Float32Array, o: { live?: boolean; labels?: Uint8Array } = {}): Float32Array {
  const net = o.live ? gan.generator : drawingGenerator(gan);
  return valuesOf(() => forward(net, generatorInput(gan, noise, o.labels), { training: false }));
}

/** D's score of each image (its belief that the image is real: dScoreOf), in inference mode. */
export function dScores(gan: Gan, images: Float32Array, loss: LossName, labels?: Uint8Array): Float32Array {
  const n = rowsOf(images, gan.pixels);
  return valuesOf(() => {
    const out = forward(gan.discriminator, discriminatorInput(gan, tf.tensor2d(images, [n, gan.pixels]), labels), {
      training: false,
    });
    return dScoreOf(loss, heads(gan, out).adversarial);
  });
}
