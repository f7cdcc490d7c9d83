// The OpenBLAS matrix products (native/ and src/model/kernels/native-matmul.ts) against the wasm
// backend's own kernels: a table of shapes, transposes, batch broadcasting, bias and every fused
// activation; a whole D + G step on both paths; the fallback; clean failures to load.

import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { normals, seeded } from '../src/data/random.ts';
import { ARCHITECTURE_NAMES, ARCHITECTURES } from '../src/model/architectures.ts';
import { selectBackend } from '../src/model/backend.ts';
import { createGan, disposeGan } from '../src/model/gan.ts';
import { CONV_FILTER_GRAD, CONV_INPUT_GRAD } from '../src/model/kernels/intermediates.ts';
import {
  convPlan,
  installNativeMatMul,
  loadBlas,
  nativeCallCount,
  sgemmPlan,
  uninstallNativeMatMul,
} from '../src/model/kernels/native-matmul.ts';
import { dStep, gStep } from '../src/model/steps.ts';

// Before anything loads OpenBLAS: a missing library and a library that is not OpenBLAS are one-line reasons.
const missing = loadBlas('/nonexistent/libopenblas.so.0');
const notOpenBlas = loadBlas('libm.so.6');

const backend = await selectBackend('wasm-blas');
if (E.isLeft(backend))
  throw new Error(`the native path must be active here (.ci/run installs libopenblas0-pthread): ${backend.left}`);

test('loading fails cleanly: a missing library and one that is not OpenBLAS', () => {
  assert.ok(
    E.isLeft(missing) &&
      /^OpenBLAS: cannot open \/nonexistent\/libopenblas\.so\.0 \(.*No such file.*\) \(install Debian's libopenblas0-pthread, or set GANSTREAM_OPENBLAS to its path\)$/.test(
        missing.left,
      ),
    JSON.stringify(missing),
  );
  assert.ok(
    E.isLeft(notOpenBlas) && /^OpenBLAS: libm\.so\.6 is not OpenBLAS \(it lacks cblas_sgemm\)/.test(notOpenBlas.left),
    JSON.stringify(notOpenBlas),
  );
  assert.ok(!/\n/.test((missing as E.Left<string>).left));
});

// (Single-threaded in a process of its own, as tests/bench.test.ts checks; npm test runs every file in one process.)
test('the wasm-blas backend: OpenBLAS named with its threads, both product kernels replaced', () => {
  const info = (
    backend as E.Right<{
      name: string;
      threads: number;
      kernels: readonly string[];
      blas?: { library: string; config: string; threads: number } | null;
    }>
  ).right;
  assert.is(info.name, 'wasm');
  assert.ok(info.blas && /^OpenBLAS \d/.test(info.blas.config) && info.blas.threads >= 1, JSON.stringify(info.blas));
  assert.ok(
    ['BatchMatMul', '_FusedMatMul', 'Conv2D', 'FusedConv2D', CONV_FILTER_GRAD, CONV_INPUT_GRAD].every((k) =>
      info.kernels.includes(`${k} (OpenBLAS)`),
    ),
    info.kernels.join(', '),
  );
});

test("the addon's calls: named fields checked in one place, activations by tfjs's names", () => {
  const { addon } = createRequire(import.meta.url)('ganstream-blas') as {
    addon: { activations: string[]; sgemm: (heap: Uint8Array, call: Record<string, unknown>) => void };
  };
  assert.equal(addon.activations, ['linear', 'relu', 'relu6', 'leakyrelu', 'sigmoid', 'elu']);
  const heap = new Uint8Array(4 * 12);
  new Float32Array(heap.buffer).set([1, 2, 3, 4, 5, 6, -1, 1, 0, 0, 0, 0]);
  // [1 2 3; 4 5 6] (2x3) times [-1 1 0]^T (3x1), into the last two floats, then relu.
  const call = {
    batch: 1,
    transA: false,
    transB: false,
    m: 2,
    n: 1,
    k: 3,
    aOffset: 0,
    aStride: 0,
    bOffset: 24,
    bStride: 0,
    cOffset: 40,
    cStride: 0,
    biasOffset: -1,
    biasLength: 0,
    activation: 'relu',
    alpha: 0,
  };
  addon.sgemm(heap, call);
  assert.equal(Array.from(new Float32Array(heap.buffer, 40, 2)), [1, 1]);
  addon.sgemm(heap, { ...call, activation: 'linear', bOffset: 28 });
  assert.equal(Array.from(new Float32Array(heap.buffer, 40, 2)), [1, 4], 'B is [1 0 0]: the first column of A');
  const { m: _, ...noM } = call;
  assert.throws(() => addon.sgemm(heap, noM), /^sgemm: field 'm' missing or of the wrong kind$/);
  assert.throws(() => addon.sgemm(heap, { ...call, activation: 'gelu' }), /^sgemm: field 'activation' missing/);
  assert.throws(
    () => addon.sgemm(heap, { ...call, cOffset: 44 }),
    /^sgemm: shapes, offsets or strides outside the heap$/,
  );
});

/** Runs `f` on the cpu backend (tfjs's reference kernels), then returns to wasm. */
function onCpu<T>(f: () => T): T {
  tf.setBackend('cpu');
  try {
    return f();
  } finally {
    tf.setBackend('wasm');
  }
}

/** Runs `f` with the OpenBLAS kernels, then with the wasm backend's own; both results. */
function bothPaths<T>(f: () => T): [T, T] {
  const native = f();
  uninstallNativeMatMul();
  try {
    return [native, f()];
  } finally {
    installNativeMatMul();
  }
}

const rng = seeded(31);
const tensor = (shape: number[]) =>
  tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()),
    shape,
  );
const maxRelative = (x: Float32Array, y: Float32Array) => {
  let scale = 1e-6,
    diff = 0;
  for (let i = 0; i < x.length; i++) {
    scale = Math.max(scale, Math.abs(y[i]));
    diff = Math.max(diff, Math.abs(x[i] - y[i]));
  }
  return diff / scale;
};

// [a shape, b shape, transposeA, transposeB]
const SHAPES: [number[], number[], boolean, boolean][] = [
  [[64, 784], [784, 1024], false, false], // a dense layer forward
  [[64, 1024], [784, 1024], false, true], // its input gradient: dy W^T
  [[64, 784], [64, 1024], true, false], // its weight gradient: x^T dy
  [[5, 3], [7, 5], true, true],
  [[1, 1], [1, 1], false, false],
  [[4, 3, 5], [4, 5, 2], false, false], // batched
  [[4, 5, 3], [4, 2, 5], true, true],
  [[4, 3, 5], [1, 5, 2], false, false], // B broadcast over A's batch
  [[1, 3, 5], [6, 5, 2], false, false], // A broadcast over B's batch
  [[2, 3, 3, 5], [5, 4], false, false], // rank 4 against a matrix
  [[129, 257], [257, 131], false, false], // odd sizes
];

test('BatchMatMul: OpenBLAS and the wasm kernel agree within float rounding on every shape, transpose and broadcast', () => {
  for (const [sa, sb, ta, tb] of SHAPES) {
    const a = tensor(sa),
      b = tensor(sb);
    const [native, wasm] = bothPaths(() => tf.tidy(() => tf.matMul(a, b, ta, tb)));
    assert.equal(native.shape, wasm.shape, `${sa} x ${sb}`);
    const error = maxRelative(native.dataSync() as Float32Array, wasm.dataSync() as Float32Array);
    assert.ok(error < 1e-5, `${sa} x ${sb} (${ta}, ${tb}): relative error ${error}`);
    tf.dispose([a, b, native, wasm]);
  }
});

const unfused: Record<string, (x: tf.Tensor, alpha: tf.Tensor) => tf.Tensor> = {
  linear: (x) => x,
  relu: tf.relu,
  relu6: tf.relu6,
  leakyrelu: (x) => tf.leakyRelu(x, 0.15),
  sigmoid: tf.sigmoid,
  elu: tf.elu,
  prelu: tf.prelu,
};

// Against the same computation in separate operations on the wasm backend: its own fused kernel
// adds a one-value bias to the first column only (tfjs-backend-wasm 4.22), which OpenBLAS's does not copy.
test('_FusedMatMul: bias (per column and one value) and every fused activation, as separate operations compute them; prelu falls back', () => {
  const a = tensor([32, 48]),
    b = tensor([48, 24]),
    bias = tensor([24]),
    scalarBias = tensor([1]),
    alpha = tf.fill([24], 0.3);
  for (const activation of ['linear', 'relu', 'relu6', 'leakyrelu', 'sigmoid', 'elu', 'prelu'] as const) {
    for (const [ta, tb] of [
      [false, false],
      [false, true],
      [true, false],
    ] as const) {
      // prelu goes to the wasm kernel, whose one-value bias is wrong (above): that combination is left out.
      for (const withBias of activation === 'prelu' ? [bias, undefined] : [bias, scalarBias, undefined]) {
        const x = ta ? tf.transpose(a) : a,
          y = tb ? tf.transpose(b) : b;
        const calls = nativeCallCount();
        const native = tf.tidy(() =>
          tf.fused.matMul({
            a: x,
            b: y,
            transposeA: ta,
            transposeB: tb,
            bias: withBias,
            activation,
            preluActivationWeights: activation === 'prelu' ? alpha : undefined,
            leakyreluAlpha: 0.15,
          }),
        );
        // OpenBLAS did the product (32 rows, 24 columns: a bias checked against the rows would fall back, same numbers, lost speed); prelu is the wasm kernel's.
        assert.is(
          nativeCallCount() - calls,
          activation === 'prelu' ? 0 : 1,
          `${activation}, bias ${withBias?.shape ?? 'none'}: OpenBLAS calls`,
        );
        const [, reference] = bothPaths(() =>
          tf.tidy(() => {
            const product = tf.matMul(x, y, ta, tb);
            return unfused[activation](withBias ? tf.add(product, withBias) : product, alpha);
          }),
        );
        const error = maxRelative(native.dataSync() as Float32Array, reference.dataSync() as Float32Array);
        assert.ok(
          error < 1e-5,
          `${activation}, transposes ${ta} ${tb}, bias ${withBias?.shape ?? 'none'}: relative error ${error}`,
        );
        tf.dispose([native, reference, ...(x !== a ? [x] : []), ...(y !== b ? [y] : [])]);
      }
    }
  }
  tf.dispose([a, b, bias, scalarBias, alpha]);
});

// [input NHWC, filter HWIO, pad, stride]: dcgan's layers, its kernel gradient (images as channels, a whole image as the filter), odd and even kernels, borders, strides.
const CONVS: [number[], number[], 'same' | 'valid', number][] = [
  [[8, 28, 28, 1], [3, 3, 1, 16], 'same', 1],
  [[8, 14, 14, 16], [3, 3, 16, 32], 'same', 1],
  [[16, 16, 16, 8], [14, 14, 8, 32], 'valid', 1], // a kernel gradient: [c, h + 2p, w + 2p, n] by [h, w, n, f]
  [[3, 5, 7, 2], [5, 5, 2, 3], 'same', 1], // the kernel wider than half the image: patches cut on both sides
  [[2, 6, 6, 3], [2, 2, 3, 4], 'same', 1], // even kernel: tfjs pads less on top and left
  [[2, 4, 4, 1], [4, 4, 1, 2], 'valid', 1],
  [[1, 1, 1, 1], [1, 1, 1, 1], 'same', 1],
  [[16, 28, 28, 1], [3, 3, 1, 32], 'same', 1], // thin, one input channel: the direct loops, on two threads
  [[16, 28, 28, 16], [3, 3, 16, 1], 'same', 1], // thin, one filter
  [[2, 5, 5, 3], [3, 3, 3, 1], 'valid', 1],
  [[8, 28, 28, 1], [3, 3, 1, 16], 'same', 2], // a strided D's layers: even sizes pad one pixel, at the bottom and right
  [[8, 14, 14, 16], [3, 3, 16, 32], 'same', 2],
  [[4, 7, 7, 8], [3, 3, 8, 4], 'same', 2], // odd size: a pixel of padding on each side
  [[3, 9, 11, 2], [5, 5, 2, 3], 'same', 2],
  [[2, 8, 8, 3], [4, 4, 3, 2], 'same', 2], // even kernel
  [[2, 9, 9, 3], [3, 3, 3, 2], 'valid', 2],
  [[2, 10, 10, 3], [3, 3, 3, 2], 'same', 3],
];

test("Conv2D and FusedConv2D by im2col + OpenBLAS: the wasm kernels' results on every shape and padding, with bias and the fused activations", () => {
  for (const [sx, sf, pad, strides] of CONVS) {
    const x = tensor(sx),
      filter = tensor(sf),
      bias = tensor([sf[3]]);
    const calls0 = nativeCallCount();
    const [native, wasm] = bothPaths(() =>
      tf.tidy(() => tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, strides, pad)),
    );
    assert.is(nativeCallCount() - calls0, 1, `${sx} * ${sf} ${pad} stride ${strides}: OpenBLAS ran it`);
    assert.equal(native.shape, wasm.shape, `${sx} * ${sf} ${pad} stride ${strides}`);
    const error = maxRelative(native.dataSync() as Float32Array, wasm.dataSync() as Float32Array);
    assert.ok(error < 1e-5, `${sx} * ${sf} ${pad} stride ${strides}: relative error ${error}`);
    for (const activation of ['linear', 'relu', 'leakyrelu'] as const) {
      const calls = nativeCallCount();
      const [n, w] = bothPaths(() =>
        tf.tidy(() =>
          tf.fused.conv2d({
            x: x as tf.Tensor4D,
            filter: filter as tf.Tensor4D,
            strides,
            pad,
            bias,
            activation,
            leakyreluAlpha: 0.2,
          }),
        ),
      );
      assert.is(
        nativeCallCount() - calls,
        1,
        `fused ${activation}, ${sx} * ${sf} ${pad}: OpenBLAS ran the biased convolution once (the wasm kernel the second time)`,
      );
      const e = maxRelative(n.dataSync() as Float32Array, w.dataSync() as Float32Array);
      assert.ok(e < 1e-5, `fused ${activation}, ${sx} * ${sf} ${pad}: relative error ${e}`);
      tf.dispose([n, w]);
    }
    tf.dispose([x, filter, bias, native, wasm]);
  }
});

test("the gradients by OpenBLAS (filter: patches^T dy; input: dy W^T added back onto the pixels) equal tfjs's automatic gradients", () => {
  for (const [sx, k, f, strides] of [
    [[4, 6, 6, 3], 3, 5, 1],
    [[8, 14, 14, 16], 3, 32, 1],
    [[2, 5, 7, 2], 5, 3, 1],
    [[3, 28, 28, 1], 3, 4, 1],
    [[16, 28, 28, 1], 3, 32, 1], // thin: the direct loops, the second thread's sum added to the first's
    [[16, 28, 28, 16], 3, 1, 1],
    [[8, 28, 28, 1], 3, 16, 2], // a strided D's layers
    [[8, 14, 14, 16], 3, 32, 2],
    [[4, 7, 9, 3], 3, 5, 2], // odd sizes
    [[2, 11, 11, 2], 5, 3, 2],
  ] as [number[], number, number, number][]) {
    const [n, h, w, c] = sx;
    const x = tensor(sx),
      dy = tensor([n, Math.ceil(h / strides), Math.ceil(w / strides), f]),
      filter = tensor([k, k, c, f]);
    const attrs = { strides, pad: 'same' };
    const native = tf.engine().runKernel(CONV_FILTER_GRAD, { x, dy }, {
      ...attrs,
      filterShape: [k, k, c, f],
    } as unknown as tf.NamedAttrMap) as tf.Tensor;
    const nativeInput = tf.engine().runKernel(CONV_INPUT_GRAD, { dy, filter }, {
      ...attrs,
      inputShape: sx,
    } as unknown as tf.NamedAttrMap) as tf.Tensor;
    // tfjs's own gradients on the cpu backend's kernels (the wasm backend has no strided filter gradient).
    const [reference, referenceInput] = onCpu(() => {
      const loss = (xs: tf.Tensor, ws: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv2d(xs as tf.Tensor4D, ws as tf.Tensor4D, strides as 1, 'same'), dy));
      const [gx, gw] = tf.grads(loss)([x, filter]);
      return [gw, gx];
    });
    for (const [got, want, what] of [
      [native, reference, 'filter'],
      [nativeInput, referenceInput, 'input'],
    ] as const) {
      assert.equal(got.shape, want.shape, `${what} gradient's shape`);
      const error = maxRelative(got.dataSync() as Float32Array, want.dataSync() as Float32Array);
      assert.ok(
        error < 1e-5,
        `${sx}, ${k}x${k}, ${f} filters, stride ${strides}: ${what} gradient's relative error ${error}`,
      );
    }
    tf.dispose([x, dy, filter, native, nativeInput, reference, referenceInput]);
  }
  assert.throws(
    () =>
      tf.engine().runKernel(CONV_INPUT_GRAD, { dy: tensor([1, 3, 3, 2]), filter: tensor([3, 3, 1, 2]) }, {
        strides: 2,
        pad: 'same',
        inputShape: [1, 7, 7, 1],
      } as unknown as tf.NamedAttrMap),
    /^GanstreamConv2DInputGrad: x \[1,7,7,1\], dy \[1,3,3,2\], filter \[3,3,1,2\], stride 2, pad same: expected a float32 NHWC convolution's shapes$/,
  );
});

test('the convolution plan: one stride for both sides, no dilation, NHWC; anything else to the previous kernel', () => {
  assert.equal(convPlan([2, 6, 6, 3], [2, 2, 3, 4], { pad: 'same' }), {
    n: 2,
    h: 6,
    w: 6,
    c: 3,
    fh: 2,
    fw: 2,
    f: 4,
    stride: 1,
    padTop: 0,
    padLeft: 0,
    oh: 6,
    ow: 6,
  });
  assert.equal(convPlan([2, 6, 6, 3], [3, 3, 3, 4], { pad: 'valid', strides: [1, 1] }), {
    n: 2,
    h: 6,
    w: 6,
    c: 3,
    fh: 3,
    fw: 3,
    f: 4,
    stride: 1,
    padTop: 0,
    padLeft: 0,
    oh: 4,
    ow: 4,
  });
  // tfjs's 'same' at stride 2: ceil(size / 2) out; 28 pads one pixel (at the bottom), 7 one on each side.
  assert.equal(
    [28, 7].map((size) => convPlan([1, size, size, 1], [3, 3, 1, 1], { pad: 'same', strides: [2, 2] })),
    [28, 7].map((size) => ({
      n: 1,
      h: size,
      w: size,
      c: 1,
      fh: 3,
      fw: 3,
      f: 1,
      stride: 2,
      padTop: size === 28 ? 0 : 1,
      padLeft: size === 28 ? 0 : 1,
      oh: Math.ceil(size / 2),
      ow: Math.ceil(size / 2),
    })),
  );
  // The patches are cut a block at a time, so no size is too large: dcgan-64's D at batch 512 (116 million patch values) once fell through to a throw.
  assert.ok(convPlan([1024, 14, 14, 64], [3, 3, 64, 128], { pad: 'same' }), 'a large convolution is planned');
  assert.is(convPlan([2, 6, 6, 3], [3, 3, 3, 4], { pad: 'same', strides: [2, 1] }), null, 'strides that differ');
  assert.is(convPlan([2, 6, 6, 3], [3, 3, 3, 4], { pad: 'same', dilations: [2, 2] }), null, 'dilated');
  assert.is(convPlan([2, 6, 6, 3], [3, 3, 3, 4], { pad: 1 }), null, 'explicit padding');
  assert.is(convPlan([2, 3, 6, 6], [3, 3, 3, 4], { pad: 'same', dataFormat: 'NCHW' }), null, 'channels first');
  assert.is(convPlan([2, 6, 6, 3], [3, 3, 2, 4], { pad: 'same' }), null, 'channels differ');
});

test('the plan: shapes the addon takes, and the ones left to the previous kernel', () => {
  assert.equal(sgemmPlan([4, 3, 5], [1, 5, 2], false, false), {
    batch: 4,
    m: 3,
    n: 2,
    k: 5,
    aStride: 15,
    bStride: 0,
    shape: [4, 3, 2],
  });
  assert.equal(sgemmPlan([5, 3], [2, 5], true, true), {
    batch: 1,
    m: 3,
    n: 2,
    k: 5,
    aStride: 0,
    bStride: 0,
    shape: [3, 2],
  });
  assert.is(sgemmPlan([2, 3, 5], [3, 5, 2], false, false), null, 'batches 2 and 3 do not broadcast');
  assert.is(sgemmPlan([3, 4], [5, 2], false, false), null, 'inner sizes differ');
  assert.is(sgemmPlan([0, 4], [4, 2], false, false), null, 'empty');
});

test('a whole D + G step of every architecture: the same losses on both paths, and no tensor left behind', () => {
  for (const name of ARCHITECTURE_NAMES) {
    const arch = ARCHITECTURES[name];
    const run = () => {
      const gan = createGan(arch, { pixels: 784, seed: 3, lr: 2e-4, beta1: 0.5, ema: 0.999 });
      const r = seeded(4);
      const real = Float32Array.from({ length: 64 * 784 }, () => r.uniform() * 2 - 1);
      const before = tf.memory().numTensors;
      const out = [1, 2].map((i) => ({
        ...dStep(gan, real, normals(r, 64 * gan.noiseDim), { loss: 'bce', labelSmoothing: 0.1, dropoutSeed: i }),
        ...gStep(gan, normals(r, 64 * gan.noiseDim), { loss: 'bce', labelSmoothing: 0.1, dropoutSeed: i }),
      }));
      assert.is(tf.memory().numTensors, before, `${name}: tensors`);
      disposeGan(gan);
      return out;
    };
    const [native, wasm] = bothPaths(run);
    native.forEach((n, i) => {
      for (const key of ['dLoss', 'gLoss', 'dReal', 'dFake'] as const) {
        const x = n[key],
          y = wasm[i][key];
        assert.ok(
          Math.abs(x - y) <= 1e-4 * Math.max(1, Math.abs(y)),
          `${name} step ${i + 1} ${key}: ${x} native, ${y} wasm`,
        );
      }
    });
  }
});

// npm test runs every file in one process: the files after this one get the wasm kernels back.
test.after(() => uninstallNativeMatMul());

test.run();
