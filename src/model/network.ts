/**
 * A network is its layer specs and the tfjs variables that hold its parameters; `forward` is a
 * pure function of the two and an input. No tf.layers here: the training path stays small,
 * seeded and fast, and persistence.ts mirrors it as a stock layers model for saving.
 */
import * as tf from '@tensorflow/tfjs';
import type { Random } from '../data/random.ts';
import type { ImageShape, LayerSpec } from './architectures.ts';
import { avgPoolForward, convForward, upsampleForward, type Activation } from './conv.ts';

export const BATCH_NORM_MOMENTUM = 0.99;
export const BATCH_NORM_EPSILON = 1e-3;

/** A dense layer's kernel is [in, out]; a convolution's [k, k, channels, filters]. */
export interface DenseParams { readonly kernel: tf.Variable; readonly bias: tf.Variable }
export interface BatchNormParams {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  readonly movingMean: tf.Variable;
  readonly movingVariance: tf.Variable;
}

/** `units`: the layer's output width; `imageIn` / `imageOut`: the shape of its input / output when that is an image, else null. */
export type Layer = { readonly units: number; readonly imageIn: ImageShape | null; readonly imageOut: ImageShape | null } & (
  | { readonly spec: Extract<LayerSpec, { kind: 'dense' | 'conv' }>; readonly params: DenseParams }
  | { readonly spec: Extract<LayerSpec, { kind: 'batchNorm' }>; readonly params: BatchNormParams }
  | { readonly spec: Exclude<LayerSpec, { kind: 'dense' | 'conv' | 'batchNorm' }>; readonly params: null });

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

/**
 * A variable holding `init`'s values, with `init` itself freed: tf.variable shares the initial
 * tensor's memory and leaves that tensor alive, so a GAN built and disposed would leave every
 * initial tensor behind.
 */
export function variableOf(init: tf.Tensor, trainable: boolean, name: string): tf.Variable {
  const variable = tf.variable(init, trainable, name);
  init.dispose();
  return variable;
}

/** Glorot-uniform kernels, zero biases, BatchNorm gamma 1 / beta 0 / mean 0 / variance 1 (Keras defaults). */
export function buildNetwork(name: string, specs: readonly LayerSpec[], inputSize: number, pixels: number, rng: Random): Network {
  const id = `${name}${built++}`;
  let width = inputSize;
  let image: ImageShape | null = null;
  const glorot = (shape: number[], fanIn: number, fanOut: number) => {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let k = 0; k < values.length; k++) values[k] = (rng.uniform() * 2 - 1) * limit;
    return tf.tensor(values, shape);
  };
  const layers = specs.map((spec, i): Layer => {
    const layer = describe(spec, i);
    return { ...layer, imageOut: image } as Layer;
  });
  function describe(spec: LayerSpec, i: number): Omit<Layer, 'imageOut'> {
    const v = (init: tf.Tensor, param: string, trainable = true) => variableOf(init, trainable, `${id}/${i}_${spec.kind}/${param}`);
    const fail = (why: string) => new Error(`${name} layer ${i} (${spec.kind}): ${why}`);
    const input = image;
    const needImage = (): ImageShape => {
      if (!input) throw fail('needs an image input; put a reshape layer before it');
      return input;
    };
    switch (spec.kind) {
      case 'dense': {
        const units = spec.units === 'pixels' ? pixels : spec.units;
        const params = { kernel: v(glorot([width, units], width, units), 'kernel'), bias: v(tf.zeros([units]), 'bias') };
        width = units;
        image = null;
        return { spec, units, imageIn: input, params };
      }
      case 'conv': {
        const [h, w, c] = needImage();
        const k = spec.kernel;
        if (k % 2 !== 1) throw fail(`kernel ${k}, expected an odd size ('same' padding with stride 1)`);
        const params = { kernel: v(glorot([k, k, c, spec.filters], k * k * c, k * k * spec.filters), 'kernel'), bias: v(tf.zeros([spec.filters]), 'bias') };
        image = [h, w, spec.filters];
        width = h * w * spec.filters;
        return { spec, units: width, imageIn: input, params };
      }
      case 'reshape': {
        const side = Math.round(Math.sqrt(width));
        const shape: ImageShape = spec.shape === 'image' ? [side, side, 1] : spec.shape;
        if (shape[0] * shape[1] * shape[2] !== width) throw fail(`${width} values cannot be an image of ${shape.join('x')}${spec.shape === 'image' ? ' (square images only)' : ''}`);
        image = shape;
        return { spec, units: width, imageIn: input, params: null };
      }
      case 'upsample': {
        const [h, w, c] = needImage();
        image = [2 * h, 2 * w, c];
        width *= 4;
        return { spec, units: width, imageIn: input, params: null };
      }
      case 'avgPool': {
        const [h, w, c] = needImage();
        if (h % 2 || w % 2) throw fail(`image ${h}x${w}, expected an even height and width`);
        image = [h / 2, w / 2, c];
        width /= 4;
        return { spec, units: width, imageIn: input, params: null };
      }
      case 'batchNorm': {
        // Per feature; on an image, per channel over every pixel (as Keras on NHWC).
        const size = input ? input[2] : width;
        const params = {
          gamma: v(tf.ones([size]), 'gamma'),
          beta: v(tf.zeros([size]), 'beta'),
          movingMean: v(tf.zeros([size]), 'moving_mean', false),
          movingVariance: v(tf.ones([size]), 'moving_variance', false),
        };
        return { spec, units: width, imageIn: input, params };
      }
      default:
        return { spec, units: width, imageIn: input, params: null };
    }
  }
  return { name, inputSize, layers };
}

/** Values per sample that the network outputs. */
export const outputWidth = (net: Network): number => net.layers.at(-1)?.units ?? net.inputSize;

/** A layer's variables in the order a Keras/tfjs layer lists its weights. */
export function layerVariables(l: Layer): tf.Variable[] {
  if (l.spec.kind === 'dense' || l.spec.kind === 'conv') { const p = l.params as DenseParams; return [p.kernel, p.bias]; }
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

/** The activation of layer i + 1 when it is a (leaky) ReLU, as tf.fused.matMul and tf.fused.conv2d take it. */
export function activationAfter(net: Network, i: number): Activation {
  const next = net.layers[i + 1]?.spec;
  return next?.kind === 'leakyRelu' ? { activation: 'leakyrelu', leakyreluAlpha: next.alpha } : next?.kind === 'relu' ? { activation: 'relu' } : {};
}

/** Layer i, a dense or conv layer, with the (leaky) ReLU after it fused in; `activated` says whether it was. */
export function linearForward(net: Network, i: number, x: tf.Tensor2D): { output: tf.Tensor2D; activated: boolean } {
  const layer = net.layers[i];
  const p = layer.params as DenseParams;
  const activation = activationAfter(net, i);
  const output = layer.spec.kind === 'conv'
    ? convForward(x, layer.imageIn!, p.kernel, p.bias, activation)
    : tf.fused.matMul({ a: x, b: p.kernel as tf.Tensor2D, bias: p.bias, ...activation }) as tf.Tensor2D;
  return { output, activated: 'activation' in activation };
}

/** Runs the network on a batch [n, inputSize]. Call inside tf.tidy or a gradient function. */
export function forward(net: Network, input: tf.Tensor2D, options: ForwardOptions): tf.Tensor2D {
  let x: tf.Tensor = input;
  // A (leaky) ReLU right after a dense or conv layer runs in the same fused kernel.
  let activated = false;
  net.layers.forEach((layer, i) => {
    switch (layer.spec.kind) {
      case 'dense':
      case 'conv':
        ({ output: x, activated } = linearForward(net, i, x as tf.Tensor2D));
        break;
      case 'reshape': break;
      case 'upsample': x = upsampleForward(x as tf.Tensor2D, layer.imageIn!); break;
      case 'avgPool': x = avgPoolForward(x as tf.Tensor2D, layer.imageIn!); break;
      case 'leakyRelu': if (!activated) x = tf.leakyRelu(x, layer.spec.alpha); activated = false; break;
      case 'relu': if (!activated) x = tf.relu(x); activated = false; break;
      case 'tanh': x = tf.tanh(x); break;
      case 'dropout':
        if (options.training && layer.spec.rate > 0) x = tf.dropout(x, layer.spec.rate, undefined, (options.dropoutSeed ?? 0) * 31 + i);
        break;
      case 'batchNorm': {
        const p = layer.params as BatchNormParams;
        const [rows] = x.shape;
        // On an image: one row per pixel, one column per channel.
        const features = tf.reshape(x, [-1, p.gamma.size]);
        let normalized: tf.Tensor;
        if (options.training) {
          const { mean, variance } = tf.moments(features, 0);
          if (options.moments) options.moments.push({ layer: i, mean: tf.keep(mean), variance: tf.keep(variance) });
          normalized = normalize(features, mean, variance, p);
        } else {
          normalized = normalize(features, p.movingMean, p.movingVariance, p);
        }
        x = tf.reshape(normalized, [rows, layer.units]);
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
