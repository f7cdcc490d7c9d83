/**
 * A fully connected layer: x kernel + bias, kernel [in, units]. After an image it reads the
 * image's values in NHWC order (saved with a Flatten in front). A (leaky) ReLU after it runs in
 * the same fused kernel.
 */
import * as tf from '@tensorflow/tfjs';
import type { LayerKind } from './kind.ts';

/** The variables of a dense or conv layer: a dense kernel is [in, out], a convolution's [k, k, channels, filters]. */
export interface LinearParams {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
}

/** What a dense or conv layer's backward pass needs: its input. */
export type LinearSaved = tf.Tensor2D;

export const dense: LayerKind<'dense'> = {
  build: (spec, { input, pixels, variable, glorot }) => {
    const units = spec.units === 'pixels' ? pixels : spec.units;
    const params = {
      kernel: variable(glorot([input.width, units], input.width, units), 'kernel'),
      bias: variable(tf.zeros([units]), 'bias'),
    };
    return { input, output: { width: units, image: null }, params };
  },
  variables: (p) => [p.kernel, p.bias],
  fusesActivation: true,
  forward: (layer, x, at) =>
    tf.fused.matMul({
      a: x,
      b: layer.params.kernel as tf.Tensor2D,
      bias: layer.params.bias,
      ...at.fuse,
    }) as tf.Tensor2D,
  train: (layer, x, at) => ({ output: dense.forward(layer, x, at), saved: x }),
  backward: ({ params: p }, x, dy, wanted) => ({
    params: wanted.params
      ? [
          [p.kernel, tf.matMul(x, dy, true, false)],
          [p.bias, tf.sum(dy, 0)],
        ]
      : [],
    input: wanted.input ? (tf.matMul(dy, p.kernel as tf.Tensor2D, false, true) as tf.Tensor2D) : null,
  }),
  mirror: (layer) => [
    ...(layer.input.image ? [tf.layers.flatten()] : []),
    tf.layers.dense({ units: layer.output.width }),
  ],
};
