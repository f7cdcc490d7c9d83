/**
 * Matrix products by OpenBLAS, on tfjs-backend-wasm's own memory: BatchMatMul and _FusedMatMul
 * (bias and the activations tfjs fuses, prelu aside) call `cblas_sgemm` through ganstream's
 * Node-API addon (native/, built at npm install, OpenBLAS opened at run time), with the operands
 * and the output where the backend keeps them, so nothing is copied. On this machine's AVX-512
 * cores OpenBLAS runs the step's products 4-8x faster than XNNPACK compiled to WebAssembly.
 * Anything the addon does not handle (other dtypes, prelu, batch shapes that do not broadcast
 * simply) goes to the kernel that was registered before.
 */
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import * as E from 'fp-ts/lib/Either.js';
import { CONV_FILTER_GRAD, CONV_INPUT_GRAD } from './intermediates.ts';
import { addKernel, replaceKernel, restoreKernels } from './registry.ts';
import { backendMemory, offsetOf, type WasmBackend } from './simd-module.ts';

/** The OpenBLAS that was loaded: the name or path it was opened by, its build, and its threads. */
export interface BlasInfo {
  readonly library: string;
  readonly config: string;
  readonly threads: number;
}

/** A convolution's geometry as the addon takes it (NHWC, HWIO filter, one stride for both sides); see convPlan. */
export interface ConvGeometry {
  readonly n: number;
  readonly h: number;
  readonly w: number;
  readonly c: number;
  readonly fh: number;
  readonly fw: number;
  readonly f: number;
  readonly stride: number;
  readonly padTop: number;
  readonly padLeft: number;
  readonly oh: number;
  readonly ow: number;
}

/** What the addon adds after a product: a bias (offset -1: none), then an activation by its tfjs name. */
interface Epilogue {
  readonly biasOffset: number;
  readonly biasLength: number;
  readonly activation: string;
  readonly alpha: number;
}

/**
 * native/src/blas.c as JavaScript sees it. Each product takes the heap and one object of named
 * numbers (offsets in bytes into the heap, strides in floats), which the addon checks against the
 * heap; its header comment is the reference.
 */
interface BlasAddon {
  load(path: string): BlasInfo;
  setThreads(n: number): number;
  /** The fused activations the addon applies, by tfjs's names. */
  readonly activations: readonly string[];
  sgemm(
    heap: Uint8Array,
    call: {
      readonly batch: number;
      readonly transA: boolean;
      readonly transB: boolean;
      readonly m: number;
      readonly n: number;
      readonly k: number;
      readonly aOffset: number;
      readonly aStride: number;
      readonly bOffset: number;
      readonly bStride: number;
      readonly cOffset: number;
      readonly cStride: number;
    } & Epilogue,
  ): void;
  conv2d(
    heap: Uint8Array,
    call: ConvGeometry & { readonly xOffset: number; readonly wOffset: number; readonly outOffset: number } & Epilogue,
  ): void;
  conv2dFilterGrad(
    heap: Uint8Array,
    call: ConvGeometry & { readonly xOffset: number; readonly dyOffset: number; readonly dkOffset: number },
  ): void;
  conv2dInputGrad(
    heap: Uint8Array,
    call: ConvGeometry & { readonly dyOffset: number; readonly wOffset: number; readonly dxOffset: number },
  ): void;
}

/** The library opened when GANSTREAM_OPENBLAS does not name one (or is 'off'): Debian's libopenblas0-pthread. */
export const DEFAULT_OPENBLAS = 'libopenblas.so.0';

let loaded: { addon: BlasAddon; info: BlasInfo } | null = null;

/** Products and convolutions done by OpenBLAS so far (the kernels fall back silently: tests read this to know they did not). */
let nativeCalls = 0;
export const nativeCallCount = (): number => nativeCalls;

/** OpenBLAS's threads: OPENBLAS_NUM_THREADS where it is set (as OpenBLAS itself reads it), else one per core. */
const defaultThreads = (): number => {
  const set = Number(process.env.OPENBLAS_NUM_THREADS);
  return Number.isInteger(set) && set >= 1 ? set : cpus().length;
};

/**
 * Loads the addon and OpenBLAS (`library`: a name the dynamic loader finds, or a path) and sets
 * its threads; the reason in one line when either is missing. One OpenBLAS per process.
 */
export function loadBlas(
  library = process.env.GANSTREAM_OPENBLAS ?? DEFAULT_OPENBLAS,
  threads = defaultThreads(),
): E.Either<string, BlasInfo> {
  if (loaded) return E.right(loaded.info);
  if (library === 'off') return E.left('turned off (GANSTREAM_OPENBLAS=off)');
  let module: { addon: BlasAddon | null; why: string | null };
  try {
    module = createRequire(import.meta.url)('ganstream-blas');
  } catch (e) {
    return E.left(`the ganstream-blas addon is not installed (${(e as Error).message.split('\n')[0]})`);
  }
  if (!module.addon) return E.left(module.why ?? 'the ganstream-blas addon did not load');
  try {
    const info = module.addon.load(library);
    loaded = { addon: module.addon, info: { ...info, threads: module.addon.setThreads(threads) } };
    return E.right(loaded.info);
  } catch (e) {
    return E.left(
      `OpenBLAS: ${(e as Error).message} (install Debian's libopenblas0-pthread, or set GANSTREAM_OPENBLAS to its path)`,
    );
  }
}

interface MatMulAttrs {
  transposeA?: boolean;
  transposeB?: boolean;
  activation?: string;
  leakyreluAlpha?: number;
}

const product = (dims: readonly number[]) => dims.reduce((x, y) => x * y, 1);
const sameDims = (x: readonly number[], y: readonly number[]) => x.length === y.length && x.every((d, i) => d === y[i]);

/**
 * How op(A) op(B) runs as sgemm calls: the batch and its strides, and the output's shape. Null
 * where the addon does not take it (the previous kernel then does). Exported for the tests.
 */
export function sgemmPlan(
  aShape: readonly number[],
  bShape: readonly number[],
  ta: boolean,
  tb: boolean,
): { batch: number; m: number; n: number; k: number; aStride: number; bStride: number; shape: number[] } | null {
  if (aShape.length < 2 || bShape.length < 2) return null;
  const [m, k] = ta ? [aShape.at(-1)!, aShape.at(-2)!] : [aShape.at(-2)!, aShape.at(-1)!];
  const [kb, n] = tb ? [bShape.at(-1)!, bShape.at(-2)!] : [bShape.at(-2)!, bShape.at(-1)!];
  if (k !== kb || m * n * k === 0) return null;
  const leadA = aShape.slice(0, -2),
    leadB = bShape.slice(0, -2);
  const batchA = product(leadA),
    batchB = product(leadB);
  // Equal batch shapes, or one side a single matrix (all its batch dimensions 1) broadcast over the other's.
  const lead = sameDims(leadA, leadB)
    ? leadA
    : batchB === 1 && leadB.length <= leadA.length
      ? leadA
      : batchA === 1 && leadA.length <= leadB.length
        ? leadB
        : null;
  if (!lead) return null;
  return {
    batch: product(lead),
    m,
    n,
    k,
    aStride: batchA === 1 ? 0 : m * k,
    bStride: batchB === 1 ? 0 : k * n,
    shape: [...lead, m, n],
  };
}

interface ConvAttrs {
  strides?: number | number[];
  pad?: unknown;
  dataFormat?: string;
  dilations?: number | number[];
  activation?: string;
  leakyreluAlpha?: number;
}

const allOnes = (v: number | number[] | undefined) =>
  v === undefined || (Array.isArray(v) ? v.every((x) => x === 1) : v === 1);

/** One stride for both sides (a number, or a pair of equal numbers), or null. */
const evenStride = (v: number | number[] | undefined): number | null => {
  const [sh, sw] = v === undefined ? [1, 1] : Array.isArray(v) ? v : [v, v];
  return Number.isInteger(sh) && sh >= 1 && sh === sw ? sh : null;
};

/**
 * How a convolution runs as the addon's im2col + sgemm: NHWC, the same stride on both sides, no
 * dilation, 'same' or 'valid' padding, as tfjs computes them ('same': ceil(size / stride) pixels
 * out, the smaller half of the padding on top and left). Null otherwise. Exported for the tests.
 */
export function convPlan(x: readonly number[], filter: readonly number[], a: ConvAttrs): ConvGeometry | null {
  const stride = evenStride(a.strides);
  if (
    x.length !== 4 ||
    filter.length !== 4 ||
    stride === null ||
    !allOnes(a.dilations) ||
    (a.dataFormat !== undefined && a.dataFormat !== 'NHWC' && a.dataFormat !== 'channelsLast')
  )
    return null;
  const [n, h, w, c] = x;
  const [fh, fw, fc, f] = filter;
  if (fc !== c) return null;
  const same = a.pad === 'same';
  if (!same && a.pad !== 'valid') return null;
  const out = (size: number, k: number) => (same ? Math.ceil(size / stride) : Math.floor((size - k) / stride) + 1);
  const padBefore = (size: number, k: number, o: number) =>
    same ? Math.floor(Math.max(0, (o - 1) * stride + k - size) / 2) : 0;
  const oh = out(h, fh),
    ow = out(w, fw);
  if (oh < 1 || ow < 1) return null;
  return { n, h, w, c, fh, fw, f, stride, padTop: padBefore(h, fh, oh), padLeft: padBefore(w, fw, ow), oh, ow };
}

/**
 * What the addon adds after a product of `width` columns, as it takes it. Null where it cannot
 * (prelu, an activation it lacks, another bias): the previous kernel then runs.
 */
function epilogue(
  blas: BlasAddon,
  backend: WasmBackend,
  inputs: Record<string, tf.TensorInfo | undefined>,
  attrs: { activation?: string; leakyreluAlpha?: number },
  width: number,
): Epilogue | null {
  const { bias, preluActivationWeights } = inputs;
  const activation = attrs.activation ?? 'linear';
  const biasLength = bias ? product(bias.shape) : 0;
  if (
    !blas.activations.includes(activation) ||
    preluActivationWeights ||
    (bias && (bias.dtype !== 'float32' || (biasLength !== width && biasLength !== 1)))
  )
    return null;
  return {
    biasOffset: bias ? offsetOf(backend, bias) : -1,
    biasLength,
    activation,
    alpha: attrs.leakyreluAlpha ?? 0.2,
  };
}

function nativeConv(blas: BlasAddon, previous: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const inputs = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const { x, filter } = inputs;
    const attrs = args.attrs as ConvAttrs;
    const backend = args.backend as WasmBackend;
    const plan =
      x && filter && x.dtype === 'float32' && filter.dtype === 'float32'
        ? convPlan(x.shape, filter.shape, attrs)
        : null;
    const e = plan ? epilogue(blas, backend, inputs, attrs, plan.f) : null;
    if (!plan || !e || !x || !filter) return previous(args);
    const out = backend.makeOutput([plan.n, plan.oh, plan.ow, plan.f], 'float32');
    // The view is made after the output is allocated: malloc may grow the memory and replace its buffer.
    const heap = new Uint8Array(backendMemory(backend.wasm)!.buffer);
    nativeCalls++;
    blas.conv2d(heap, {
      ...plan,
      xOffset: offsetOf(backend, x),
      wOffset: offsetOf(backend, filter),
      outOffset: offsetOf(backend, out),
      ...e,
    });
    return out;
  };
}

type Shape4 = [number, number, number, number];

/** The geometry of the convolution x [inputShape] * filter [filterShape] whose gradient `name` computes, checked against dy. */
function gradientPlan(
  name: string,
  x: { shape: number[]; dtype: string },
  filterShape: readonly number[],
  dy: tf.TensorInfo,
  a: { strides?: number; pad: 'same' | 'valid' },
): ConvGeometry {
  const plan = convPlan(x.shape, filterShape, { pad: a.pad, strides: a.strides });
  if (
    !plan ||
    x.dtype !== 'float32' ||
    dy.dtype !== 'float32' ||
    !sameDims(dy.shape, [plan.n, plan.oh, plan.ow, plan.f])
  )
    throw new Error(
      `${name}: x [${x.shape}], dy [${dy.shape}], filter [${filterShape}], stride ${a.strides ?? 1}, pad ${a.pad}: expected a float32 NHWC convolution's shapes`,
    );
  return plan;
}

function nativeFilterGrad(blas: BlasAddon): tf.KernelFunc {
  return (args) => {
    const { x, dy } = args.inputs as Record<string, tf.TensorInfo>;
    const a = args.attrs as unknown as { filterShape: Shape4; strides?: number; pad: 'same' | 'valid' };
    const plan = gradientPlan(CONV_FILTER_GRAD, x, a.filterShape, dy, a);
    const backend = args.backend as WasmBackend;
    const out = backend.makeOutput([...a.filterShape], 'float32');
    const heap = new Uint8Array(backendMemory(backend.wasm)!.buffer);
    blas.conv2dFilterGrad(heap, {
      ...plan,
      xOffset: offsetOf(backend, x),
      dyOffset: offsetOf(backend, dy),
      dkOffset: offsetOf(backend, out),
    });
    return out;
  };
}

function nativeInputGrad(blas: BlasAddon): tf.KernelFunc {
  return (args) => {
    const { dy, filter } = args.inputs as Record<string, tf.TensorInfo>;
    const a = args.attrs as unknown as { inputShape: Shape4; strides?: number; pad: 'same' | 'valid' };
    const plan = gradientPlan(CONV_INPUT_GRAD, { shape: a.inputShape, dtype: filter.dtype }, filter.shape, dy, a);
    const backend = args.backend as WasmBackend;
    const out = backend.makeOutput([...a.inputShape], 'float32');
    const heap = new Uint8Array(backendMemory(backend.wasm)!.buffer);
    blas.conv2dInputGrad(heap, {
      ...plan,
      dyOffset: offsetOf(backend, dy),
      wOffset: offsetOf(backend, filter),
      dxOffset: offsetOf(backend, out),
    });
    return out;
  };
}

function nativeKernel(blas: BlasAddon, previous: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const inputs = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const { a, b } = inputs;
    const attrs = args.attrs as MatMulAttrs;
    const backend = args.backend as WasmBackend;
    const transA = Boolean(attrs.transposeA),
      transB = Boolean(attrs.transposeB);
    const plan =
      a && b && a.dtype === 'float32' && b.dtype === 'float32' ? sgemmPlan(a.shape, b.shape, transA, transB) : null;
    const e = plan ? epilogue(blas, backend, inputs, attrs, plan.n) : null;
    if (!plan || !e || !a || !b) return previous(args);
    const out = backend.makeOutput(plan.shape, 'float32');
    // The view is made after the output is allocated: malloc may grow the memory and replace its buffer.
    const heap = new Uint8Array(backendMemory(backend.wasm)!.buffer);
    nativeCalls++;
    blas.sgemm(heap, {
      batch: plan.batch,
      transA,
      transB,
      m: plan.m,
      n: plan.n,
      k: plan.k,
      aOffset: offsetOf(backend, a),
      aStride: plan.aStride,
      bOffset: offsetOf(backend, b),
      bStride: plan.bStride,
      cOffset: offsetOf(backend, out),
      cStride: plan.m * plan.n,
      ...e,
    });
    return out;
  };
}

export const NATIVE_KERNELS = ['BatchMatMul', '_FusedMatMul', 'Conv2D', 'FusedConv2D'] as const;

const OWNER = 'native-matmul';

/** The kernels the addon adds (tfjs has no such kernels): a convolution's gradients, by name. */
const GRADIENT_KERNELS: Record<string, (blas: BlasAddon) => tf.KernelFunc> = {
  [CONV_FILTER_GRAD]: nativeFilterGrad,
  [CONV_INPUT_GRAD]: nativeInputGrad,
};

/**
 * Puts the OpenBLAS kernels in front of the wasm backend's matrix-product kernels (after
 * loadBlas); returns the names installed now. `uninstallNativeMatMul` restores the previous ones.
 */
export function installNativeMatMul(backendName = 'wasm'): string[] {
  const blas = loaded?.addon;
  if (
    !blas ||
    backendName !== 'wasm' ||
    !backendMemory((tf.findBackend(backendName) as unknown as WasmBackend | null)?.wasm)
  )
    return [];
  const done = NATIVE_KERNELS.filter((name) =>
    replaceKernel(OWNER, backendName, name, (previous) =>
      name === 'Conv2D' || name === 'FusedConv2D' ? nativeConv(blas, previous) : nativeKernel(blas, previous),
    ),
  );
  const added = Object.entries(GRADIENT_KERNELS).filter(([name, make]) =>
    addKernel(OWNER, backendName, name, () => make(blas)),
  );
  return [...done, ...added.map(([name]) => name)];
}

export function uninstallNativeMatMul(backendName = 'wasm'): void {
  restoreKernels(OWNER, backendName, [...NATIVE_KERNELS, ...Object.keys(GRADIENT_KERNELS)]);
}
