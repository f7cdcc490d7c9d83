import * as tf from '@tensorflow/tfjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { seeded } from '../src/data/random.ts';
import { type AdamSlot, opByOp } from '../src/model/adam.ts';
import { BATCH_NORM_APPLY, BATCH_NORM_BACKWARD } from '../src/model/kernels/batch-norm-passes.ts';
import { FUSED_ADAM } from '../src/model/kernels/fused-adam.ts';
import { LEADING_AXIS_KERNELS, middleView } from '../src/model/kernels/leading-axis-sums.ts';
import { sleb, uleb } from '../src/model/kernels/simd-module.ts';
import { SLOPE_GRAD } from '../src/model/kernels/slope-grad.ts';
import { installUntransposedMatMul } from '../src/model/kernels/untransposed-matmul.ts';
import { useTestBackend } from './helpers/tf.ts';

await useTestBackend();

function naive(
  a: Float32Array,
  b: Float32Array,
  m: number,
  k: number,
  n: number,
  ta: boolean,
  tb: boolean,
): Float32Array {
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
      out[i * n + j] = s;
    }
  return out;
}

const rng = seeded(11);
const rand = (n: number) => Float32Array.from({ length: n }, () => rng.uniform() * 2 - 1);
const maxDiff = (x: Float32Array, y: Float32Array) => x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i])), 0);

test("the wasm matmul kernels are ganstream's (installed once)", () => {
  assert.is(tf.getBackend(), 'wasm');
  assert.equal(installUntransposedMatMul('wasm'), [], 'already installed by selectBackend');
});

for (const [ta, tb] of [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const) {
  test(`matMul transposeA=${ta} transposeB=${tb} equals the naive product`, () => {
    const [m, k, n] = [13, 37, 7];
    const a = rand(m * k),
      b = rand(k * n);
    const got = tf.tidy(
      () =>
        tf
          .matMul(tf.tensor2d(a, ta ? [k, m] : [m, k]), tf.tensor2d(b, tb ? [n, k] : [k, n]), ta, tb)
          .dataSync() as Float32Array,
    );
    assert.ok(maxDiff(got, naive(a, b, m, k, n, ta, tb)) < 1e-4);
  });
}

test('fused matMul with bias and transposes, and batched matMul, equal the naive product', () => {
  const [m, k, n] = [9, 21, 5];
  const a = rand(m * k),
    b = rand(k * n),
    bias = rand(n);
  const got = tf.tidy(
    () =>
      tf.fused
        .matMul({
          a: tf.tensor2d(a, [k, m]),
          b: tf.tensor2d(b, [n, k]),
          transposeA: true,
          transposeB: true,
          bias: tf.tensor1d(bias),
        })
        .dataSync() as Float32Array,
  );
  const want = naive(a, b, m, k, n, true, true).map((v, i) => v + bias[i % n]);
  assert.ok(maxDiff(got, want) < 1e-4);
  const a3 = rand(2 * m * k),
    b3 = rand(2 * k * n);
  const got3 = tf.tidy(
    () => tf.matMul(tf.tensor3d(a3, [2, k, m]), tf.tensor3d(b3, [2, k, n]), true, false).dataSync() as Float32Array,
  );
  for (let i = 0; i < 2; i++) {
    const want3 = naive(
      a3.subarray(i * m * k, (i + 1) * m * k),
      b3.subarray(i * k * n, (i + 1) * k * n),
      m,
      k,
      n,
      true,
      false,
    );
    assert.ok(maxDiff(got3.subarray(i * m * n, (i + 1) * m * n), want3) < 1e-4);
  }
});

test('gradients through the kernels match the analytic ones and leak nothing', () => {
  const before = tf.memory().numTensors;
  const [m, k, n] = [6, 10, 4];
  const x = rand(m * k),
    w = rand(k * n);
  const [gx, gw] = tf.tidy(() => {
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D)));
    return g([tf.tensor2d(x, [m, k]), tf.tensor2d(w, [k, n])]).map((t) => t.dataSync() as Float32Array);
  });
  // d/dx sum(xW) = 1 W^T: each row is the row sums of W; d/dW = x^T 1: each column the column sums of x.
  for (let i = 0; i < m; i++)
    for (let p = 0; p < k; p++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += w[p * n + j];
      assert.ok(Math.abs(gx[i * k + p] - s) < 1e-4);
    }
  for (let p = 0; p < k; p++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += x[i * k + p];
      assert.ok(Math.abs(gw[p * n + j] - s) < 1e-4);
    }
  assert.is(tf.memory().numTensors, before);
});

for (const [strides, pad] of [
  [1, 'valid'],
  [1, 'same'],
] as const) {
  test(`conv2d filter gradient on wasm (strides ${strides}, ${pad}) equals the cpu backend's`, async () => {
    const xv = rand(2 * 9 * 8 * 3),
      fv = rand(3 * 3 * 3 * 4);
    const gradOn = async (backend: string) => {
      await tf.setBackend(backend);
      const x = tf.tensor4d(xv, [2, 9, 8, 3]);
      const f = tf.tensor4d(fv, [3, 3, 3, 4]);
      const g = tf.grad((w: tf.Tensor) =>
        tf
          .conv2d(x, w as tf.Tensor4D, strides, pad)
          .square()
          .sum(),
      )(f);
      const out = Float32Array.from(g.dataSync());
      tf.dispose([x, f, g]);
      return out;
    };
    const onCpu = await gradOn('cpu');
    const onWasm = await gradOn('wasm');
    assert.ok(maxDiff(onWasm, onCpu) < 1e-3, `max difference ${maxDiff(onWasm, onCpu)}`);
    assert.ok(
      onCpu.some((v) => Math.abs(v) > 0.1),
      'a gradient worth comparing',
    );
  });
}

test('conv2d filter gradient on wasm with strides 2: a clear error, not a wrong result', () => {
  const x = tf.ones([1, 6, 6, 1]) as tf.Tensor4D;
  const f = tf.ones([3, 3, 1, 1]);
  assert.throws(
    () => tf.grad((w: tf.Tensor) => tf.conv2d(x, w as tf.Tensor4D, 2, 'valid').sum())(f),
    /strides 2x2, expected 1x1/,
  );
  tf.dispose([x, f]);
});

test('tanh on wasm (2 sigmoid(2x) - 1) equals Math.tanh, saturation included', () => {
  const before = tf.memory().numTensors;
  const xv = Float32Array.from([...rand(200).map((v) => v * 6), 0, -0, 30, -30, 1e-6, -1e-6]);
  const got = tf.tidy(() => tf.tanh(tf.tensor1d(xv)).dataSync() as Float32Array);
  xv.forEach((v, i) => {
    assert.ok(Math.abs(got[i] - Math.tanh(v)) < 3e-7, `tanh(${v}) = ${got[i]}, expected ${Math.tanh(v)}`);
  });
  assert.is(tf.memory().numTensors, before);
});

test('uleb / sleb128 encode known values (the wasm module assembler)', () => {
  assert.equal(uleb(0), [0]);
  assert.equal(uleb(127), [0x7f]);
  assert.equal(uleb(128), [0x80, 0x01]);
  assert.equal(uleb(65536), [0x80, 0x80, 0x04]);
  assert.equal(sleb(16), [16]);
  assert.equal(sleb(64), [0xc0, 0x00]);
  assert.equal(sleb(-1), [0x7f]);
  assert.equal(sleb(-129), [0xff, 0x7e]);
});

test('fused Adam on wasm: installed, and the same numbers as the op-by-op update (every size, tails of 1-3 values included), nothing leaked', () => {
  assert.ok(tf.getKernel(FUSED_ADAM, 'wasm'), 'registered by selectBackend (WebAssembly SIMD assembled and validated)');
  const attrs = {
    beta1: 0.5,
    beta2: 0.999,
    stepSize: 2e-4 / (1 - 0.5 ** 3),
    secondCorrection: 1 / (1 - 0.999 ** 3),
    epsilon: 1e-8,
  };
  for (const n of [1, 2, 3, 4, 5, 7, 64, 1001, 131075]) {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const g = tf.tensor1d(rand(n));
      const slot = {
        m: tf.mul(tf.tensor1d(rand(n)), 0.1),
        v: tf.mul(tf.square(tf.tensor1d(rand(n))), 0.01),
        variable: tf.tensor1d(rand(n)),
      };
      const fused = tf
        .engine()
        .runKernel(FUSED_ADAM, { g, m: slot.m, v: slot.v, w: slot.variable }, { ...attrs }) as tf.Tensor[];
      const reference = opByOp(slot as unknown as AdamSlot, g, attrs);
      ['m', 'v', 'w'].forEach((what, i) => {
        const [a, b] = [fused[i].dataSync() as Float32Array, reference[i].dataSync() as Float32Array];
        assert.is(maxDiff(a, b), 0, `${what}, ${n} values`);
      });
      // The update moved every weight (a kernel that wrote nothing would leave zeros, not w).
      assert.ok(maxDiff(fused[2].dataSync() as Float32Array, slot.variable.dataSync() as Float32Array) > 0);
    });
    assert.is(tf.memory().numTensors, before);
  }
});

test("a (leaky) ReLU's backward in one pass on wasm: bit for bit Step then Multiply (every size, tails of 1-3 values), nothing leaked", () => {
  assert.ok(tf.getKernel(SLOPE_GRAD, 'wasm'), 'registered by selectBackend (WebAssembly SIMD assembled and validated)');
  const rng = seeded(8);
  for (const n of [1, 3, 4, 7, 64, 1001]) {
    for (const slope of [0, 0.2]) {
      const values = (k: number) => Float32Array.from({ length: k }, () => rng.normal());
      const y = values(n);
      y[0] = 0; // Exactly 0 takes the slope, as Step does.
      const [dyT, yT] = [tf.tensor1d(values(n)), tf.tensor1d(y)];
      const before = tf.memory().numTensors;
      const fused = tf.engine().runKernel(SLOPE_GRAD, { dy: dyT, y: yT }, { slope }) as tf.Tensor;
      const ops = tf.tidy(() => tf.mul(dyT, tf.step(yT, slope)));
      const [a, b] = [fused.dataSync(), ops.dataSync()];
      assert.is(
        a.findIndex((v, i) => !Object.is(v, b[i])),
        -1,
        `${n} values, slope ${slope}: the same numbers`,
      );
      tf.dispose([fused, ops]);
      assert.is(tf.memory().numTensors, before, 'nothing leaked');
      tf.dispose([dyT, yT]);
    }
  }
  assert.throws(
    () => tf.engine().runKernel(SLOPE_GRAD, { dy: tf.ones([3]), y: tf.ones([4]) }, { slope: 0.2 }),
    /^GanstreamSlopeGrad: dy float32 \[3\] and y float32 \[4\], expected float32 of one shape$/,
  );
});

test('fused Adam refuses mismatched inputs with a clear error', () => {
  tf.tidy(() => {
    const attrs = { beta1: 0.5, beta2: 0.999, stepSize: 1e-3, secondCorrection: 1, epsilon: 1e-8 };
    const [a, b] = [tf.zeros([4]), tf.zeros([5])];
    assert.throws(
      () => tf.engine().runKernel(FUSED_ADAM, { g: b, m: a, v: a, w: a }, attrs),
      /GanstreamAdam: inputs of dtype float32 and shape \[5\], expected float32 \[4\]/,
    );
  });
});

test('middleView: [outer, reduced, inner] for one run of adjacent axes short of the last; null otherwise', () => {
  assert.equal(middleView([256, 1024], 0), [1, 256, 1024]);
  assert.equal(middleView([2, 128, 512], [1]), [2, 128, 512]);
  assert.equal(middleView([2, 128, 512], [0, 1]), [1, 256, 512]);
  assert.equal(middleView([2, 3, 4, 5], [-3, -2]), [2, 12, 5]);
  assert.is(middleView([2, 128, 512], [2]), null, 'innermost: the backend does it without a transpose');
  assert.is(middleView([2, 128, 512], [0, 2]), null, 'not adjacent');
  assert.is(middleView([2, 128, 512], []), null);
  assert.is(middleView([2, 128, 512], null), null, 'null: every axis');
});

test('sums and means over leading and middle axes on wasm: the same numbers as the backend reducing the innermost axes', () => {
  assert.ok(LEADING_AXIS_KERNELS.every((k) => tf.getKernel(k, 'wasm')));
  const cases: [number[], number[]][] = [
    [[256, 1024], [0]],
    [[256, 1], [0]],
    [[7, 3], [0]],
    [[2, 128, 515], [1]],
    [
      [2, 64, 12],
      [0, 1],
    ],
    [
      [3, 5, 6, 9],
      [1, 2],
    ],
    [[6272, 16], [0]],
  ];
  for (const [shape, axes] of cases) {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const x = tf.tensor(rand(shape.reduce((a, b) => a * b, 1)), shape);
      // Moving the reduced axes last sends the same reduction down the backend's own path.
      const rest = shape.map((_, i) => i).filter((i) => !axes.includes(i));
      const moved = tf.transpose(x, [...rest, ...axes]);
      const innermost = axes.map((_, i) => rest.length + i);
      for (const [name, ours, theirs] of [
        ['sum', tf.sum(x, axes), tf.sum(moved, innermost)],
        ['mean', tf.mean(x, axes), tf.mean(moved, innermost)],
      ] as const) {
        assert.equal(ours.shape, theirs.shape, `${name} [${shape}] over ${axes}`);
        assert.is(
          maxDiff(ours.dataSync() as Float32Array, theirs.dataSync() as Float32Array),
          0,
          `${name} [${shape}] over ${axes}`,
        );
      }
      assert.equal(
        tf.sum(x, axes, true).shape,
        shape.map((d, i) => (axes.includes(i) ? 1 : d)),
        'keepDims',
      );
    });
    assert.is(tf.memory().numTensors, before);
  }
});

test('fused BatchNorm passes on wasm: the same numbers as the tfjs operations (features not a multiple of 4 included), nothing leaked', () => {
  assert.ok(tf.getKernel(BATCH_NORM_APPLY, 'wasm') && tf.getKernel(BATCH_NORM_BACKWARD, 'wasm'));
  for (const [groups, rows, features] of [
    [2, 128, 1024],
    [1, 8, 3],
    [2, 5, 7],
    [1, 3136, 16],
  ]) {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const t = (shape: number[]) => tf.tensor(rand(shape.reduce((a, b) => a * b, 1)), shape);
      const [x, d] = [t([groups, rows, features]), t([groups, rows, features])];
      const [mean, invStd, meanD, meanDN, scale] = Array.from({ length: 5 }, () => t([groups, 1, features]));
      const [gamma, beta] = [t([features]), t([features])];
      const [normalized, out] = tf
        .engine()
        .runKernel(BATCH_NORM_APPLY, { x, mean, invStd, gamma, beta }) as tf.Tensor[];
      const refNormalized = tf.mul(tf.sub(x, mean), invStd);
      const same = (a: tf.Tensor, b: tf.Tensor, what: string) =>
        assert.is(
          maxDiff(a.dataSync() as Float32Array, b.dataSync() as Float32Array),
          0,
          `${what} [${groups}, ${rows}, ${features}]`,
        );
      same(normalized, refNormalized, 'normalized');
      same(out, tf.add(tf.mul(refNormalized, gamma), beta), 'out');
      const dx = tf.engine().runKernel(BATCH_NORM_BACKWARD, { d, normalized, meanD, meanDN, scale }) as tf.Tensor;
      same(dx, tf.mul(tf.sub(tf.sub(d, meanD), tf.mul(normalized, meanDN)), scale), 'dx');
    });
    assert.is(tf.memory().numTensors, before);
  }
  tf.tidy(() => {
    const [a, b] = [tf.zeros([1, 4, 4]), tf.zeros([1, 1, 5])];
    assert.throws(
      () =>
        tf
          .engine()
          .runKernel(BATCH_NORM_APPLY, { x: a, mean: b, invStd: b, gamma: tf.zeros([4]), beta: tf.zeros([4]) }),
      /GanstreamBatchNormApply: inputs float32\[1,4,4\], float32\[1,1,5\]/,
    );
  });
});

test('autodiff runs through the fused BatchNorm kernel: its gradient equals that of the tfjs operations', () => {
  tf.tidy(() => {
    const t = (shape: number[]) => tf.tensor(rand(shape.reduce((a, b) => a * b, 1)), shape);
    const [x, mean, invStd, gamma, beta] = [t([2, 6, 5]), t([2, 1, 5]), t([2, 1, 5]), t([5]), t([5])];
    const [w1, w2] = [t([2, 6, 5]), t([2, 6, 5])];
    const loss =
      (f: (...a: tf.Tensor[]) => tf.Tensor[]) =>
      (...a: tf.Tensor[]) => {
        const [n, o] = f(...a);
        return tf.add(tf.sum(tf.mul(n, w1)), tf.sum(tf.mul(o, w2))) as tf.Scalar;
      };
    const fused = tf.grads(
      loss(
        (...a) =>
          tf
            .engine()
            .runKernel(BATCH_NORM_APPLY, { x: a[0], mean: a[1], invStd: a[2], gamma: a[3], beta: a[4] }) as tf.Tensor[],
      ),
    );
    const plain = tf.grads(
      loss((xx, m, s, g, b) => {
        const n = tf.mul(tf.sub(xx, m), s);
        return [n, tf.add(tf.mul(n, g), b)];
      }),
    );
    const [ours, theirs] = [fused([x, mean, invStd, gamma, beta]), plain([x, mean, invStd, gamma, beta])];
    ours.forEach((g, i) => {
      assert.ok(maxDiff(g.dataSync() as Float32Array, theirs[i].dataSync() as Float32Array) < 1e-5, `input ${i}`);
    });
  });
});

test.run();
