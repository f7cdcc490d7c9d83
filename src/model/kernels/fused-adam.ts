/**
 * One Adam update of a parameter in one pass over memory, for tfjs-backend-wasm. Written op by op
 * (adam.ts) the update is 13 elementwise kernels, each a pass over millions of values on one
 * thread; this kernel reads g, m, v, w once and writes m', v', w' once, four values per SIMD
 * instruction, with the same f32 operations in the same order (so the same numbers):
 *
 *   m' = m b1 + g (1 - b1)        v' = v b2 + g² (1 - b2)
 *   w' = w - (m' stepSize) / (sqrt(v' secondCorrection) + epsilon)
 *
 * Registered through tfjs's public kernel registry as 'GanstreamAdam' (inputs g, m, v, w; outputs
 * m', v', w'); applyAdam uses it when the backend has it. tests/kernels.test.ts compares it with
 * the op-by-op update.
 */
import * as tf from '@tensorflow/tfjs';
import { addKernel } from './registry.ts';
import { countedLoop, F32, I32, instantiateOnBackend, offsetOf, op, V128, type WasmBackend } from './simd-module.ts';

export const FUSED_ADAM = 'GanstreamAdam';

export interface FusedAdamAttrs {
  readonly beta1: number;
  readonly beta2: number;
  readonly stepSize: number;
  readonly secondCorrection: number;
  readonly epsilon: number;
}

// Parameters: 0-6 byte offsets of g, m, v, w, m', v', w'; 7 bytes to do (a multiple of 16);
// 8-14 b1, 1 - b1, b2, 1 - b2, stepSize, secondCorrection, epsilon. Locals: 15 i; 16-22 the seven
// numbers splatted; 23 m'; 24 v'; 25 g.
const [BYTES, I, SPLAT, M1, V1, G] = [7, 15, 16, 23, 24, 25];
const at = (ptr: number) => [...op.localGet(ptr), ...op.localGet(I), ...op.i32Add];
const load = (ptr: number) => [...at(ptr), ...op.v128Load];
const k = (j: number) => op.localGet(SPLAT + j);

const adamFunction = {
  name: 'adam',
  params: [I32, I32, I32, I32, I32, I32, I32, I32, F32, F32, F32, F32, F32, F32, F32],
  locals: [I32, V128, V128, V128, V128, V128, V128, V128, V128, V128, V128],
  body: [
    ...[0, 1, 2, 3, 4, 5, 6].flatMap((j) => [...op.localGet(8 + j), ...op.f32x4Splat, ...op.localSet(SPLAT + j)]),
    ...countedLoop(I, 0, BYTES, 16, [
      ...load(0),
      ...op.localSet(G),
      // m' = m b1 + g (1 - b1)
      ...load(1),
      ...k(0),
      ...op.f32x4Mul,
      ...op.localGet(G),
      ...k(1),
      ...op.f32x4Mul,
      ...op.f32x4Add,
      ...op.localSet(M1),
      ...at(4),
      ...op.localGet(M1),
      ...op.v128Store,
      // v' = v b2 + g² (1 - b2)
      ...load(2),
      ...k(2),
      ...op.f32x4Mul,
      ...op.localGet(G),
      ...op.localGet(G),
      ...op.f32x4Mul,
      ...k(3),
      ...op.f32x4Mul,
      ...op.f32x4Add,
      ...op.localSet(V1),
      ...at(5),
      ...op.localGet(V1),
      ...op.v128Store,
      // w' = w - (m' stepSize) / (sqrt(v' secondCorrection) + epsilon)
      ...at(6),
      ...load(3),
      ...op.localGet(M1),
      ...k(4),
      ...op.f32x4Mul,
      ...op.localGet(V1),
      ...k(5),
      ...op.f32x4Mul,
      ...op.f32x4Sqrt,
      ...k(6),
      ...op.f32x4Add,
      ...op.f32x4Div,
      ...op.f32x4Sub,
      ...op.v128Store,
    ]),
  ],
};

/** The same update for the last values (fewer than four), in f32 arithmetic like the SIMD lanes. */
function adamTail(heap: Float32Array, p: readonly number[], from: number, n: number, a: readonly number[]): void {
  const f = Math.fround;
  const [b1, ob1, b2, ob2, stepSize, c2, eps] = a.map(f);
  for (let i = from; i < n; i++) {
    const g = heap[p[0] / 4 + i];
    const m = f(f(heap[p[1] / 4 + i] * b1) + f(g * ob1));
    const v = f(f(heap[p[2] / 4 + i] * b2) + f(f(g * g) * ob2));
    heap[p[4] / 4 + i] = m;
    heap[p[5] / 4 + i] = v;
    heap[p[6] / 4 + i] = f(heap[p[3] / 4 + i] - f(f(m * stepSize) / f(f(Math.sqrt(f(v * c2))) + eps)));
  }
}

/** Registers the fused Adam kernel for the wasm backend (needs WebAssembly SIMD); the names registered now. Idempotent. */
export function installFusedAdam(backendName: string): string[] {
  const added = addKernel('fused-adam', backendName, FUSED_ADAM, () => {
    const simd = instantiateOnBackend(backendName, [adamFunction]);
    if (!simd) return null;
    const { fns, memory } = simd;
    const adam = fns.adam as (...args: number[]) => void;
    return (args) => {
      const { g, m, v, w } = args.inputs as Record<string, tf.TensorInfo>;
      const a = args.attrs as unknown as FusedAdamAttrs;
      const b = args.backend as unknown as WasmBackend;
      for (const t of [g, m, v]) {
        if (t.dtype !== 'float32' || t.shape.join() !== w.shape.join())
          throw new Error(
            `${FUSED_ADAM}: inputs of dtype ${t.dtype} and shape [${t.shape}], expected float32 [${w.shape}]`,
          );
      }
      const outs = [m, v, w].map((t) => b.makeOutput(t.shape, 'float32'));
      const ptrs = [g, m, v, w, ...outs].map((t) => offsetOf(b, t));
      const n = tf.util.sizeFromShape(w.shape);
      const vectorised = n - (n % 4);
      const numbers = [a.beta1, 1 - a.beta1, a.beta2, 1 - a.beta2, a.stepSize, a.secondCorrection, a.epsilon];
      adam(...ptrs, vectorised * 4, ...numbers);
      if (vectorised < n) adamTail(new Float32Array(memory.buffer), ptrs, vectorised, n, numbers);
      return outs;
    };
  });
  return added ? [FUSED_ADAM] : [];
}
