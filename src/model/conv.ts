/**
 * The image layers of a network, forward and backward, on flat batches [n, h*w*c] (each row one
 * image in height-width-channel order, as tfjs's NHWC tensors store it).
 *
 * Convolutions are 'same'-padded with stride 1 and an odd kernel. Their gradients are written
 * with the operation the wasm backend runs fast, a forward convolution (XNNPACK): the input
 * gradient is a convolution with the kernel mirrored, the kernel gradient a convolution of the
 * input with the output gradient (kernelGradient). tfjs's own
 * Conv2DBackpropInput / Conv2DBackpropFilter kernels for wasm are plain loops, 20-50x slower.
 * tests/backprop.test.ts checks every gradient here against tfjs's automatic differentiation.
 *
 * Call inside tf.tidy.
 */
import * as tf from '@tensorflow/tfjs';
import type { ImageShape } from './architectures.ts';
import { backendHas, CONV_FILTER_GRAD } from './kernels/intermediates.ts';

export type Activation = { readonly activation: 'relu' } | { readonly activation: 'leakyrelu'; readonly leakyreluAlpha: number } | Record<string, never>;

const as4d = (x: tf.Tensor, [h, w, c]: ImageShape) => tf.reshape(x, [x.shape[0], h, w, c]) as tf.Tensor4D;
const flat = (x: tf.Tensor) => tf.reshape(x, [x.shape[0], x.size / x.shape[0]]) as tf.Tensor2D;

/** Convolution of each image with `kernel` [k, k, c, filters], plus bias, then the activation if any. */
export function convForward(x: tf.Tensor2D, shape: ImageShape, kernel: tf.Tensor, bias: tf.Tensor, activation: Activation = {}): tf.Tensor2D {
  return flat(tf.fused.conv2d({ x: as4d(x, shape), filter: kernel as tf.Tensor4D, strides: 1, pad: 'same', bias, ...activation }));
}

/**
 * The kernel gradient, dK[dy, dx, c, f] = sum over images and pixels of xPadded[., y + dy, x + dx, c] * dOut[., y, x, f],
 * as one 'valid' convolution run by the backend's fast Conv2D: the padded input with channels as
 * the batch and images as channels ([c, h + 2p, w + 2p, n]) convolved with the output gradient as
 * an h x w filter ([h, w, n, f]), giving [c, k, k, f]. (Patches cut with Slice instead are
 * copied element by element on the wasm heap: several times slower.)
 */
function kernelGradient(x: tf.Tensor2D, [h, w, c]: ImageShape, k: number, dOut: tf.Tensor2D, filters: number): tf.Tensor4D {
  const n = x.shape[0];
  if (backendHas(CONV_FILTER_GRAD)) {
    // OpenBLAS (native-matmul.ts): the patches' transpose times the output gradient, no transposes.
    return tf.engine().runKernel(CONV_FILTER_GRAD, { x: tf.reshape(x, [n, h, w, c]), dy: tf.reshape(dOut, [n, h, w, filters]) },
      { filterShape: [k, k, c, filters], pad: 'same' } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
  }
  const p = (k - 1) / 2;
  const padded = tf.pad(tf.reshape(x, [n, h, w, c]), [[0, 0], [p, p], [p, p], [0, 0]]);
  const images = tf.transpose(padded, [3, 1, 2, 0]) as tf.Tensor4D;
  const filter = tf.transpose(tf.reshape(dOut, [n, h, w, filters]), [1, 2, 0, 3]) as tf.Tensor4D;
  return tf.transpose(tf.conv2d(images, filter, 1, 'valid'), [1, 2, 0, 3]);
}

export interface ConvGradients { readonly kernel: tf.Tensor | null; readonly bias: tf.Tensor | null; readonly input: tf.Tensor2D | null }

/** Gradients of a convolution from its input and the gradient at its (pre-activation) output. */
export function convBackward(x: tf.Tensor2D, shape: ImageShape, kernel: tf.Tensor, dOut: tf.Tensor2D, want: { params: boolean; input: boolean }): ConvGradients {
  const [h, w] = shape;
  const [k, , , filters] = kernel.shape;
  const n = x.shape[0];
  const params = want.params
    ? { kernel: kernelGradient(x, shape, k, dOut, filters), bias: tf.sum(tf.reshape(dOut, [n * h * w, filters]), 0) }
    : { kernel: null, bias: null };
  // Each input pixel reached the outputs around it through the mirrored kernel, filters and channels swapped.
  const mirrored = tf.transpose(tf.reverse(kernel, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
  const input = want.input ? flat(tf.conv2d(as4d(dOut, [h, w, filters]), mirrored, 1, 'same')) : null;
  return { ...params, input };
}

/**
 * Each pixel of [n, h, w, c] copied into a 2x2 block and multiplied by `scale`: a broadcast
 * multiplication by a [2, 2] block of `scale`s ([n, h, 1, w, 1, c] by [1, 1, 2, 1, 2, 1]),
 * which the wasm backend runs in C++ (its ResizeNearestNeighbor is a JavaScript loop).
 */
function blowUp(x: tf.Tensor, [h, w, c]: ImageShape, scale: number): tf.Tensor2D {
  const n = x.shape[0];
  const copies = tf.mul(tf.reshape(x, [n, h, 1, w, 1, c]), tf.fill([1, 1, 2, 1, 2, 1], scale));
  return tf.reshape(copies, [n, 4 * h * w * c]) as tf.Tensor2D;
}

/** Nearest-neighbour upsampling by 2: [n, h*w*c] to [n, 2h*2w*c]. */
export const upsampleForward = (x: tf.Tensor2D, shape: ImageShape): tf.Tensor2D => blowUp(x, shape, 1);

/** Its gradient: each input pixel's four copies summed. */
export const upsampleBackward = (dOut: tf.Tensor2D, [h, w, c]: ImageShape): tf.Tensor2D =>
  flat(tf.mul(tf.avgPool(as4d(dOut, [2 * h, 2 * w, c]), 2, 2, 'valid'), 4));

/** Mean of each 2x2 block: [n, h*w*c] (h, w even) to [n, h/2*w/2*c]. */
export const avgPoolForward = (x: tf.Tensor2D, shape: ImageShape): tf.Tensor2D => flat(tf.avgPool(as4d(x, shape), 2, 2, 'valid'));

/** Its gradient: a quarter of each output gradient back to the four pixels it averaged. */
export const avgPoolBackward = (dOut: tf.Tensor2D, [h, w, c]: ImageShape): tf.Tensor2D => blowUp(dOut, [h / 2, w / 2, c], 0.25);
