/**
 * The element-wise activations: LeakyReLU, ReLU and tanh. A (leaky) ReLU right after a dense or
 * conv layer runs inside that layer's fused kernel (tf.fused.matMul / tf.fused.conv2d); its own
 * step then only records the output, which its backward pass needs: the output has the sign of
 * the input, so it tells which slope applied.
 */
import * as tf from '@tensorflow/tfjs';
import { backendHas } from '../kernels/intermediates.ts';
import { SLOPE_GRAD } from '../kernels/slope-grad.ts';
import type { LayerKind, LayerSpec, SpecOf } from './kind.ts';

/** An activation as tfjs's fused kernels take it; {} for none. */
export type FusedActivation =
  | { readonly activation: 'relu' }
  | { readonly activation: 'leakyrelu'; readonly leakyreluAlpha: number }
  | Record<string, never>;

/** The fused form of the layer `next`, when it is an activation a fused kernel can run. */
export function fusedActivation(next: LayerSpec | undefined): FusedActivation {
  if (next?.kind === 'leakyRelu') return { activation: 'leakyrelu', leakyreluAlpha: next.alpha };
  if (next?.kind === 'relu') return { activation: 'relu' };
  return {};
}

export const isFused = (a: FusedActivation): boolean => 'activation' in a;

/** A piecewise-linear activation: f(x) = x for x > 0, slope * x otherwise. */
function piecewiseLinear<K extends 'leakyRelu' | 'relu'>(
  slopeOf: (spec: SpecOf<K>) => number,
  apply: (x: tf.Tensor2D, slope: number) => tf.Tensor2D,
  mirror: (slope: number) => tf.layers.Layer,
): LayerKind<K> {
  const forward: LayerKind<K>['forward'] = (layer, x, at) => (at.fused ? x : apply(x, slopeOf(layer.spec)));
  return {
    build: (_, { input }) => ({ input, output: input, params: null }),
    variables: () => [],
    fusesActivation: false,
    forward,
    train: (layer, x, at) => {
      const output = forward(layer, x, at);
      return { output, saved: output };
    },
    // dy where the output is positive, slope * dy elsewhere: one pass where the backend has ganstream's kernel.
    backward: (layer, output, dy) => ({
      params: [],
      input: backendHas(SLOPE_GRAD)
        ? (tf.engine().runKernel(SLOPE_GRAD, { dy, y: output }, { slope: slopeOf(layer.spec) }) as tf.Tensor2D)
        : (tf.mul(dy, tf.step(output, slopeOf(layer.spec))) as tf.Tensor2D),
    }),
    mirror: (layer) => [mirror(slopeOf(layer.spec))],
  };
}

export const leakyRelu: LayerKind<'leakyRelu'> = piecewiseLinear<'leakyRelu'>(
  (spec) => spec.alpha,
  (x, alpha) => tf.leakyRelu(x, alpha),
  (alpha) => tf.layers.leakyReLU({ alpha }),
);

export const relu: LayerKind<'relu'> = piecewiseLinear<'relu'>(
  () => 0,
  (x) => tf.relu(x),
  () => tf.layers.activation({ activation: 'relu' }),
);

export const tanh: LayerKind<'tanh'> = {
  build: (_, { input }) => ({ input, output: input, params: null }),
  variables: () => [],
  fusesActivation: false,
  forward: (_, x) => tf.tanh(x),
  train: (_, x) => {
    const output = tf.tanh(x);
    return { output, saved: output };
  },
  // d tanh(x) / dx = 1 - tanh(x)^2.
  backward: (_, output, dy) => ({ params: [], input: tf.mul(dy, tf.sub(1, tf.square(output))) as tf.Tensor2D }),
  mirror: () => [tf.layers.activation({ activation: 'tanh' })],
};
