/**
 * A network is its layers (specs, shapes and the tfjs variables that hold their parameters);
 * `forward` is a pure function of the network and an input. No tf.layers here: the training path
 * stays small, seeded and fast, and persistence.ts mirrors it as a stock layers model for saving.
 * What each kind of layer does lives in the layer table (layers/).
 */
import * as tf from '@tensorflow/tfjs';
import type { Random } from '../data/random.ts';
import { type FusedActivation, fusedActivation, isFused } from './layers/activations.ts';
import {
  type BatchMoments,
  type KindName,
  kindOf,
  LAYER_KINDS,
  type Layer,
  type LayerOf,
  type LayerSpec,
  type Shape,
} from './layers/index.ts';
import type { BuildTools, Pass, SpecOf } from './layers/kind.ts';

export type { BatchMoments, Layer } from './layers/index.ts';

export interface Network {
  readonly name: string;
  readonly inputSize: number;
  readonly layers: readonly Layer[];
}

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

/**
 * One layer built by its kind. (The first signature is what callers see: a spec of any kind gives
 * a layer of that kind; TypeScript checks the second, for each kind K on its own.)
 */
function buildLayer(spec: LayerSpec, index: number, tools: BuildTools): Layer;
function buildLayer<K extends KindName>(
  spec: SpecOf<K> & { readonly kind: K },
  index: number,
  tools: BuildTools,
): LayerOf<K> {
  const { input, output, params } = LAYER_KINDS[spec.kind].build(spec, tools);
  return { kind: spec.kind, spec, params, index, input, output };
}

/** Glorot-uniform kernels, zero biases, BatchNorm gamma 1 / beta 0 / mean 0 / variance 1 (Keras defaults). */
export function buildNetwork(
  name: string,
  specs: readonly LayerSpec[],
  inputSize: number,
  pixels: number,
  rng: Random,
  channels = 1,
): Network {
  const id = `${name}${built++}`;
  let shape: Shape = { width: inputSize, image: null };
  const layers = specs.map((spec, i): Layer => {
    const layer = buildLayer(spec, i, {
      input: shape,
      pixels,
      channels,
      variable: (init, param, trainable = true) => variableOf(init, trainable, `${id}/${i}_${spec.kind}/${param}`),
      glorot: (dims, fanIn, fanOut) => {
        const limit = Math.sqrt(6 / (fanIn + fanOut));
        const values = new Float32Array(dims.reduce((a, b) => a * b, 1));
        for (let k = 0; k < values.length; k++) values[k] = (rng.uniform() * 2 - 1) * limit;
        return tf.tensor(values, dims);
      },
      fail: (why) => new Error(`${name} layer ${i} (${spec.kind}): ${why}`),
    });
    shape = layer.output;
    return layer;
  });
  return { name, inputSize, layers };
}

/** Values per sample that the network outputs. */
export const outputWidth = (net: Network): number => net.layers.at(-1)?.output.width ?? net.inputSize;

/** A layer's variables in the order a Keras/tfjs layer lists its weights. */
export const layerVariables = <K extends KindName>(layer: LayerOf<K>): tf.Variable[] =>
  kindOf(layer).variables(layer.params);

export const allVariables = (net: Network): tf.Variable[] => net.layers.flatMap(layerVariables);

export const trainableVariables = (net: Network): tf.Variable[] => allVariables(net).filter((v) => v.trainable);

export function countParams(net: Network): { total: number; trainable: number } {
  const size = (vs: tf.Variable[]) => vs.reduce((s, v) => s + v.size, 0);
  return { total: size(allVariables(net)), trainable: size(trainableVariables(net)) };
}

/** Each layer's kind, output shape ([rows, cols, channels] for an image, else [width]) and parameter count. */
export function layerRows(net: Network): { kind: string; out: number[]; params: number }[] {
  return net.layers.map((layer) => ({
    kind: layer.kind,
    out: layer.output.image ? [...layer.output.image] : [layer.output.width],
    params: layerVariables(layer).reduce((n, v) => n + v.size, 0),
  }));
}

/**
 * Calls `each` for every layer in order with its part of the pass: a (leaky) ReLU right after a
 * layer that fuses it runs inside that layer's kernel, and is then told it was applied.
 */
export function eachLayer(
  net: Network,
  each: <K extends KindName>(layer: LayerOf<K>, at: { fuse: FusedActivation; fused: boolean }) => void,
): void {
  let fused = false;
  net.layers.forEach((layer, i) => {
    const fuse = kindOf(layer).fusesActivation ? fusedActivation(net.layers[i + 1]?.spec) : {};
    each(layer, { fuse, fused });
    fused = isFused(fuse);
  });
}

/** Runs the network on a batch [n, inputSize]. Call inside tf.tidy or a gradient function. */
export function forward(net: Network, input: tf.Tensor2D, options: ForwardOptions): tf.Tensor2D {
  const pass: Pass = {
    training: options.training,
    dropoutSeed: options.dropoutSeed ?? 0,
    groups: 1,
    moments: options.moments,
  };
  let x = input;
  eachLayer(net, (layer, at) => {
    x = kindOf(layer).forward(layer, x, { pass, ...at });
  });
  return x;
}
