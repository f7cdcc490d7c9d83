/**
 * The two elementwise passes of a BatchNorm layer in training, fused, for tfjs-backend-wasm. Over a
 * batch viewed as [groups, rows, features], with per-group vectors [groups, 1, features]:
 *
 *   GanstreamBatchNormApply     normalized = (x - mean) invStd;  out = normalized gamma + beta
 *   GanstreamBatchNormBackward  dx = ((d - meanD) - normalized meanDN) scale
 *
 * Written with tfjs operations (backprop.ts, where the backend lacks these kernels) each line is
 * two to four kernels, each a pass over the batch; here each is one pass, four values per SIMD
 * instruction, with the same f32 operations in the same order (the same numbers).
 * tests/kernels.test.ts compares both with the tfjs operations.
 */
import * as tf from '@tensorflow/tfjs';
import { addKernel, onFirstUse } from './registry.ts';
import {
  countedLoop,
  type FunctionDef,
  I32,
  instantiateOnBackend,
  offsetOf,
  op,
  type SimdOnBackend,
  V128,
  type WasmBackend,
} from './simd-module.ts';

export const BATCH_NORM_APPLY = 'GanstreamBatchNormApply';
export const BATCH_NORM_BACKWARD = 'GanstreamBatchNormBackward';

/**
 * A function over [groups, rows, features]: `rowPtrs` parameters advance by a row each row,
 * `groupPtrs` by a row each group, `fixedPtrs` stay. Parameters: the pointers in that order, then
 * groups, rows, bytes of features done by SIMD (a multiple of 16), bytes of a row.
 * Locals after them: g, r, c. `body(at)` computes one 16-byte chunk; at(p) pushes p + c.
 */
function perChunk(
  name: string,
  rowPtrs: number,
  groupPtrs: number,
  fixedPtrs: number,
  locals: number[],
  body: (at: (p: number) => number[], local: (i: number) => number) => number[],
): FunctionDef {
  const ptrs = rowPtrs + groupPtrs + fixedPtrs;
  const [GROUPS, ROWS, VEC, ROW] = [ptrs, ptrs + 1, ptrs + 2, ptrs + 3];
  const [G, R, C] = [ptrs + 4, ptrs + 5, ptrs + 6];
  const local = (i: number) => ptrs + 7 + i;
  const at = (p: number) => [...op.localGet(p), ...op.localGet(C), ...op.i32Add];
  const advance = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) => [
      ...op.localGet(from + i),
      ...op.localGet(ROW),
      ...op.i32Add,
      ...op.localSet(from + i),
    ]).flat();
  return {
    name,
    params: [...Array(ptrs + 4).fill(I32)],
    locals: [I32, I32, I32, ...locals],
    body: countedLoop(G, 0, GROUPS, 1, [
      ...countedLoop(R, 0, ROWS, 1, [...countedLoop(C, 0, VEC, 16, body(at, local)), ...advance(0, rowPtrs)]),
      ...advance(rowPtrs, groupPtrs),
    ]),
  };
}

const load = (addr: number[]) => [...addr, ...op.v128Load];

// x, normalized out, out | mean, invStd | gamma, beta
const applyFunction = perChunk('apply', 3, 2, 2, [V128], (at, local) => [
  // n = (x - mean) invStd
  ...load(at(0)),
  ...load(at(3)),
  ...op.f32x4Sub,
  ...load(at(4)),
  ...op.f32x4Mul,
  ...op.localSet(local(0)),
  ...at(1),
  ...op.localGet(local(0)),
  ...op.v128Store,
  // out = n gamma + beta
  ...at(2),
  ...op.localGet(local(0)),
  ...load(at(5)),
  ...op.f32x4Mul,
  ...load(at(6)),
  ...op.f32x4Add,
  ...op.v128Store,
]);

// d, normalized, dx out | meanD, meanDN, scale
const backwardFunction = perChunk('backward', 3, 3, 0, [], (at) => [
  ...at(2),
  ...load(at(0)),
  ...load(at(3)),
  ...op.f32x4Sub,
  ...load(at(1)),
  ...load(at(4)),
  ...op.f32x4Mul,
  ...op.f32x4Sub,
  ...load(at(5)),
  ...op.f32x4Mul,
  ...op.v128Store,
]);

/** [groups, rows, features] of a batch and [groups, 1, features] of its vectors, or a clear error. */
function shapesOf(
  kernel: string,
  batch: readonly tf.TensorInfo[],
  perGroup: readonly tf.TensorInfo[],
  perFeature: readonly tf.TensorInfo[],
): [number, number, number] {
  const [groups, rows, features] = batch[0].shape;
  const ok =
    batch.every((t) => t.shape.join() === [groups, rows, features].join()) &&
    perGroup.every((t) => t.shape.join() === [groups, 1, features].join()) &&
    perFeature.every((t) => t.shape.join() === String(features)) &&
    [...batch, ...perGroup, ...perFeature].every((t) => t.dtype === 'float32');
  if (!ok || batch[0].shape.length !== 3) {
    const shapes = [...batch, ...perGroup, ...perFeature].map((t) => `${t.dtype}[${t.shape}]`).join(', ');
    throw new Error(
      `${kernel}: inputs ${shapes}, expected float32 [groups, rows, features] batches, [groups, 1, features] group vectors and [features] vectors`,
    );
  }
  return [groups, rows, features];
}

/**
 * The apply kernel's gradient, so that tfjs's autodiff can run through it (the tests compare the
 * hand-written backward pass with autodiff of the forward pass). With t = dNormalized + dOut gamma:
 * dx = t invStd, dMean = -sum over rows of dx, dInvStd = sum over rows of t (x - mean),
 * dGamma = sum of dOut normalized, dBeta = sum of dOut.
 */
const applyGradient: tf.GradConfig = {
  kernelName: BATCH_NORM_APPLY,
  inputsToSave: ['x', 'mean', 'invStd', 'gamma'],
  outputsToSave: [true, false],
  gradFunc: (dy, saved) => {
    const [dNormalized, dOut] = dy as tf.Tensor[];
    const [x, mean, invStd, gamma, normalized] = saved;
    const t = () => tf.add(dNormalized, tf.mul(dOut, gamma));
    const dx = () => tf.mul(t(), invStd);
    return {
      x: dx,
      mean: () => tf.neg(tf.sum(dx(), 1, true)),
      invStd: () => tf.sum(tf.mul(t(), tf.sub(x, mean)), 1, true),
      gamma: () => tf.sum(tf.mul(dOut, normalized), [0, 1]),
      beta: () => tf.sum(dOut, [0, 1]),
    };
  },
};

/** Both kernels, on the SIMD functions instantiated on the backend's memory. */
function batchNormKernels({ fns, memory }: SimdOnBackend): Record<string, tf.KernelFunc> {
  const f32 = () => new Float32Array(memory.buffer);
  const fround = Math.fround;

  /** Runs `simd` on the whole features and `tail` (f32 arithmetic, element offsets) on the last 1-3 of each row. */
  const run = (
    b: WasmBackend,
    inputs: tf.TensorInfo[],
    outputs: tf.TensorInfo[],
    [groups, rows, features]: [number, number, number],
    rowCount: number,
    groupCount: number,
    simd: (...args: number[]) => void,
    tail: (heap: Float32Array, at: (k: number) => number) => void,
  ) => {
    const all = [...inputs.slice(0, rowCount - outputs.length), ...outputs, ...inputs.slice(rowCount - outputs.length)];
    const ptrs = all.map((t) => offsetOf(b, t));
    const vectorised = features - (features % 4);
    simd(...ptrs, groups, rows, vectorised * 4, features * 4);
    if (vectorised === features) return;
    const heap = f32();
    for (let g = 0; g < groups; g++) {
      for (let r = 0; r < rows; r++) {
        for (let c = vectorised; c < features; c++) {
          const offsets = ptrs.map(
            (p, i) =>
              p / 4 + c + (i < rowCount ? (g * rows + r) * features : i < rowCount + groupCount ? g * features : 0),
          );
          tail(heap, (k) => offsets[k]);
        }
      }
    }
  };

  const kernel =
    (
      kernelFunc: (inputs: Record<string, tf.TensorInfo>, b: WasmBackend) => tf.TensorInfo | tf.TensorInfo[],
    ): tf.KernelFunc =>
    (args) =>
      kernelFunc(args.inputs as Record<string, tf.TensorInfo>, args.backend as unknown as WasmBackend);
  const apply = kernel(({ x, mean, invStd, gamma, beta }, b) => {
    const shape = shapesOf(BATCH_NORM_APPLY, [x], [mean, invStd], [gamma, beta]);
    const outs = [b.makeOutput([...x.shape], 'float32'), b.makeOutput([...x.shape], 'float32')];
    run(b, [x, mean, invStd, gamma, beta], outs, shape, 3, 2, fns.apply as (...a: number[]) => void, (h, at) => {
      const n = fround(fround(h[at(0)] - h[at(3)]) * h[at(4)]);
      h[at(1)] = n;
      h[at(2)] = fround(fround(n * h[at(5)]) + h[at(6)]);
    });
    return outs;
  });
  const backward = kernel(({ d, normalized, meanD, meanDN, scale }, b) => {
    const shape = shapesOf(BATCH_NORM_BACKWARD, [d, normalized], [meanD, meanDN, scale], []);
    const out = b.makeOutput([...d.shape], 'float32');
    run(
      b,
      [d, normalized, meanD, meanDN, scale],
      [out],
      shape,
      3,
      3,
      fns.backward as (...a: number[]) => void,
      (h, at) => {
        h[at(2)] = fround(fround(fround(h[at(0)] - h[at(3)]) - fround(h[at(1)] * h[at(4)])) * h[at(5)]);
      },
    );
    return out;
  });
  return { [BATCH_NORM_APPLY]: apply, [BATCH_NORM_BACKWARD]: backward };
}

/** Registers both kernels for the wasm backend (needs WebAssembly SIMD); the names registered now. Idempotent. */
export function installBatchNormPasses(backendName: string): string[] {
  const kernels = onFirstUse(() => {
    const simd = instantiateOnBackend(backendName, [applyFunction, backwardFunction]);
    return simd ? batchNormKernels(simd) : null;
  });
  const done = [BATCH_NORM_APPLY, BATCH_NORM_BACKWARD].filter((name) =>
    addKernel('batch-norm-passes', backendName, name, () => kernels()?.[name] ?? null),
  );
  if (done.length > 0 && !tf.getGradient(BATCH_NORM_APPLY)) tf.registerGradient(applyGradient);
  return done;
}
