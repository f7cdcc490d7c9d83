/**
 * A 'same'-padded convolution with stride 1 and an odd kernel [k, k, channels, filters], plus
 * bias; a (leaky) ReLU after it runs in the same fused kernel.
 *
 * Its gradients are written with the operation the wasm backend runs fast, a forward convolution
 * (XNNPACK): the input gradient is a convolution with the kernel mirrored, the kernel gradient a
 * convolution of the input with the output gradient (kernelGradient). tfjs's own
 * Conv2DBackpropInput / Conv2DBackpropFilter kernels for wasm are plain loops, 20-50x slower.
 * tests/backprop.test.ts checks every gradient here against tfjs's automatic differentiation.
 */
import * as tf from '@tensorflow/tfjs';
import { backendHas, CONV_FILTER_GRAD, CONV_INPUT_GRAD } from '../kernels/intermediates.ts';
import type { FusedActivation } from './activations.ts';
import type { LinearParams } from './dense.ts';
import { asImages, asRows, imageInput } from './image-rows.ts';
import type { BuildTools, ImageInput, ImageShape, LayerGradients, LayerKind, Wanted } from './kind.ts';

/**
 * The kernel gradient, dK[dy, dx, c, f] = sum over images and pixels of xPadded[., y + dy, x + dx, c] * dOut[., y, x, f],
 * as one 'valid' convolution run by the backend's fast Conv2D: the padded input with channels as
 * the batch and images as channels ([c, h + 2p, w + 2p, n]) convolved with the output gradient as
 * an h x w filter ([h, w, n, f]), giving [c, k, k, f]. (Patches cut with Slice instead are
 * copied element by element on the wasm heap: several times slower.)
 */
function kernelGradient(
  x: tf.Tensor2D,
  [h, w, c]: ImageShape,
  k: number,
  dOut: tf.Tensor2D,
  filters: number,
): tf.Tensor4D {
  const n = x.shape[0];
  const p = (k - 1) / 2;
  const padded = tf.pad(tf.reshape(x, [n, h, w, c]), [
    [0, 0],
    [p, p],
    [p, p],
    [0, 0],
  ]);
  const images = tf.transpose(padded, [3, 1, 2, 0]) as tf.Tensor4D;
  const filter = tf.transpose(tf.reshape(dOut, [n, h, w, filters]), [1, 2, 0, 3]) as tf.Tensor4D;
  return tf.transpose(tf.conv2d(images, filter, 1, 'valid'), [1, 2, 0, 3]);
}

/**
 * A convolution's gradients by ganstream's OpenBLAS kernels (native-matmul.ts), at any stride:
 * the kernel's as the patches' transpose times the output gradient, the input's as the output
 * gradient times the kernel's transpose added back onto the pixels (no spread-out zeros).
 */
function nativeGradients(
  x: tf.Tensor2D,
  [h, w, c]: ImageShape,
  k: number,
  dOut: tf.Tensor2D,
  filters: number,
  stride: 1 | 2,
): { kernel: () => tf.Tensor4D; input: (kernel: tf.Tensor) => tf.Tensor2D } {
  const n = x.shape[0];
  const dy = tf.reshape(dOut, [n, Math.ceil(h / stride), Math.ceil(w / stride), filters]);
  const attrs = { strides: stride, pad: 'same' };
  return {
    kernel: () =>
      tf.engine().runKernel(CONV_FILTER_GRAD, { x: tf.reshape(x, [n, h, w, c]), dy }, {
        ...attrs,
        filterShape: [k, k, c, filters],
      } as unknown as tf.NamedAttrMap) as tf.Tensor4D,
    input: (kernel) =>
      asRows(
        tf.engine().runKernel(CONV_INPUT_GRAD, { dy, filter: kernel }, {
          ...attrs,
          inputShape: [n, h, w, c],
        } as unknown as tf.NamedAttrMap) as tf.Tensor4D,
      ),
  };
}

/** Whether the backend computes strided convolutions' gradients directly (else: stride 1 over the spread gradient). */
export const hasStridedGradients = (): boolean => backendHas(CONV_FILTER_GRAD) && backendHas(CONV_INPUT_GRAD);

/**
 * The gradients of a 'same' convolution of images `shape` at `stride` from its input `x` and the
 * gradient at its (pre-activation) output [n, ceil(h / stride) * ceil(w / stride) * filters].
 * Stride 1 runs on any backend; stride 2 needs ganstream's OpenBLAS kernels (hasStridedGradients;
 * strided-conv.ts spreads the gradient to stride 1 elsewhere).
 */
export function convGradients(
  x: tf.Tensor2D,
  shape: ImageShape,
  p: LinearParams,
  dOut: tf.Tensor2D,
  wanted: Wanted,
  stride: 1 | 2 = 1,
): LayerGradients {
  const [h, w] = shape;
  const [k, , , filters] = p.kernel.shape;
  const native = backendHas(CONV_FILTER_GRAD) ? nativeGradients(x, shape, k, dOut, filters, stride) : null;
  if (stride !== 1 && !(native && hasStridedGradients()))
    throw new Error(`a stride-${stride} convolution's gradients: the backend lacks ${CONV_INPUT_GRAD}`);
  const params: LayerGradients['params'] = wanted.params
    ? [
        [p.kernel, native ? native.kernel() : kernelGradient(x, shape, k, dOut, filters)],
        [p.bias, tf.sum(tf.reshape(dOut, [-1, filters]), 0)],
      ]
    : [];
  if (!wanted.input) return { params, input: null };
  if (stride !== 1) return { params, input: native!.input(p.kernel) };
  // Each input pixel reached the outputs around it through the mirrored kernel, filters and channels swapped.
  const mirrored = tf.transpose(tf.reverse(p.kernel, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
  return { params, input: asRows(tf.conv2d(asImages(dOut, [h, w, filters]), mirrored, 1, 'same')) };
}

/**
 * The variables of a 'same' convolution of `spec.filters` odd `spec.kernel` x `spec.kernel`
 * filters over `input`: a Glorot-uniform kernel [k, k, channels, filters] and a zero bias.
 */
export function convParams(
  spec: { readonly filters: number; readonly kernel: number },
  input: ImageInput,
  { variable, glorot, fail }: BuildTools,
  stride: string,
): LinearParams {
  const k = spec.kernel;
  if (k % 2 !== 1) throw fail(`kernel ${k}, expected an odd size ('same' padding with ${stride})`);
  const c = input.image[2];
  return {
    kernel: variable(glorot([k, k, c, spec.filters], k * k * c, k * k * spec.filters), 'kernel'),
    bias: variable(tf.zeros([spec.filters]), 'bias'),
  };
}

/** The rows of `x` as images convolved ('same') with the kernel at `strides`, plus bias, then the fused activation. */
export const sameConv = (
  x: tf.Tensor2D,
  image: ImageShape,
  p: LinearParams,
  strides: 1 | 2,
  fuse: FusedActivation,
): tf.Tensor2D =>
  asRows(
    tf.fused.conv2d({
      x: asImages(x, image),
      filter: p.kernel as tf.Tensor4D,
      strides,
      pad: 'same',
      bias: p.bias,
      ...fuse,
    }),
  );

export const conv: LayerKind<'conv'> = {
  build: (spec, tools) => {
    const input = imageInput(tools.input, tools.fail);
    const [h, w] = input.image;
    const filters = spec.filters === 'channels' ? tools.channels : spec.filters;
    const params = convParams({ filters, kernel: spec.kernel }, input, tools, 'stride 1');
    return { input, output: { width: h * w * filters, image: [h, w, filters] }, params };
  },
  variables: (p) => [p.kernel, p.bias],
  fusesActivation: true,
  forward: ({ input, params }, x, at) => sameConv(x, input.image, params, 1, at.fuse),
  train: (layer, x, at) => ({ output: conv.forward(layer, x, at), saved: x }),
  backward: (layer, x, dy, wanted) => convGradients(x, layer.input.image, layer.params, dy, wanted),
  mirror: ({ spec, params }) => [
    tf.layers.conv2d({ filters: params.kernel.shape[3]!, kernelSize: spec.kernel, padding: 'same' }),
  ],
};
