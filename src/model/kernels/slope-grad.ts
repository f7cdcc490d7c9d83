/**
 * The backward pass of a (leaky) ReLU in one pass over memory, for tfjs-backend-wasm: the input's
 * gradient is dy where the layer's output is positive and slope * dy elsewhere (the output has the
 * sign of the input). Written with tfjs operations it is Step (a tensor of 1 and slope) then
 * Multiply: two passes and a temporary as large as the layer's output, which for a convolution's
 * 128 x 28 x 28 x 64 values is most of the time the backward pass spends outside the products.
 * Same numbers as those two kernels (dy * 1 or dy * slope), except where the output is NaN (the
 * loss is NaN then anyway): Step gives NaN, this kernel slope * dy.
 *
 * Registered through tfjs's public kernel registry as 'GanstreamSlopeGrad' (inputs dy, y; attrs
 * slope); layers/activations.ts uses it where the backend has it. tests/kernels.test.ts compares
 * it with Step and Multiply.
 */
import * as tf from '@tensorflow/tfjs';
import { addKernel } from './registry.ts';
import { countedLoop, F32, I32, instantiateOnBackend, offsetOf, op, V128, type WasmBackend } from './simd-module.ts';

export const SLOPE_GRAD = 'GanstreamSlopeGrad';

export interface SlopeGradAttrs {
  readonly slope: number;
}

// Parameters: 0-2 byte offsets of dy, y, out; 3 bytes to do (a multiple of 16); 4-6 slope, 1 and 0.
// Locals: 7 i; 8-10 slope, 1 and 0 splatted.
const [DY, Y, OUT, BYTES, I, SPLAT] = [0, 1, 2, 3, 7, 8];
const at = (ptr: number) => [...op.localGet(ptr), ...op.localGet(I), ...op.i32Add];
const k = (j: number) => op.localGet(SPLAT + j);

const slopeGradFunction = {
  name: 'slopeGrad',
  params: [I32, I32, I32, I32, F32, F32, F32],
  locals: [I32, V128, V128, V128],
  body: [
    ...[0, 1, 2].flatMap((j) => [...op.localGet(4 + j), ...op.f32x4Splat, ...op.localSet(SPLAT + j)]),
    ...countedLoop(I, 0, BYTES, 16, [
      // out = dy * (y > 0 ? 1 : slope)
      ...at(OUT),
      ...at(DY),
      ...op.v128Load,
      ...k(1),
      ...k(0),
      ...at(Y),
      ...op.v128Load,
      ...k(2),
      ...op.f32x4Gt,
      ...op.v128Bitselect,
      ...op.f32x4Mul,
      ...op.v128Store,
    ]),
  ],
};

/** Registers the kernel for the wasm backend (needs WebAssembly SIMD); the names registered now. Idempotent. */
export function installSlopeGrad(backendName: string): string[] {
  const added = addKernel('slope-grad', backendName, SLOPE_GRAD, () => {
    const simd = instantiateOnBackend(backendName, [slopeGradFunction]);
    if (!simd) return null;
    const { fns, memory } = simd;
    const slopeGrad = fns.slopeGrad as (...args: number[]) => void;
    return (args) => {
      const { dy, y } = args.inputs as Record<string, tf.TensorInfo>;
      const { slope } = args.attrs as unknown as SlopeGradAttrs;
      const b = args.backend as unknown as WasmBackend;
      if (dy.dtype !== 'float32' || y.dtype !== 'float32' || dy.shape.join() !== y.shape.join())
        throw new Error(
          `${SLOPE_GRAD}: dy ${dy.dtype} [${dy.shape}] and y ${y.dtype} [${y.shape}], expected float32 of one shape`,
        );
      const out = b.makeOutput(dy.shape, 'float32');
      const [pDy, pY, pOut] = [dy, y, out].map((t) => offsetOf(b, t));
      const n = tf.util.sizeFromShape(dy.shape);
      const vectorised = n - (n % 4);
      slopeGrad(pDy, pY, pOut, vectorised * 4, slope, 1, 0);
      // The last values (fewer than four), in f32 like the lanes.
      const heap = new Float32Array(memory.buffer);
      for (let i = vectorised; i < n; i++)
        heap[pOut / 4 + i] = Math.fround(heap[pDy / 4 + i] * (heap[pY / 4 + i] > 0 ? 1 : Math.fround(slope)));
      return out;
    };
  });
  return added ? [SLOPE_GRAD] : [];
}
