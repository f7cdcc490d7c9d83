/**
 * Dropout (Srivastava et al. 2014): in training each value is kept with probability 1 - rate and
 * scaled by 1 / (1 - rate); in inference the layer passes its input on. The mask of a pass is a
 * function of the pass's seed and the layer's place, so a step can be replayed exactly.
 */
import * as tf from '@tensorflow/tfjs';
import type { At, LayerKind, LayerOf } from './kind.ts';

/** The mask of this pass and layer, or null when nothing is dropped. */
export type DropoutSaved = tf.Tensor | null;

function mask(layer: LayerOf<'dropout'>, x: tf.Tensor2D, { pass }: At): DropoutSaved {
  const { rate } = layer.spec;
  if (!pass.training || rate <= 0) return null;
  const seed = pass.dropoutSeed * 31 + layer.index;
  return tf.mul(tf.step(tf.sub(tf.randomUniform(x.shape, 0, 1, 'float32', seed), rate)), 1 / (1 - rate));
}

export const dropout: LayerKind<'dropout'> = {
  build: (spec, { input, fail }) => {
    if (!(spec.rate >= 0 && spec.rate < 1)) throw fail(`rate ${spec.rate}, expected a number >= 0 and < 1`);
    return { input, output: input, params: null };
  },
  variables: () => [],
  fusesActivation: false,
  forward: (layer, x, at) => dropout.train(layer, x, at).output,
  train: (layer, x, at) => {
    const m = mask(layer, x, at);
    return { output: m ? (tf.mul(x, m) as tf.Tensor2D) : x, saved: m };
  },
  backward: (_, m, dy) => ({ params: [], input: m ? (tf.mul(dy, m) as tf.Tensor2D) : dy }),
  mirror: ({ spec }) => [tf.layers.dropout({ rate: spec.rate })],
};
