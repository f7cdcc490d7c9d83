/**
 * What ganstream's kernels share: the backend they run on (tfjs's kernel backend, which frees
 * tensor data by id), the freeing of the intermediate tensors a kernel makes by calling the
 * backend's own kernels, and the test callers use to choose a fused kernel where it is installed.
 */
import * as tf from '@tensorflow/tfjs';

export type KernelBackend = Parameters<tf.KernelFunc>[0]['backend'] & { disposeData(id: object): boolean };

/**
 * ganstream's kernels for a convolution's gradients, installed with OpenBLAS (native-matmul.ts;
 * layers/conv.ts uses them where they are). The filter's: inputs x [n, h, w, c] and dy [n, oh, ow, f],
 * attrs { filterShape, strides, pad }. The input's: inputs dy and filter [fh, fw, c, f], attrs
 * { inputShape, strides, pad }. `strides` is one number for both sides (1 when absent).
 */
export const CONV_FILTER_GRAD = 'GanstreamConv2DFilterGrad';
export const CONV_INPUT_GRAD = 'GanstreamConv2DInputGrad';

/** Whether the current backend has the kernel (ganstream's fused ones exist on wasm only). */
export const backendHas = (kernelName: string): boolean => tf.getKernel(kernelName, tf.getBackend()) !== undefined;

/** A kernel's result as a single tensor (the kernels composed here each return one). */
const one = (t: tf.TensorInfo | tf.TensorInfo[]): tf.TensorInfo => (Array.isArray(t) ? t[0] : t);

/**
 * Runs a kernel's body; every tensor it passes to `temp` is freed when the body returns or throws.
 * The body's result is not freed: it is the kernel's output.
 */
export function withIntermediates<R>(
  backend: KernelBackend,
  body: (temp: (t: tf.TensorInfo | tf.TensorInfo[]) => tf.TensorInfo) => R,
): R {
  const made: tf.TensorInfo[] = [];
  try {
    return body((t) => {
      const x = one(t);
      made.push(x);
      return x;
    });
  } finally {
    for (const x of made) backend.disposeData(x.dataId);
  }
}
