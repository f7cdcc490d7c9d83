/**
 * Flat batches [n, h*w*c] as tfjs image batches [n, h, w, c] and back, and the 2x2 block copy
 * that upsampling and the average pool's gradient share.
 */
import * as tf from '@tensorflow/tfjs';
import type { ImageInput, ImageShape, Shape } from './kind.ts';

export const asImages = (x: tf.Tensor, [h, w, c]: ImageShape): tf.Tensor4D =>
  tf.reshape(x, [x.shape[0], h, w, c]) as tf.Tensor4D;

export const asRows = (x: tf.Tensor): tf.Tensor2D => tf.reshape(x, [x.shape[0], x.size / x.shape[0]]) as tf.Tensor2D;

/**
 * Each pixel of [n, h, w, c] copied into a 2x2 block and multiplied by `scale`: a broadcast
 * multiplication by a [2, 2] block of `scale`s ([n, h, 1, w, 1, c] by [1, 1, 2, 1, 2, 1]),
 * which the wasm backend runs in C++ (its ResizeNearestNeighbor is a JavaScript loop).
 */
export function blowUp(x: tf.Tensor, [h, w, c]: ImageShape, scale: number): tf.Tensor2D {
  const n = x.shape[0];
  const copies = tf.mul(tf.reshape(x, [n, h, 1, w, 1, c]), tf.fill([1, 1, 2, 1, 2, 1], scale));
  return tf.reshape(copies, [n, 4 * h * w * c]) as tf.Tensor2D;
}

/** The input of a layer that needs an image, or its error. */
export function imageInput({ width, image }: Shape, fail: (why: string) => Error): ImageInput {
  if (!image) throw fail('needs an image input; put a reshape layer before it');
  return { width, image };
}
