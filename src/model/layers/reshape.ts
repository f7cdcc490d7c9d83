/**
 * Reads the flat values from here on as an image [height, width, channels] ('image': the data's
 * square [side, side, channels]). Nothing moves: rows are already in NHWC order.
 */
import * as tf from '@tensorflow/tfjs';
import { type ImageShape, type LayerKind, NO_GRADIENTS } from './kind.ts';

export const reshape: LayerKind<'reshape'> = {
  build: (spec, { input, channels, fail }) => {
    const side = Math.round(Math.sqrt(input.width / channels));
    const image: ImageShape = spec.shape === 'image' ? [side, side, channels] : spec.shape;
    const [h, w, c] = image;
    if (h * w * c !== input.width) {
      throw fail(
        `${input.width} values cannot be an image of ${image.join('x')}${spec.shape === 'image' ? ' (square images only)' : ''}`,
      );
    }
    return { input, output: { width: input.width, image }, params: null };
  },
  variables: () => [],
  fusesActivation: false,
  forward: (_, x) => x,
  train: (_, x) => ({ output: x, saved: null }),
  backward: (_, __, dy) => NO_GRADIENTS(dy),
  mirror: ({ output }) => [tf.layers.reshape({ targetShape: [...(output.image ?? [output.width])] })],
};
