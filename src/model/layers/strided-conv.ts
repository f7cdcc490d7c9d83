/**
 * A 'same'-padded convolution with stride 2 and an odd kernel: it halves the image (rounding up)
 * while it filters it, as DCGAN's discriminator does instead of pooling (Radford et al. 2015). A
 * (leaky) ReLU after it runs in the same fused kernel.
 *
 * Its output is the stride-1 convolution's output at every other pixel: at rows and columns
 * 1, 3, 5, ... of an even size, 0, 2, 4, ... of an odd one (TensorFlow's 'same' padding puts the
 * odd pixel of padding at the bottom and right). So its gradients are the stride-1 gradients
 * (conv.ts, on the backend's fast forward convolution) of the output gradient spread back onto
 * those pixels, zero elsewhere; where OpenBLAS's kernels are installed they are computed directly,
 * a quarter of that work.
 */
import * as tf from '@tensorflow/tfjs';
import { convGradients, convParams, hasStridedGradients, sameConv } from './conv.ts';
import { asRows, imageInput } from './image-rows.ts';
import type { ImageShape, LayerKind } from './kind.ts';

/** Where the stride-1 pixel that output pixel 0 equals lies, along a side of `size` pixels. */
const offset = (size: number): 0 | 1 => (size % 2 === 0 ? 1 : 0);

/**
 * The output gradient [n, ceil(h/2) * ceil(w/2) * f] spread onto the stride-1 output's grid
 * [n, h * w * f]: each value at its pixel, zeros between (a broadcast product with a 2x2 block
 * holding a single 1, then the odd row or column beyond an odd size cut off).
 */
function spread(dy: tf.Tensor2D, [h, w]: ImageShape, filters: number): tf.Tensor2D {
  const [n] = dy.shape;
  const [oh, ow] = [Math.ceil(h / 2), Math.ceil(w / 2)];
  const block = tf.buffer([1, 1, 2, 1, 2, 1], 'float32');
  block.set(1, 0, 0, offset(h), 0, offset(w), 0);
  const blown = tf.reshape(tf.mul(tf.reshape(dy, [n, oh, 1, ow, 1, filters]), block.toTensor()), [
    n,
    2 * oh,
    2 * ow,
    filters,
  ]);
  return asRows(2 * oh === h && 2 * ow === w ? blown : tf.slice(blown, [0, 0, 0, 0], [n, h, w, filters]));
}

export const stridedConv: LayerKind<'stridedConv'> = {
  build: (spec, tools) => {
    const input = imageInput(tools.input, tools.fail);
    const [h, w] = input.image;
    const params = convParams(spec, input, tools, 'stride 2');
    const [oh, ow] = [Math.ceil(h / 2), Math.ceil(w / 2)];
    return { input, output: { width: oh * ow * spec.filters, image: [oh, ow, spec.filters] }, params };
  },
  variables: (p) => [p.kernel, p.bias],
  fusesActivation: true,
  forward: ({ input, params }, x, at) => sameConv(x, input.image, params, 2, at.fuse),
  train: (layer, x, at) => ({ output: stridedConv.forward(layer, x, at), saved: x }),
  backward: ({ input, params, spec }, x, dy, wanted) =>
    hasStridedGradients()
      ? convGradients(x, input.image, params, dy, wanted, 2)
      : convGradients(x, input.image, params, spread(dy, input.image, spec.filters), wanted),
  mirror: ({ spec }) => [
    tf.layers.conv2d({ filters: spec.filters, kernelSize: spec.kernel, strides: 2, padding: 'same' }),
  ],
};
