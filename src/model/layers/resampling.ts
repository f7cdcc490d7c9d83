/**
 * Upsampling and average pooling by 2, the resolution changes of the dcgan architectures. Their
 * gradients are each other: an upsampled pixel's four copies send their gradients back summed,
 * an averaged block's output sends a quarter back to each of its four pixels.
 */
import * as tf from '@tensorflow/tfjs';
import { asImages, asRows, blowUp, imageInput } from './image-rows.ts';
import { type ImageShape, type LayerKind, NO_GRADIENTS } from './kind.ts';

const upsampled = (x: tf.Tensor2D, image: ImageShape): tf.Tensor2D => blowUp(x, image, 1);
const pooled = (x: tf.Tensor2D, image: ImageShape): tf.Tensor2D =>
  asRows(tf.avgPool(asImages(x, image), 2, 2, 'valid'));

/** Nearest-neighbour upsampling by 2: [n, h*w*c] to [n, 2h*2w*c]. */
export const upsample: LayerKind<'upsample'> = {
  build: (_, { input, fail }) => {
    const checked = imageInput(input, fail);
    const [h, w, c] = checked.image;
    return { input: checked, output: { width: input.width * 4, image: [2 * h, 2 * w, c] }, params: null };
  },
  variables: () => [],
  fusesActivation: false,
  forward: (layer, x) => upsampled(x, layer.input.image),
  train: (layer, x) => ({ output: upsampled(x, layer.input.image), saved: null }),
  // Each input pixel's four copies, their gradients summed.
  backward: (layer, _, dy) => {
    const [h, w, c] = layer.input.image;
    return NO_GRADIENTS(asRows(tf.mul(tf.avgPool(asImages(dy, [2 * h, 2 * w, c]), 2, 2, 'valid'), 4)));
  },
  mirror: () => [tf.layers.upSampling2d({ size: [2, 2] })],
};

/** Mean of each 2x2 block: [n, h*w*c] (h, w even) to [n, h/2*w/2*c]. */
export const avgPool: LayerKind<'avgPool'> = {
  build: (_, { input, fail }) => {
    const checked = imageInput(input, fail);
    const [h, w, c] = checked.image;
    if (h % 2 || w % 2) throw fail(`image ${h}x${w}, expected an even height and width`);
    return { input: checked, output: { width: input.width / 4, image: [h / 2, w / 2, c] }, params: null };
  },
  variables: () => [],
  fusesActivation: false,
  forward: (layer, x) => pooled(x, layer.input.image),
  train: (layer, x) => ({ output: pooled(x, layer.input.image), saved: null }),
  // A quarter of each output gradient back to the four pixels it averaged.
  backward: (layer, _, dy) => {
    const [h, w, c] = layer.input.image;
    return NO_GRADIENTS(blowUp(dy, [h / 2, w / 2, c], 0.25));
  },
  mirror: () => [tf.layers.averagePooling2d({ poolSize: 2, strides: 2 })],
};
