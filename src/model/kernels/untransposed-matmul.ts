/**
 * tfjs-backend-wasm multiplies matrices ~10x slower when asked for a transposed operand
 * (BatchMatMul or _FusedMatMul with transposeA / transposeB), and every dense layer's backward
 * pass asks for one. These kernels wrap the backend's own and never pass it a transpose flag:
 *
 *   plan "operands": transpose the flagged operands, then multiply;
 *   plan "result"  : use C = op(A) op(B) = (op(B)ᵀ op(A)ᵀ)ᵀ, i.e. transpose the operands that were
 *                    NOT flagged, multiply in the other order, and transpose the (often small) result.
 *
 * Each call takes the plan that moves fewer elements: for the input gradient dy·Wᵀ of a dense layer
 * that is (W·dyᵀ)ᵀ, two batch-sized transposes instead of one weight-sized one.
 * Transposes use the backend's own Transpose kernel. Installed through tfjs's public kernel
 * registry; results are those of the plain kernel (tests/kernels.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { type KernelBackend, withIntermediates } from './intermediates.ts';
import { replaceKernel } from './registry.ts';

interface MatMulAttrs {
  transposeA?: boolean;
  transposeB?: boolean;
  activation?: string;
}

const swapLastTwo = (rank: number) => [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];
const lastTwo = (t: tf.TensorInfo) => t.shape.slice(-2).reduce((x, y) => x * y, 1);

export type Plan = 'none' | 'operands' | 'result';

/**
 * Elements each plan transposes, for op(A) [m, k] times op(B) [k, n] (batch dimensions aside).
 * `resultAllowed` is false where the kernel adds a bias or an activation to C.
 */
export function choosePlan(
  aSize: number,
  bSize: number,
  cSize: number,
  ta: boolean,
  tb: boolean,
  resultAllowed: boolean,
): Plan {
  if (!ta && !tb) return 'none';
  if (!resultAllowed) return 'operands';
  const operands = (ta ? aSize : 0) + (tb ? bSize : 0);
  const result = (ta ? 0 : aSize) + (tb ? 0 : bSize) + cSize;
  return result < operands ? 'result' : 'operands';
}

function wrap(name: string, original: tf.KernelFunc, transpose: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const attrs = args.attrs as MatMulAttrs;
    const ta = Boolean(attrs.transposeA),
      tb = Boolean(attrs.transposeB);
    const inputs = args.inputs as Record<string, tf.TensorInfo>;
    const { a, b } = inputs;
    const m = ta ? a.shape[a.shape.length - 1] : a.shape[a.shape.length - 2];
    const n = tb ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
    const simple =
      name === 'BatchMatMul' ||
      (!inputs.bias && !inputs.preluActivationWeights && (attrs.activation ?? 'linear') === 'linear');
    const plan = choosePlan(lastTwo(a), lastTwo(b), m * n, ta, tb, simple);
    if (plan === 'none') return original(args);
    const backend = args.backend as KernelBackend;
    const plain = { ...args.attrs, transposeA: false, transposeB: false };
    return withIntermediates(backend, (temp) => {
      const t = (x: tf.TensorInfo) =>
        temp(transpose({ inputs: { x }, backend, attrs: { perm: swapLastTwo(x.shape.length) } }));
      if (plan === 'operands') {
        return original({ ...args, inputs: { ...inputs, a: ta ? t(a) : a, b: tb ? t(b) : b }, attrs: plain });
      }
      // (op(B)ᵀ · op(A)ᵀ)ᵀ: op(B)ᵀ is B itself when B was flagged, else Bᵀ; likewise A.
      const swapped = temp(
        original({ ...args, inputs: { ...inputs, a: tb ? b : t(b), b: ta ? a : t(a) }, attrs: plain }),
      );
      return transpose({ inputs: { x: swapped }, backend, attrs: { perm: swapLastTwo(swapped.shape.length) } });
    });
  };
}

export const UNTRANSPOSED_KERNELS = ['BatchMatMul', '_FusedMatMul'] as const;

/** Replaces the backend's matmul kernels by the wrapped ones; returns the names replaced now. Idempotent. */
export function installUntransposedMatMul(backendName: string): string[] {
  const transpose = tf.getKernel('Transpose', backendName)?.kernelFunc;
  if (!transpose) return [];
  return UNTRANSPOSED_KERNELS.filter((name) =>
    replaceKernel('untransposed-matmul', backendName, name, (previous) => wrap(name, previous, transpose)),
  );
}
