/**
 * Sample-quality metrics from a classifier's features and class probabilities: pure functions of
 * typed arrays (the distance matrices go through tfjs in blocks, the matrix square root through
 * ml-matrix's symmetric eigendecomposition).
 */
import * as tf from '@tensorflow/tfjs';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { valuesOf } from '../model/values.ts';

/** Mean and covariance (divided by n - 1) of n rows of d features. */
export function moments(features: Float32Array, n: number, d: number): { mean: Float64Array; cov: Matrix } {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += features[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  const cov = new Matrix(d, d);
  const centred = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) centred[j] = features[i * d + j] - mean[j];
    for (let a = 0; a < d; a++) {
      const ca = centred[a];
      if (ca === 0) continue;
      for (let b = a; b < d; b++) cov.set(a, b, cov.get(a, b) + ca * centred[b]);
    }
  }
  const denominator = Math.max(1, n - 1);
  for (let a = 0; a < d; a++)
    for (let b = a; b < d; b++) {
      const v = cov.get(a, b) / denominator;
      cov.set(a, b, v);
      cov.set(b, a, v);
    }
  return { mean, cov };
}

/** The symmetric square root of a symmetric positive semi-definite matrix (negative eigenvalues from rounding count as 0). */
function sqrtSymmetric(m: Matrix): Matrix {
  const e = new EigenvalueDecomposition(m, { assumeSymmetric: true });
  const v = e.eigenvectorMatrix;
  const roots = e.realEigenvalues.map((l) => Math.sqrt(Math.max(0, l)));
  return v.mmul(Matrix.diag(roots)).mmul(v.transpose());
}

/**
 * Fréchet distance between Gaussians fitted to two feature sets:
 * |mu1 - mu2|^2 + tr(S1 + S2 - 2 (S1 S2)^(1/2)). tr((S1 S2)^(1/2)) is computed as the sum of the
 * square roots of the eigenvalues of the symmetric S1^(1/2) S2 S1^(1/2), which has the same ones.
 */
export function frechetDistance(
  a: { mean: Float64Array; cov: Matrix },
  b: { mean: Float64Array; cov: Matrix },
): number {
  let meanTerm = 0;
  for (let j = 0; j < a.mean.length; j++) meanTerm += (a.mean[j] - b.mean[j]) ** 2;
  const root = sqrtSymmetric(a.cov);
  const inner = root.mmul(b.cov).mmul(root);
  const symmetric = inner.add(inner.transpose()).div(2);
  const crossTrace = new EigenvalueDecomposition(symmetric, { assumeSymmetric: true }).realEigenvalues.reduce(
    (s, l) => s + Math.sqrt(Math.max(0, l)),
    0,
  );
  return Math.max(0, meanTerm + a.cov.trace() + b.cov.trace() - 2 * crossTrace);
}

/** The Inception-Score formula with our classifier: exp(E_x KL(p(y|x) || p(y))); 1 to `classes`. */
export function classifierScore(probs: Float32Array, n: number, classes: number): number {
  const marginal = new Float64Array(classes);
  for (let i = 0; i < n; i++) for (let c = 0; c < classes; c++) marginal[c] += probs[i * classes + c] / n;
  let kl = 0;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < classes; c++) {
      const p = probs[i * classes + c];
      if (p > 0 && marginal[c] > 0) kl += p * Math.log(p / marginal[c]);
    }
  }
  return Math.exp(kl / n);
}

export interface Coverage {
  /** Samples predicted as each class. */
  readonly histogram: number[];
  /** Classes holding at least half of their uniform share (n / classes / 2). */
  readonly covered: number;
  /** KL divergence of the predicted-class distribution from uniform (0: perfectly even; ln 10 = 2.30: one class). */
  readonly klFromUniform: number;
  /** The most predicted class's share of the samples. */
  readonly topShare: number;
}

export function argmaxes(probs: Float32Array, n: number, classes: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (probs[i * classes + c] > probs[i * classes + best]) best = c;
    out[i] = best;
  }
  return out;
}

export function coverage(probs: Float32Array, n: number, classes: number): Coverage {
  const histogram = new Array<number>(classes).fill(0);
  for (const c of argmaxes(probs, n, classes)) histogram[c]++;
  const covered = histogram.filter((h) => h >= n / classes / 2).length;
  let kl = 0;
  for (const h of histogram) if (h > 0) kl += (h / n) * Math.log((h / n) * classes);
  return { histogram, covered, klFromUniform: kl, topShare: Math.max(...histogram) / n };
}

/** Share of samples the classifier puts in one class with probability at least `threshold`. */
export function recognisable(probs: Float32Array, n: number, classes: number, threshold = 0.9): number {
  let sure = 0;
  for (let i = 0; i < n; i++) {
    let top = 0;
    for (let c = 0; c < classes; c++) top = Math.max(top, probs[i * classes + c]);
    if (top >= threshold) sure++;
  }
  return n === 0 ? 0 : sure / n;
}

/** For each row of `queries`, its smallest squared distance to the rows of `points` measured by `visit`. */
function blockedDistances(
  queries: Float32Array,
  nq: number,
  points: Float32Array,
  np: number,
  d: number,
  visit: (row: Float32Array, q: number) => void,
): void {
  const block = 256;
  const p = tf.tensor2d(points, [np, d]);
  const pNorms = tf.tidy(() => p.square().sum(1));
  try {
    for (let start = 0; start < nq; start += block) {
      const m = Math.min(block, nq - start);
      const rows = valuesOf(() => {
        const q = tf.tensor2d(queries.subarray(start * d, (start + m) * d), [m, d]);
        // |q - p|^2 = |q|^2 + |p|^2 - 2 q.p, clamped at 0 against rounding.
        return q
          .square()
          .sum(1, true)
          .add(pNorms)
          .sub(tf.matMul(q, p, false, true).mul(2))
          .relu();
      });
      for (let i = 0; i < m; i++) visit(rows.subarray(i * np, (i + 1) * np), start + i);
    }
  } finally {
    tf.dispose([p, pNorms]);
  }
}

/** Squared distance from each point to its k-th nearest other point of the same set. */
export function kthNeighbourRadii(points: Float32Array, n: number, d: number, k: number): Float32Array {
  const radii = new Float32Array(n);
  const nearest = new Float32Array(k + 1);
  blockedDistances(points, n, points, n, d, (row, q) => {
    nearest.fill(Infinity);
    for (let j = 0; j < n; j++) {
      const v = row[j];
      if (v >= nearest[k]) continue;
      let at = k;
      while (at > 0 && nearest[at - 1] > v) {
        nearest[at] = nearest[at - 1];
        at--;
      }
      nearest[at] = v;
    }
    radii[q] = nearest[k]; // nearest[0] is the point itself (distance 0)
  });
  return radii;
}

/**
 * Share of `queries` inside at least one ball (point, radius) of the other set. Only queries and
 * points that are `kept` take part (a query left out counts as outside; a point left out has no ball).
 */
function shareInsideManifold(
  queries: Float32Array,
  nq: number,
  points: Float32Array,
  radii: Float32Array,
  np: number,
  d: number,
  kept: Kept,
): number {
  let inside = 0;
  blockedDistances(queries, nq, points, np, d, (row, q) => {
    if (!kept.queries(q)) return;
    for (let j = 0; j < np; j++)
      if (row[j] <= radii[j] && kept.points(j)) {
        inside++;
        return;
      }
  });
  return nq === 0 ? 0 : inside / nq;
}

interface Kept {
  readonly queries: (i: number) => boolean;
  readonly points: (j: number) => boolean;
}

/** Which images of each set an evaluator with a reject option accepts (1) or calls no digit (0). */
export interface Accepted {
  readonly real: Uint8Array;
  readonly fake: Uint8Array;
}

/**
 * Improved precision and recall (Kynkäänniemi et al. 2019): each set's manifold is the union of
 * balls reaching each point's k-th nearest neighbour. Precision: share of generated samples inside
 * the real manifold; recall: share of real samples inside the generated one.
 *
 * With `accepted`, an image the classifier rejects is in neither manifold: it has no ball and is
 * never inside one (its neighbours still set the radii: they measure each set's density). Without
 * it, a cluster of non-digits that falls into the ball of one unusual real digit (whose k-th
 * neighbour is far, so its ball is wide) counts as precise.
 */
export function precisionRecall(
  real: Float32Array,
  nReal: number,
  fake: Float32Array,
  nFake: number,
  d: number,
  k = 3,
  accepted?: Accepted,
): { precision: number; recall: number } {
  const realRadii = kthNeighbourRadii(real, nReal, d, k);
  const fakeRadii = kthNeighbourRadii(fake, nFake, d, k);
  const all = () => true;
  const realKept = accepted ? (i: number) => accepted.real[i] === 1 : all;
  const fakeKept = accepted ? (i: number) => accepted.fake[i] === 1 : all;
  return {
    precision: shareInsideManifold(fake, nFake, real, realRadii, nReal, d, { queries: fakeKept, points: realKept }),
    recall: shareInsideManifold(real, nReal, fake, fakeRadii, nFake, d, { queries: realKept, points: fakeKept }),
  };
}

/**
 * 1 for each image whose most probable class is a digit, 0 where the classifier's reject class
 * (the probability the ten class probabilities leave over, 1 - their sum) outweighs every digit.
 * A classifier without a reject class accepts every image.
 */
export function acceptedImages(probs: Float32Array, n: number, classes: number): Uint8Array {
  const accepted = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let top = 0,
      sum = 0;
    for (let c = 0; c < classes; c++) {
      const p = probs[i * classes + c];
      top = Math.max(top, p);
      sum += p;
    }
    accepted[i] = 1 - sum > top ? 0 : 1;
  }
  return accepted;
}
