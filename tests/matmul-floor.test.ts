import * as tf from '@tensorflow/tfjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  flopsOf,
  flopsOfKernel,
  productsOf,
  sgemmRate,
  timeProducts,
  transposesFor,
} from '../src/bench/matmul-floor.ts';
import { CONV_FILTER_GRAD, CONV_INPUT_GRAD } from '../src/model/kernels/intermediates.ts';
import { useTestBackend } from './helpers/tf.ts';

await useTestBackend();

test('transposesFor recovers the transposes from the shapes alone', () => {
  assert.equal(transposesFor([3, 5], [5, 7], [3, 7]), { transposeA: false, transposeB: false });
  assert.equal(transposesFor([5, 3], [5, 7], [3, 7]), { transposeA: true, transposeB: false });
  assert.equal(transposesFor([3, 5], [7, 5], [3, 7]), { transposeA: false, transposeB: true });
  assert.equal(transposesFor([1, 5, 3], [1, 7, 5], [1, 3, 7]), { transposeA: true, transposeB: true });
  assert.is(transposesFor([3, 5], [6, 7], [3, 7]), null);
});

test('productsOf lists the products a function runs, and timeProducts runs them without leaking', async () => {
  const x = tf.ones([4, 6]) as tf.Tensor2D,
    w = tf.ones([6, 8]) as tf.Tensor2D;
  const products = await productsOf(() =>
    tf.tidy(() => {
      const y = tf.relu(tf.matMul(x, w));
      tf.matMul(y, w, false, true);
    }),
  );
  assert.equal(products, [
    { a: [4, 6], b: [6, 8], transposeA: false, transposeB: false },
    { a: [4, 8], b: [6, 8], transposeA: false, transposeB: true },
  ]);
  const before = tf.memory().numTensors;
  // A recorded clock: 13 ms pass over the 2 timed runs; the warm-up run is not timed.
  const readings = [100, 113];
  let ms = 0;
  const ran = await tf.profile(() => {
    ms = timeProducts(products, { steps: 2, warmup: 1, now: () => readings.shift()! });
  });
  assert.is(ms, 6.5);
  assert.equal(readings, [], 'the clock is read before and after the timed runs');
  assert.is(
    ran.kernels.filter((k) => k.name === 'BatchMatMul').length,
    3 * products.length,
    'every product, in each of the 3 runs',
  );
  assert.is(tf.memory().numTensors, before);
  tf.dispose([x, w]);
});

test("flopsOf counts a step's products and convolutions (a multiply and an add each), nothing else", async () => {
  // [kernel, first input, second input, output, FLOPs]: products m n k, batched and transposed; convolutions output values times the patch; gradients likewise.
  const cases: [string, number[], number[], number[], number][] = [
    ['BatchMatMul', [3, 5], [5, 7], [3, 7], 2 * 3 * 7 * 5],
    ['_FusedMatMul', [2, 5, 3], [2, 7, 5], [2, 3, 7], 2 * 2 * 3 * 7 * 5],
    ['FusedConv2D', [8, 28, 28, 1], [3, 3, 1, 16], [8, 14, 14, 16], 2 * 8 * 14 * 14 * 16 * 9],
    [CONV_FILTER_GRAD, [8, 14, 14, 16], [8, 7, 7, 32], [3, 3, 16, 32], 2 * 8 * 7 * 7 * 32 * 144],
    [CONV_INPUT_GRAD, [8, 7, 7, 32], [3, 3, 16, 32], [8, 14, 14, 16], 2 * 8 * 7 * 7 * 32 * 144],
    ['Add', [3, 5], [3, 5], [3, 5], 0],
  ];
  for (const [name, a, b, output, flops] of cases) assert.is(flopsOfKernel(name, [a, b], output), flops, name);
  const x = tf.ones([2, 6, 6, 3]) as tf.Tensor4D,
    f = tf.ones([3, 3, 3, 4]) as tf.Tensor4D,
    w = tf.ones([4, 5]) as tf.Tensor2D;
  const flops = await flopsOf(() =>
    tf.tidy(() => {
      const y = tf.relu(tf.conv2d(x, f, 1, 'same'));
      tf.matMul(tf.reshape(y, [72, 4]) as tf.Tensor2D, w);
    }),
  );
  assert.is(flops, 2 * 72 * 4 * 27 + 2 * 72 * 5 * 4);
  tf.dispose([x, f, w]);
});

test("sgemmRate: a 1024^3 product's GFLOP/s, the best of the runs after a warm-up, or the warm-up alone on a slow engine", () => {
  const clock = (readings: number[]) => () => readings.shift()!;
  const flop = 2 * 1024 ** 3;
  // Warm-up 100 ms, then runs of 10 and 20 ms: the best, 10 ms.
  assert.is(sgemmRate(2, clock([0, 100, 100, 110, 110, 130])), flop / 10 / 1e6);
  // A warm-up of a second: that is the measurement, no more products.
  const readings = [0, 1000, 5000];
  assert.is(sgemmRate(2, clock(readings)), flop / 1000 / 1e6);
  assert.equal(readings, [5000], 'one product only');
});

test.run();
