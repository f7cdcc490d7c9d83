/**
 * Nearest neighbours by Euclidean distance, exact: each query against every point of a set (the
 * 60,000 training digits, or their classifier features). The distances are screened in chunks by
 * one matrix product each (|q|^2 + |p|^2 - 2 q.p, on whatever tfjs backend is active), and the
 * candidates' distances then computed again directly, so that a copy of a training image has
 * distance 0 (to float rounding), not the expansion's float32 cancellation error. TensorFlow.js
 * only: the scripts and the studio's server share it.
 */
import * as tf from '@tensorflow/tfjs';

/** `count` points of `dim` values, each value read as `value * scale`. */
export interface PointSet {
  readonly values: Uint8Array | Float32Array;
  readonly count: number;
  readonly dim: number;
  readonly scale: number;
}

export interface Neighbour {
  readonly index: number;
  readonly distance: number;
}

/** Images as grey levels 0-255, measured in intensities 0-1: the distance between black and white images of 784 pixels is 28. */
export const pixelSet = (grey: Uint8Array, count: number, dim: number): PointSet => ({
  values: grey,
  count,
  dim,
  scale: 1 / 255,
});

/** Images in [-1, 1] (a generator's output) in the units of pixelSet. */
export const asIntensities = (images: Float32Array): Float32Array => Float32Array.from(images, (x) => (x + 1) / 2);

function chunkOf(set: PointSet, from: number, to: number): Float32Array {
  const out = new Float32Array((to - from) * set.dim);
  const v = set.values.subarray(from * set.dim, to * set.dim);
  for (let i = 0; i < out.length; i++) out[i] = v[i] * set.scale;
  return out;
}

function exactDistance(queries: Float32Array, q: number, set: PointSet, index: number): number {
  let sum = 0;
  const at = q * set.dim;
  const p = index * set.dim;
  for (let j = 0; j < set.dim; j++) {
    const d = queries[at + j] - set.values[p + j] * set.scale;
    sum += d * d;
  }
  return Math.sqrt(sum);
}

/** The k nearest points of `set` to each of `queryCount` queries ([queryCount * dim], in the set's units), nearest first. */
export function nearest(
  queries: Float32Array,
  queryCount: number,
  set: PointSet,
  k: number,
  chunk = 8192,
): Neighbour[][] {
  if (queries.length !== queryCount * set.dim)
    throw new RangeError(`nearest: ${queries.length} query values, expected ${queryCount} x ${set.dim}`);
  const keep = Math.min(set.count, k + 4);
  const candidates: Set<number>[] = Array.from({ length: queryCount }, () => new Set());
  const q = tf.tensor2d(queries, [queryCount, set.dim]);
  const qNorms = tf.tidy(() => q.square().sum(1, true));
  try {
    for (let from = 0; from < set.count; from += chunk) {
      const to = Math.min(set.count, from + chunk);
      const top = tf.tidy(() => {
        const p = tf.tensor2d(chunkOf(set, from, to), [to - from, set.dim]);
        const squared = qNorms.add(p.square().sum(1).reshape([1, -1])).sub(tf.matMul(q, p, false, true).mul(2));
        return tf.topk(squared.neg(), Math.min(keep, to - from)).indices.arraySync() as number[][];
      });
      top.forEach((row, i) => {
        for (const j of row) candidates[i].add(from + j);
      });
    }
  } finally {
    q.dispose();
    qNorms.dispose();
  }
  return candidates.map((found, i) =>
    [...found]
      .map((index) => ({ index, distance: exactDistance(queries, i, set, index) }))
      .sort((a, b) => a.distance - b.distance || a.index - b.index)
      .slice(0, k),
  );
}

/** Each query's distance to its nearest point of `set`. */
export function nearestDistances(queries: Float32Array, queryCount: number, set: PointSet): Float32Array {
  return Float32Array.from(nearest(queries, queryCount, set, 1), (n) => n[0].distance);
}
