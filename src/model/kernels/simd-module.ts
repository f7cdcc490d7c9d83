/**
 * A WebAssembly module of ganstream's own, assembled here from a few SIMD instructions and
 * instantiated on tfjs-backend-wasm's memory, so that its functions read and write tensors where
 * they live: no copies, no compiler, no build step. Only what the kernels in this folder need of
 * the binary format (https://webassembly.github.io/spec/core/binary/) is encoded.
 *
 * Functions take byte offsets into that memory (i32) and numbers (f32) and use no memory of their
 * own (no stack, no data), so they cannot disturb the backend's heap.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelBackend } from './intermediates.ts';

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}

/** Signed LEB128 (for i32.const). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const name = (s: string) => vec([...new TextEncoder().encode(s)].map((b) => [b]));
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];

/** The instructions the kernels use. */
export const op = {
  localGet: (i: number) => [0x20, ...uleb(i)],
  localSet: (i: number) => [0x21, ...uleb(i)],
  localTee: (i: number) => [0x22, ...uleb(i)],
  i32Const: (n: number) => [0x41, ...sleb(n)],
  i32Add: [0x6a],
  i32Mul: [0x6c],
  i32GeU: [0x4f],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  end: [0x0b],
  /** v128.load / v128.store with a 4-byte alignment hint and no offset. */
  v128Load: [0xfd, ...uleb(0x00), 2, 0],
  v128Store: [0xfd, ...uleb(0x0b), 2, 0],
  f32x4Splat: [0xfd, ...uleb(0x13)],
  /** Lanes of all ones where a > b, else zeros. */
  f32x4Gt: [0xfd, ...uleb(0x44)],
  /** (v1 & mask) | (v2 & ~mask), taking v1, v2, mask from the stack. */
  v128Bitselect: [0xfd, ...uleb(0x52)],
  f32x4Sqrt: [0xfd, ...uleb(0xe3)],
  f32x4Add: [0xfd, ...uleb(0xe4)],
  f32x4Sub: [0xfd, ...uleb(0xe5)],
  f32x4Mul: [0xfd, ...uleb(0xe6)],
  f32x4Div: [0xfd, ...uleb(0xe7)],
} as const;

/**
 * for (counter = from; counter < limit; counter += by) body, with `counter` and `limit` locals
 * (compared unsigned) and `by` a constant. Anything else a pass does each time round goes at the
 * end of `body`.
 */
export function countedLoop(
  counter: number,
  from: number,
  limit: number,
  by: number,
  body: readonly number[],
): number[] {
  return [
    ...op.i32Const(from),
    ...op.localSet(counter),
    ...op.block,
    ...op.loop,
    ...op.localGet(counter),
    ...op.localGet(limit),
    ...op.i32GeU,
    ...op.brIf(1),
    ...body,
    ...op.localGet(counter),
    ...op.i32Const(by),
    ...op.i32Add,
    ...op.localSet(counter),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
}

export interface FunctionDef {
  readonly name: string;
  readonly params: readonly number[];
  /** Extra locals, by type, numbered after the parameters. */
  readonly locals: readonly number[];
  readonly body: readonly number[];
}

/** Bytes of a module importing `env.memory` (shared or not, as the backend's is) and exporting `functions`. */
export function assemble(functions: readonly FunctionDef[], sharedMemory: boolean): Uint8Array<ArrayBuffer> {
  const types = section(1, vec(functions.map((f) => [0x60, ...vec(f.params.map((p) => [p])), 0])));
  // Limits: shared memories must declare a maximum; 65536 pages is wasm32's.
  const limits = sharedMemory ? [0x03, ...uleb(1), ...uleb(65536)] : [0x00, ...uleb(1)];
  const imports = section(2, vec([[...name('env'), ...name('memory'), 0x02, ...limits]]));
  const funcs = section(3, vec(functions.map((_, i) => uleb(i))));
  const exports = section(7, vec(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)])));
  const bodies = functions.map((f) => {
    const body = [...vec(f.locals.map((t) => [1, t])), ...f.body, ...op.end];
    return [...uleb(body.length), ...body];
  });
  const code = section(10, vec(bodies));
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...types,
    ...imports,
    ...funcs,
    ...exports,
    ...code,
  ]);
}

/** The WebAssembly.Memory of tfjs-backend-wasm's module: imported by the threaded build, exported by the other. */
export function backendMemory(wasmModule: unknown): WebAssembly.Memory | null {
  const m = wasmModule as { wasmMemory?: unknown; asm?: Record<string, unknown> } | undefined;
  if (m?.wasmMemory instanceof WebAssembly.Memory) return m.wasmMemory;
  const exported = Object.values(m?.asm ?? {}).find((v) => v instanceof WebAssembly.Memory);
  return (exported as WebAssembly.Memory | undefined) ?? null;
}

/** What ganstream's SIMD kernels use of tfjs-backend-wasm: its module, where tensors live, and new outputs. */
export interface WasmBackend extends KernelBackend {
  readonly wasm: unknown;
  readonly dataIdMap: { get(id: unknown): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
}

/** Byte offset of a tensor's values in the backend's memory. */
export const offsetOf = (b: WasmBackend, t: tf.TensorInfo): number => b.dataIdMap.get(t.dataId)!.memoryOffset;

/** SIMD functions instantiated on a backend's memory. */
export interface SimdOnBackend {
  readonly fns: Record<string, CallableFunction>;
  readonly memory: WebAssembly.Memory;
}

/** The functions instantiated on the memory of the backend named; null where that is not tfjs-backend-wasm or SIMD is missing. */
export function instantiateOnBackend(backendName: string, functions: readonly FunctionDef[]): SimdOnBackend | null {
  if (backendName !== 'wasm') return null;
  const backend = tf.findBackend(backendName) as unknown as WasmBackend | null;
  const memory = backend ? backendMemory(backend.wasm) : null;
  const fns = memory ? instantiate(functions, memory) : null;
  return fns && memory ? { fns, memory } : null;
}

/** Instantiates the functions on `memory`; null where WebAssembly SIMD is not available. */
export function instantiate(
  functions: readonly FunctionDef[],
  memory: WebAssembly.Memory,
): Record<string, CallableFunction> | null {
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const bytes = assemble(functions, shared);
  if (!WebAssembly.validate(bytes)) return null;
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
  return instance.exports as Record<string, CallableFunction>;
}
