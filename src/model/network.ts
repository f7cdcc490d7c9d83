/**
 * A network is its layer specs and the tfjs variables that hold its parameters; `forward` is a
 * pure function of the two and an input. No tf.layers here: the training path stays small,
 * seeded and fast, and persistence.ts mirrors it as a stock layers model for saving.
 */
import * as tf from '@tensorflow/tfjs';
import type { Random } from '../data/random.ts';
import type { LayerSpec } from './architectures.ts';

export const BATCH_NORM_MOMENTUM = 0.99;
export const BATCH_NORM_EPSILON = 1e-3;

export interface DenseParams { readonly kernel: tf.Variable; readonly bias: tf.Variable }
export interface BatchNormParams {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  readonly movingMean: tf.Variable;
  readonly movingVariance: tf.Variable;
}

export type Layer =
  | { readonly spec: Extract<LayerSpec, { kind: 'dense' }>; readonly units: number; readonly params: DenseParams }
  | { readonly spec: Extract<LayerSpec, { kind: 'batchNorm' }>; readonly units: number; readonly params: BatchNormParams }
  | { readonly spec: Exclude<LayerSpec, { kind: 'dense' | 'batchNorm' }>; readonly units: number; readonly params: null };

export interface Network {
  readonly name: string;
  readonly inputSize: number;
  readonly layers: readonly Layer[];
}

/** Batch statistics a BatchNorm layer saw in training mode, for its moving averages. */
export interface BatchMoments { readonly layer: number; readonly mean: tf.Tensor; readonly variance: tf.Tensor }

export interface ForwardOptions {
  readonly training: boolean;
  /** Seed for the dropout masks of this pass (training only). */
  readonly dropoutSeed?: number;
  /** When given (training only), BatchNorm layers push their batch moments here, kept out of tidy. */
  readonly moments?: BatchMoments[];
}

let built = 0;

/** Glorot-uniform kernels, zero biases, BatchNorm gamma 1 / beta 0 / mean 0 / variance 1 (Keras defaults). */
export function buildNetwork(name: string, specs: readonly LayerSpec[], inputSize: number, pixels: number, rng: Random): Network {
  const id = `${name}${built++}`;
  let width = inputSize;
  const layers = specs.map((spec, i): Layer => {
    const v = (init: tf.Tensor, param: string, trainable = true) => tf.variable(init, trainable, `${id}/${i}_${spec.kind}/${param}`);
    if (spec.kind === 'dense') {
      const units = spec.units === 'pixels' ? pixels : spec.units;
      const limit = Math.sqrt(6 / (width + units));
      const values = new Float32Array(width * units);
      for (let k = 0; k < values.length; k++) values[k] = (rng.uniform() * 2 - 1) * limit;
      const params = { kernel: v(tf.tensor2d(values, [width, units]), 'kernel'), bias: v(tf.zeros([units]), 'bias') };
      width = units;
      return { spec, units, params };
    }
    if (spec.kind === 'batchNorm') {
      const params = {
        gamma: v(tf.ones([width]), 'gamma'),
        beta: v(tf.zeros([width]), 'beta'),
        movingMean: v(tf.zeros([width]), 'moving_mean', false),
        movingVariance: v(tf.ones([width]), 'moving_variance', false),
      };
      return { spec, units: width, params };
    }
    return { spec, units: width, params: null };
  });
  return { name, inputSize, layers };
}

/** A layer's variables in the order a Keras/tfjs layer lists its weights. */
export function layerVariables(l: Layer): tf.Variable[] {
  if (l.spec.kind === 'dense') { const p = l.params as DenseParams; return [p.kernel, p.bias]; }
  if (l.spec.kind === 'batchNorm') { const p = l.params as BatchNormParams; return [p.gamma, p.beta, p.movingMean, p.movingVariance]; }
  return [];
}

export const allVariables = (net: Network): tf.Variable[] => net.layers.flatMap(layerVariables);

export const trainableVariables = (net: Network): tf.Variable[] => allVariables(net).filter((v) => v.trainable);

export function countParams(net: Network): { total: number; trainable: number } {
  const size = (vs: tf.Variable[]) => vs.reduce((s, v) => s + v.size, 0);
  return { total: size(allVariables(net)), trainable: size(trainableVariables(net)) };
}

/**
 * (x - mean) / sqrt(variance + epsilon) * gamma + beta, as broadcast arithmetic. Same numbers as
 * tf.batchNorm, but its gradient needs no Tile kernel (slow on the wasm backend).
 */
function normalize(x: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, p: BatchNormParams): tf.Tensor {
  const scale = tf.mul(p.gamma, tf.rsqrt(tf.add(variance, BATCH_NORM_EPSILON)));
  return tf.add(tf.mul(tf.sub(x, mean), scale), p.beta);
}

/** Runs the network on a batch [n, inputSize]. Call inside tf.tidy or a gradient function. */
export function forward(net: Network, input: tf.Tensor2D, options: ForwardOptions): tf.Tensor2D {
  let x: tf.Tensor = input;
  net.layers.forEach((layer, i) => {
    switch (layer.spec.kind) {
      case 'dense': {
        const p = layer.params as DenseParams;
        x = tf.fused.matMul({ a: x, b: p.kernel as tf.Tensor2D, bias: p.bias });
        break;
      }
      case 'leakyRelu': x = tf.leakyRelu(x, layer.spec.alpha); break;
      case 'relu': x = tf.relu(x); break;
      case 'tanh': x = tf.tanh(x); break;
      case 'dropout':
        if (options.training && layer.spec.rate > 0) x = tf.dropout(x, layer.spec.rate, undefined, (options.dropoutSeed ?? 0) * 31 + i);
        break;
      case 'batchNorm': {
        const p = layer.params as BatchNormParams;
        if (options.training) {
          const { mean, variance } = tf.moments(x, 0);
          if (options.moments) options.moments.push({ layer: i, mean: tf.keep(mean), variance: tf.keep(variance) });
          x = normalize(x, mean, variance, p);
        } else {
          x = normalize(x, p.movingMean, p.movingVariance, p);
        }
        break;
      }
    }
  });
  return x as tf.Tensor2D;
}

/** Folds batch moments into the BatchNorm moving averages (Keras: moving = m * moving + (1 - m) * batch), then frees them. */
export function updateMovingStatistics(net: Network, moments: readonly BatchMoments[], momentum = BATCH_NORM_MOMENTUM): void {
  tf.tidy(() => {
    for (const m of moments) {
      const p = net.layers[m.layer].params as BatchNormParams;
      p.movingMean.assign(tf.add(tf.mul(p.movingMean, momentum), tf.mul(m.mean, 1 - momentum)));
      p.movingVariance.assign(tf.add(tf.mul(p.movingVariance, momentum), tf.mul(m.variance, 1 - momentum)));
    }
  });
  for (const m of moments) { m.mean.dispose(); m.variance.dispose(); }
}
