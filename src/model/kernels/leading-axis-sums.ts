/**
 * Sums and means over leading or middle axes for tfjs-backend-wasm: a BatchNorm's batch moments,
 * its backward pass and every bias gradient reduce a [rows, features] batch over its rows. The
 * backend's Sum and Mean only reduce the innermost axes, so for these it first transposes the
 * whole batch. This kernel reduces x viewed as [outer, reduced, inner] in place: it adds each row
 * of `inner` values into the output, four per SIMD instruction, in the same order as the
 * backend's sequential sum (so the same numbers), then divides by the count for a mean.
 *
 * Installed through tfjs's public kernel registry over Sum and Mean; any other reduction (the
 * innermost axes, non-adjacent axes, other dtypes) goes to the backend's own kernel unchanged.
 * tests/kernels.test.ts compares the results with the plain kernels'.
 */
import * as tf from '@tensorflow/tfjs';
import { onFirstUse, replaceKernel } from './registry.ts';
import { countedLoop, F32, I32, instantiateOnBackend, offsetOf, op, V128, type WasmBackend } from './simd-module.ts';

// Parameters: 0 x, 1 out (byte offsets), 2 outer, 3 reduced, 4 bytes of inner values done by SIMD
// (a multiple of 16), 5 bytes of a row (4 * inner), 6 divisor. Locals: 7 a, 8 r, 9 c, 10 the row
// of x being added, 11 the row of out, 12 the divisor splatted.
const [X, OUT, OUTER, REDUCED, VEC, ROW, DIVISOR, A, R, C, XROW, OROW, D] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

/** for (c = 0; c < VEC; c += 16) { body } */
const overColumns = (body: number[]) => countedLoop(C, 0, VEC, 16, body);
const at = (row: number) => [...op.localGet(row), ...op.localGet(C), ...op.i32Add];

const sumFunction = {
  name: 'sumMiddle',
  params: [I32, I32, I32, I32, I32, I32, F32],
  locals: [I32, I32, I32, I32, I32, V128],
  body: [
    ...op.localGet(DIVISOR),
    ...op.f32x4Splat,
    ...op.localSet(D),
    ...countedLoop(A, 0, OUTER, 1, [
      // OROW = out + a * ROW; XROW = x + a * REDUCED * ROW
      ...op.localGet(OUT),
      ...op.localGet(A),
      ...op.localGet(ROW),
      ...op.i32Mul,
      ...op.i32Add,
      ...op.localSet(OROW),
      ...op.localGet(X),
      ...op.localGet(A),
      ...op.localGet(REDUCED),
      ...op.i32Mul,
      ...op.localGet(ROW),
      ...op.i32Mul,
      ...op.i32Add,
      ...op.localSet(XROW),
      // out row = first x row; then each further x row added, in order
      ...overColumns([...at(OROW), ...at(XROW), ...op.v128Load, ...op.v128Store]),
      ...countedLoop(R, 1, REDUCED, 1, [
        ...op.localGet(XROW),
        ...op.localGet(ROW),
        ...op.i32Add,
        ...op.localSet(XROW),
        ...overColumns([
          ...at(OROW),
          ...at(OROW),
          ...op.v128Load,
          ...at(XROW),
          ...op.v128Load,
          ...op.f32x4Add,
          ...op.v128Store,
        ]),
      ]),
      ...overColumns([...at(OROW), ...at(OROW), ...op.v128Load, ...op.localGet(D), ...op.f32x4Div, ...op.v128Store]),
    ]),
  ],
};

interface ReduceAttrs {
  axis: number | number[] | null;
  keepDims?: boolean;
}

/** The reduced axes, non-negative, sorted, once each (null or undefined: all of them, as tfjs reads it). */
const reducedAxes = (shape: readonly number[], axis: number | readonly number[] | null | undefined): number[] =>
  [...new Set(tf.util.parseAxisParam(axis as number | number[], shape as number[]))].sort((p, q) => p - q);

/** [outer, reduced, inner] when `axis` is one run of adjacent axes that leaves the last axis out; else null. */
export function middleView(
  shape: readonly number[],
  axis: number | readonly number[] | null | undefined,
): [number, number, number] | null {
  const rank = shape.length;
  const axes = reducedAxes(shape, axis);
  if (axes.length === 0 || axes.some((a, i) => i > 0 && a !== axes[i - 1] + 1)) return null;
  const [first, last] = [axes[0], axes[axes.length - 1]];
  if (last === rank - 1) return null;
  const size = (from: number, to: number) => shape.slice(from, to).reduce((p, q) => p * q, 1);
  return [size(0, first), size(first, last + 1), size(last + 1, rank)];
}

export const LEADING_AXIS_KERNELS = ['Sum', 'Mean'] as const;

/** Wraps the wasm backend's Sum and Mean (needs WebAssembly SIMD); the names wrapped now. Idempotent. */
export function installLeadingAxisSums(backendName: string): string[] {
  const simdOnce = onFirstUse(() => instantiateOnBackend(backendName, [sumFunction]));
  return LEADING_AXIS_KERNELS.filter((name) =>
    replaceKernel('leading-axis-sums', backendName, name, (original) => {
      const simd = simdOnce();
      if (!simd) return null;
      const { fns, memory } = simd;
      const sumMiddle = fns.sumMiddle as (...args: number[]) => void;
      return (args) => {
        const { x } = args.inputs as Record<string, tf.TensorInfo>;
        const { axis, keepDims } = args.attrs as unknown as ReduceAttrs;
        const view = x.dtype === 'float32' ? middleView(x.shape, axis) : null;
        if (!view || view[1] === 0 || view[0] * view[2] === 0) return original(args);
        const [outer, reduced, inner] = view;
        const b = args.backend as unknown as WasmBackend;
        const axes = reducedAxes(x.shape, axis);
        const outShape = x.shape.flatMap((d, i) => (axes.includes(i) ? (keepDims ? [1] : []) : [d]));
        const out = b.makeOutput(outShape, 'float32');
        const [xp, op_] = [x, out].map((t) => offsetOf(b, t));
        const divisor = name === 'Mean' ? reduced : 1;
        const vectorised = inner - (inner % 4);
        sumMiddle(xp, op_, outer, reduced, vectorised * 4, inner * 4, divisor);
        if (vectorised < inner) {
          // The last 1-3 columns: the same sequential f32 sum.
          const heap = new Float32Array(memory.buffer);
          for (let a = 0; a < outer; a++) {
            for (let c = vectorised; c < inner; c++) {
              let s = 0;
              for (let r = 0; r < reduced; r++) s = Math.fround(s + heap[xp / 4 + (a * reduced + r) * inner + c]);
              heap[op_ / 4 + a * inner + c] = Math.fround(s / divisor);
            }
          }
        }
        return out;
      };
    }),
  );
}
