/**
 * The share of a step that faster elementwise code cannot remove: its matrix products alone.
 * `productsOf` lists the products one step runs (tf.profile: kernel names and shapes, no attributes),
 * `timeProducts` times running only those, with the same shapes, on the current backend. Its
 * operands are made once, so tfjs-wasm's packed copy of each right-hand operand (made the first
 * time a tensor is multiplied from the right, about 5 ns per element, on one thread) is reused:
 * the figure is the products' arithmetic without the repacking that each step's new weights and
 * gradients cost in training.
 *
 * `flopsOf` counts the arithmetic of a step's products and convolutions, and `sgemmRate` measures
 * what this machine's backend multiplies at on a large product: their quotient is the floor no
 * implementation of the step gets under on this machine.
 */
import * as tf from '@tensorflow/tfjs';
import { CONV_FILTER_GRAD, CONV_INPUT_GRAD } from '../model/kernels/intermediates.ts';

export interface Product {
  readonly a: readonly number[];
  readonly b: readonly number[];
  readonly transposeA: boolean;
  readonly transposeB: boolean;
}

const lastTwo = (s: readonly number[]) => s.slice(-2) as [number, number];

/** The transposes that make a [.., ra, ca] times b [.., rb, cb] give out [.., m, n]; null if none does. */
export function transposesFor(
  a: readonly number[],
  b: readonly number[],
  out: readonly number[],
): { transposeA: boolean; transposeB: boolean } | null {
  const [ra, ca] = lastTwo(a),
    [rb, cb] = lastTwo(b),
    [m, n] = lastTwo(out);
  for (const transposeA of [false, true]) {
    for (const transposeB of [false, true]) {
      const [am, ak] = transposeA ? [ca, ra] : [ra, ca];
      const [bk, bn] = transposeB ? [cb, rb] : [rb, cb];
      if (am === m && bn === n && ak === bk) return { transposeA, transposeB };
    }
  }
  return null;
}

const MATMULS = new Set(['BatchMatMul', '_FusedMatMul']);

const size = (shape: readonly number[]) => shape.reduce((x, y) => x * y, 1);

/**
 * Floating-point operations (a multiply and an add each) of one profiled kernel's products: a
 * matrix product's m n k, a convolution's output values times its patch (fh fw c), a filter
 * gradient's dy values times the filter's patch, an input gradient's dy values times the
 * filter's patch; 0 for other kernels. Exported for the tests.
 */
export function flopsOfKernel(name: string, inputs: readonly (readonly number[])[], output: readonly number[]): number {
  if (MATMULS.has(name)) {
    const [a, b] = inputs;
    const flags = transposesFor(a, b, output);
    const k = flags ? (flags.transposeA ? a.at(-2)! : a.at(-1)!) : 0;
    return 2 * size(output) * k;
  }
  if (name === 'Conv2D' || name === 'FusedConv2D') {
    const [fh, fw, c] = inputs[1];
    return 2 * size(output) * fh * fw * c;
  }
  // ganstream's gradient kernels and tfjs's own (tfjs-node runs these): inputs (x, dy) and (dy, filter).
  if (name === CONV_FILTER_GRAD || name === 'Conv2DBackpropFilter')
    return 2 * size(inputs[1]) * size(output.slice(0, 3));
  if (name === CONV_INPUT_GRAD || name === 'Conv2DBackpropInput')
    return 2 * size(inputs[0]) * size(inputs[1].slice(0, 3));
  return 0;
}

/** The floating-point operations of one run of `step`'s products and convolutions. */
export async function flopsOf(step: () => void): Promise<number> {
  const info = await tf.profile(step);
  return info.kernels.reduce((sum, k) => sum + flopsOfKernel(k.name, k.inputShapes, k.outputShapes[0] ?? []), 0);
}

/**
 * GFLOP/s of a 1024 x 1024 x 1024 product on the current backend: the best of `runs` after one
 * warm-up, or the warm-up alone where it took over a quarter of a second (the cpu backend takes
 * seconds per product, and its rate is only a scale there).
 */
export function sgemmRate(runs = 10, now: () => number = () => performance.now()): number {
  const [a, b] = [tf.randomNormal([1024, 1024]), tf.randomNormal([1024, 1024])] as tf.Tensor2D[];
  const time = () => {
    const t0 = now();
    const c = tf.matMul(a, b);
    c.dataSync();
    const ms = now() - t0;
    c.dispose();
    return ms;
  };
  let best = time();
  if (best <= 250) {
    best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < runs; i++) best = Math.min(best, time());
  }
  tf.dispose([a, b]);
  return (2 * 1024 ** 3) / best / 1e6;
}

/** The matrix products `step` runs, in order. */
export async function productsOf(step: () => void): Promise<Product[]> {
  const info = await tf.profile(step);
  return info.kernels
    .filter((k) => MATMULS.has(k.name))
    .map((k) => {
      const [a, b] = k.inputShapes,
        out = k.outputShapes[0];
      const flags = transposesFor(a, b, out);
      if (!flags) throw new Error(`${k.name}: shapes [${a}] x [${b}] -> [${out}] are not a matrix product`);
      return { a: lastTwo(a), b: lastTwo(b), ...flags };
    });
}

/** Milliseconds to run all `products` once, averaged over `steps` runs after `warmup` ones (`now`: the clock, performance.now by default). */
export function timeProducts(
  products: readonly Product[],
  o: { steps: number; warmup: number; now?: () => number },
): number {
  const now = o.now ?? (() => performance.now());
  const operands = products.map((p) => [tf.randomNormal([...p.a]), tf.randomNormal([...p.b])] as const);
  const run = () =>
    operands.forEach(([a, b], i) => {
      tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, products[i].transposeA, products[i].transposeB).dispose();
    });
  for (let i = 0; i < o.warmup; i++) run();
  const t0 = now();
  for (let i = 0; i < o.steps; i++) run();
  const ms = (now() - t0) / o.steps;
  operands.flat().forEach((t) => {
    t.dispose();
  });
  return Math.round(ms * 100) / 100;
}
