/**
 * Sums and means over leading axes as matrix products. tfjs-backend-wasm reduces over any axis
 * that is not the last by transposing the tensor first and then summing scalar by scalar, which
 * makes the bias gradients (a sum over the batch) and BatchNorm's batch moments a tenth of a
 * training step. Summing x [pre, red, post] over its middle block is ones [1, red] · x, which
 * the backend's matrix product does in a single pass with SIMD and both threads; the mean
 * multiplies by a vector of 1/red instead. Other reductions go to the backend's own kernel.
 * Installed through tfjs's public kernel registry; results equal the plain kernel's within
 * float32 rounding (tests/kernels.test.ts).
 */
import * as tf from '@tensorflow/tfjs';

type KernelArgs = Parameters<tf.KernelFunc>[0];
type Backend = KernelArgs['backend'] & {
  disposeData(id: object): boolean;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
};

export interface Block { readonly pre: number; readonly red: number; readonly post: number }

/**
 * x's shape as [pre, red, post] when `axes` are consecutive and leave at least the last axis out;
 * null otherwise (the backend's kernel is then used).
 */
export function leadingBlock(shape: readonly number[], axis: number | readonly number[] | null | undefined): Block | null {
  const rank = shape.length;
  if (axis == null) return null; // every axis, the last included
  const axes = [...new Set((typeof axis === 'number' ? [axis] : axis).map((a) => (a < 0 ? a + rank : a)))].sort((p, q) => p - q);
  if (axes.length === 0 || axes.some((a, i) => a !== axes[0] + i) || axes[axes.length - 1] >= rank - 1) return null;
  const size = (from: number, to: number) => shape.slice(from, to).reduce((p, q) => p * q, 1);
  return { pre: size(0, axes[0]), red: size(axes[0], axes[axes.length - 1] + 1), post: size(axes[axes.length - 1] + 1, rank) };
}

function outputShape(shape: readonly number[], axis: number | readonly number[], keepDims: boolean): number[] {
  const rank = shape.length;
  const axes = new Set((typeof axis === 'number' ? [axis] : axis).map((a) => (a < 0 ? a + rank : a)));
  return shape.flatMap((d, i) => (axes.has(i) ? (keepDims ? [1] : []) : [d]));
}

function wrap(name: 'Sum' | 'Mean', original: tf.KernelFunc, matMul: tf.KernelFunc, reshape: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x } = args.inputs as Record<string, tf.TensorInfo>;
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[] | null; keepDims: boolean };
    const block = x.dtype === 'float32' ? leadingBlock(x.shape, axis) : null;
    if (!block || axis == null) return original(args);
    const backend = args.backend as Backend;
    const weights = backend.makeOutput([1, 1, block.red], 'float32');
    backend.typedArrayFromHeap(weights).fill(name === 'Mean' ? 1 / block.red : 1);
    const made = [weights];
    const shaped = (t: tf.TensorInfo, shape: number[]) => {
      const y = reshape({ inputs: { x: t }, backend, attrs: { shape } }) as tf.TensorInfo;
      made.push(y);
      return y;
    };
    try {
      const product = matMul({ inputs: { a: weights, b: shaped(x, [block.pre, block.red, block.post]) }, backend, attrs: { transposeA: false, transposeB: false } }) as tf.TensorInfo;
      made.push(product);
      return reshape({ inputs: { x: product }, backend, attrs: { shape: outputShape(x.shape, axis, keepDims) } });
    } finally {
      for (const t of made) backend.disposeData(t.dataId);
    }
  };
}

const installed = new Set<string>();

/** Replaces the wasm backend's Sum and Mean by the wrapped ones; the names replaced. Idempotent. */
export function installLeadingReductions(backendName: string): string[] {
  const matMul = tf.getKernel('BatchMatMul', backendName)?.kernelFunc;
  const reshape = tf.getKernel('Reshape', backendName)?.kernelFunc;
  if (backendName !== 'wasm' || !matMul || !reshape) return [];
  const done: string[] = [];
  for (const name of ['Sum', 'Mean'] as const) {
    const kernel = tf.getKernel(name, backendName);
    if (!kernel || installed.has(name)) continue;
    tf.unregisterKernel(name, backendName);
    tf.registerKernel({ ...kernel, kernelFunc: wrap(name, kernel.kernelFunc, matMul, reshape) });
    installed.add(name);
    done.push(name);
  }
  return done;
}
