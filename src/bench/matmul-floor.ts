/**
 * The share of a step that faster elementwise code cannot remove: its matrix products alone.
 * `productsOf` lists the products one step runs (tf.profile: kernel names and shapes, no attributes),
 * `timeProducts` times running only those, with the same shapes, on the current backend. Its
 * operands are made once, so tfjs-wasm's packed copy of each right-hand operand (made the first
 * time a tensor is multiplied from the right, about 5 ns per element, on one thread) is reused:
 * the figure is the products' arithmetic without the repacking that each step's new weights and
 * gradients cost in training.
 */
import * as tf from '@tensorflow/tfjs';

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
