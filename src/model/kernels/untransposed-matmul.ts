/**
 * tfjs-backend-wasm multiplies matrices ~30x slower when asked for a transposed operand
 * (BatchMatMul or _FusedMatMul with transposeA / transposeB), and every dense layer's backward
 * pass asks for one. These kernels wrap the backend's own: transpose the operand with the
 * backend's Transpose kernel (memory-bound, cheap), then call the original kernel untransposed.
 * Installed through tfjs's public kernel registry; results are those of the plain kernel.
 */
import * as tf from '@tensorflow/tfjs';

type KernelArgs = Parameters<tf.KernelFunc>[0];
type Backend = KernelArgs['backend'] & { disposeData(id: object): boolean };

const swapLastTwo = (rank: number) => [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];

function wrap(original: tf.KernelFunc, transpose: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const attrs = args.attrs as { transposeA?: boolean; transposeB?: boolean };
    if (!attrs.transposeA && !attrs.transposeB) return original(args);
    const backend = args.backend as Backend;
    const made: tf.TensorInfo[] = [];
    const untransposed = (x: tf.TensorInfo): tf.TensorInfo => {
      const t = transpose({ inputs: { x }, backend, attrs: { perm: swapLastTwo(x.shape.length) } }) as tf.TensorInfo;
      made.push(t);
      return t;
    };
    const inputs = { ...args.inputs } as Record<string, tf.TensorInfo>;
    if (attrs.transposeA) inputs.a = untransposed(inputs.a);
    if (attrs.transposeB) inputs.b = untransposed(inputs.b);
    try {
      return original({ ...args, inputs, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
    } finally {
      for (const t of made) backend.disposeData(t.dataId);
    }
  };
}

export const UNTRANSPOSED_KERNELS = ['BatchMatMul', '_FusedMatMul'] as const;

const installed = new Set<string>();

/** Replaces the backend's matmul kernels by the wrapped ones; returns the names replaced. Idempotent. */
export function installUntransposedMatMul(backendName: string): string[] {
  const transpose = tf.getKernel('Transpose', backendName)?.kernelFunc;
  if (!transpose) return [];
  const done: string[] = [];
  for (const name of UNTRANSPOSED_KERNELS) {
    const key = `${backendName}/${name}`;
    const kernel = tf.getKernel(name, backendName);
    if (!kernel || installed.has(key)) continue;
    tf.unregisterKernel(name, backendName);
    tf.registerKernel({ ...kernel, kernelFunc: wrap(kernel.kernelFunc, transpose) });
    installed.add(key);
    done.push(name);
  }
  return done;
}
