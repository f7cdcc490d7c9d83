/**
 * The training pass of a network, written out by hand: a forward pass that keeps what its
 * backward pass needs, and the backward pass itself. Same numbers as tfjs's automatic
 * differentiation of `forward` (tests/backprop.test.ts), but with the work a GAN step needs and no
 * more: no tape, no copies of saved tensors, no input gradient for a batch of data, no parameter
 * gradients for the network that is not being trained.
 *
 * `groups` splits the batch into equal row blocks that BatchNorm normalises separately: D sees
 * the real and the generated batch in one pass (bigger, faster matrix products) while each keeps
 * its own batch statistics, exactly as two separate passes would.
 *
 * Call both inside tf.tidy.
 */
import * as tf from '@tensorflow/tfjs';
import { BATCH_NORM_APPLY, BATCH_NORM_BACKWARD } from './kernels/batch-norm-passes.ts';
import { backendHas } from './kernels/intermediates.ts';
import { avgPoolBackward, avgPoolForward, convBackward, upsampleBackward, upsampleForward } from './conv.ts';
import { BATCH_NORM_EPSILON, linearForward, type BatchMoments, type BatchNormParams, type DenseParams, type Network } from './network.ts';

type Saved =
  | { readonly kind: 'dense' | 'conv'; readonly input: tf.Tensor2D }
  | { readonly kind: 'reshape' | 'upsample' | 'avgPool' }
  | { readonly kind: 'leakyRelu' | 'relu'; readonly output: tf.Tensor; readonly alpha: number }
  | { readonly kind: 'tanh'; readonly output: tf.Tensor }
  | { readonly kind: 'dropout'; readonly mask: tf.Tensor | null }
  | { readonly kind: 'batchNorm'; readonly normalized: tf.Tensor3D; readonly invStd: tf.Tensor3D };

export interface TrainingPass {
  readonly output: tf.Tensor2D;
  readonly saved: readonly Saved[];
  readonly groups: number;
}

export interface TrainingPassOptions {
  /** Equal row blocks with their own BatchNorm statistics (default 1). */
  readonly groups?: number;
  /** Seed for this pass's dropout masks. */
  readonly dropoutSeed?: number;
  /** When given, BatchNorm layers push their batch moments here (one per group, in order), kept out of tidy. */
  readonly moments?: BatchMoments[];
}

/** Keeps each element with probability 1 - rate, scaled by 1 / (1 - rate). */
function dropoutMask(shape: number[], rate: number, seed: number): tf.Tensor {
  return tf.mul(tf.step(tf.sub(tf.randomUniform(shape, 0, 1, 'float32', seed), rate)), 1 / (1 - rate));
}

/** Runs the network in training mode on [n, inputSize] and keeps what `backward` needs. */
export function forwardForTraining(net: Network, input: tf.Tensor2D, o: TrainingPassOptions = {}): TrainingPass {
  const groups = o.groups ?? 1;
  const [rows] = input.shape;
  if (rows % groups !== 0) throw new Error(`batch of ${rows} rows cannot be split into ${groups} equal groups`);
  const saved: Saved[] = [];
  let x: tf.Tensor = input;
  // A dense or conv layer followed by (leaky) ReLU runs both in one fused kernel; the activation layer then only records its output.
  let activated = false;
  net.layers.forEach((layer, i) => {
    switch (layer.spec.kind) {
      case 'dense':
      case 'conv':
        saved.push({ kind: layer.spec.kind, input: x as tf.Tensor2D });
        ({ output: x, activated } = linearForward(net, i, x as tf.Tensor2D));
        break;
      case 'reshape':
        saved.push({ kind: 'reshape' });
        break;
      case 'upsample':
        x = upsampleForward(x as tf.Tensor2D, layer.imageIn!);
        saved.push({ kind: 'upsample' });
        break;
      case 'avgPool':
        x = avgPoolForward(x as tf.Tensor2D, layer.imageIn!);
        saved.push({ kind: 'avgPool' });
        break;
      case 'leakyRelu':
        if (!activated) x = tf.leakyRelu(x, layer.spec.alpha);
        activated = false;
        saved.push({ kind: 'leakyRelu', output: x, alpha: layer.spec.alpha });
        break;
      case 'relu':
        if (!activated) x = tf.relu(x);
        activated = false;
        saved.push({ kind: 'relu', output: x, alpha: 0 });
        break;
      case 'tanh':
        x = tf.tanh(x);
        saved.push({ kind: 'tanh', output: x });
        break;
      case 'dropout': {
        const mask = layer.spec.rate > 0 ? dropoutMask(x.shape, layer.spec.rate, (o.dropoutSeed ?? 0) * 31 + i) : null;
        if (mask) x = tf.mul(x, mask);
        saved.push({ kind: 'dropout', mask });
        break;
      }
      case 'batchNorm': {
        const p = layer.params as BatchNormParams;
        // Per feature; on an image per channel, every pixel of every image in the group a row.
        const width = p.gamma.size;
        const blocks = tf.reshape(x, [groups, (rows * layer.units) / width / groups, width]) as tf.Tensor3D;
        const { mean, variance } = tf.moments(blocks, 1, true);
        if (o.moments) {
          const means = tf.unstack(tf.reshape(mean, [groups, width]));
          const variances = tf.unstack(tf.reshape(variance, [groups, width]));
          means.forEach((m, g) => o.moments!.push({ layer: i, mean: tf.keep(m), variance: tf.keep(variances[g]) }));
        }
        const invStd = tf.rsqrt(tf.add(variance, BATCH_NORM_EPSILON)) as tf.Tensor3D;
        // normalized = (x - mean) invStd; out = normalized gamma + beta: one pass where the backend has the fused kernel.
        const [normalized, out] = backendHas(BATCH_NORM_APPLY)
          ? tf.engine().runKernel(BATCH_NORM_APPLY, { x: blocks, mean, invStd, gamma: p.gamma, beta: p.beta }) as tf.Tensor3D[]
          : ((n: tf.Tensor3D) => [n, tf.add(tf.mul(n, p.gamma), p.beta)])(tf.mul(tf.sub(blocks, mean), invStd) as tf.Tensor3D);
        saved.push({ kind: 'batchNorm', normalized, invStd });
        x = tf.reshape(out, [rows, layer.units]);
        break;
      }
    }
  });
  return { output: x as tf.Tensor2D, saved, groups };
}

export interface BackwardOptions {
  /** Gradients of the network's trainable variables (false: only pass the gradient on). */
  readonly params: boolean;
  /** The gradient with respect to the input batch. */
  readonly input: boolean;
}

export interface Gradients {
  /** By variable name, as tf.Optimizer.applyGradients takes them; empty unless asked for. */
  readonly params: tf.NamedTensorMap;
  readonly input: tf.Tensor2D | null;
}

/** Back-propagates dOutput (the loss gradient at the pass's output) through the pass. */
export function backward(net: Network, pass: TrainingPass, dOutput: tf.Tensor2D, o: BackwardOptions): Gradients {
  const params: tf.NamedTensorMap = {};
  let dy: tf.Tensor = dOutput;
  // Below the first layer with parameters the gradient is only needed when asked for.
  const lowest = o.input ? 0 : Math.max(0, net.layers.findIndex((l) => l.params !== null));
  for (let i = net.layers.length - 1; i >= lowest; i--) {
    const layer = net.layers[i];
    const s = pass.saved[i];
    const first = i === lowest;
    switch (s.kind) {
      case 'dense': {
        const p = layer.params as DenseParams;
        if (o.params) {
          params[p.kernel.name] = tf.matMul(s.input, dy as tf.Tensor2D, true, false);
          params[p.bias.name] = tf.sum(dy, 0);
        }
        if (!first || o.input) dy = tf.matMul(dy as tf.Tensor2D, p.kernel as tf.Tensor2D, false, true);
        break;
      }
      case 'conv': {
        const p = layer.params as DenseParams;
        const g = convBackward(s.input, layer.imageIn!, p.kernel, dy as tf.Tensor2D, { params: o.params, input: !first || o.input });
        if (o.params) {
          params[p.kernel.name] = g.kernel!;
          params[p.bias.name] = g.bias!;
        }
        if (g.input) dy = g.input;
        break;
      }
      case 'reshape':
        break;
      case 'upsample':
        dy = upsampleBackward(dy as tf.Tensor2D, layer.imageIn!);
        break;
      case 'avgPool':
        dy = avgPoolBackward(dy as tf.Tensor2D, layer.imageIn!);
        break;
      case 'leakyRelu':
      case 'relu':
        // The output has the sign of the input, so it tells which slope applied.
        dy = tf.mul(dy, tf.step(s.output, s.alpha));
        break;
      case 'tanh':
        dy = tf.mul(dy, tf.sub(1, tf.square(s.output)));
        break;
      case 'dropout':
        if (s.mask) dy = tf.mul(dy, s.mask);
        break;
      case 'batchNorm': {
        const p = layer.params as BatchNormParams;
        const [groups, rows, width] = s.normalized.shape;
        const d = tf.reshape(dy, [groups, rows, width]);
        const dTimesNormalized = tf.mul(d, s.normalized);
        if (o.params) {
          params[p.gamma.name] = tf.sum(dTimesNormalized, [0, 1]);
          params[p.beta.name] = tf.sum(d, [0, 1]);
        }
        // dx = gamma / sigma * (d - mean(d) - normalized * mean(d * normalized)), per group.
        const [meanD, meanDN, scale] = [tf.mean(d, 1, true), tf.mean(dTimesNormalized, 1, true), tf.mul(s.invStd, p.gamma)];
        const dx = backendHas(BATCH_NORM_BACKWARD)
          ? tf.engine().runKernel(BATCH_NORM_BACKWARD, { d, normalized: s.normalized, meanD, meanDN, scale }) as tf.Tensor
          : tf.mul(tf.sub(tf.sub(d, meanD), tf.mul(s.normalized, meanDN)), scale);
        dy = tf.reshape(dx, dy.shape);
        break;
      }
    }
  }
  return { params, input: o.input ? (dy as tf.Tensor2D) : null };
}
