/**
 * The quality of a set of images, judged against held-out real images by the classifier: Fréchet
 * distance of features, classifier score, class coverage, recognisability, precision and recall.
 */
import type { Matrix } from 'ml-matrix';
import { type Classifier, classify, FEATURES } from './classify.ts';
import {
  acceptedImages,
  argmaxes,
  type Coverage,
  classifierScore,
  coverage,
  frechetDistance,
  moments,
  precisionRecall,
  recognisable,
} from './metrics.ts';

/** The real side of every comparison, computed once. */
export interface Reference {
  readonly n: number;
  readonly features: Float32Array;
  readonly moments: { mean: Float64Array; cov: Matrix };
  /** 1 for each real image the classifier takes for a digit (its reject class does not win). */
  readonly accepted: Uint8Array;
}

export function reference(c: Classifier, images: Float32Array, n: number): Reference {
  const { features, probs } = classify(c, images, n);
  return {
    n,
    features,
    moments: moments(features, n, FEATURES),
    accepted: acceptedImages(probs, n, c.shape.classes),
  };
}

export interface Quality {
  readonly samples: number;
  readonly realSamples: number;
  /** Fréchet distance in the classifier's feature space (0: same distribution). */
  readonly fid: number;
  /** exp(E KL(p(y|x) || p(y))), 1 to 10. */
  readonly classifierScore: number;
  readonly coverage: Coverage;
  /** Share of samples classified with confidence >= 0.9. */
  readonly recognisable: number;
  /**
   * Over the first min(samples, realSamples) samples: the share the classifier takes for digits
   * and that lie inside the real digits' manifold (metrics.ts, precisionRecall).
   */
  readonly precision: number;
  readonly recall: number;
  /** Conditional samples: the share the classifier puts in the class each was drawn as, overall and by class. */
  readonly intended?: number;
  readonly intendedByClass?: number[];
  /** Conditional samples against a labelled reference: FID of each class's samples against that class's real images. */
  readonly fidByClass?: number[];
}

export interface QualityOptions {
  /** Skip precision and recall (k-NN over all pairs): for quick checks during training. */
  readonly withPrecisionRecall?: boolean;
  /** The class each sample was drawn as (a conditional generator's labels). */
  readonly labels?: Uint8Array;
  /** The reference images' own labels: with `labels`, a FID for each class. */
  readonly referenceLabels?: Uint8Array;
}

/** Rows of `features` (width FEATURES) whose label is `c`, and how many. */
function rowsOfClass(features: Float32Array, labels: Uint8Array, c: number): { rows: Float32Array; n: number } {
  const picked: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] === c) picked.push(i);
  const rows = new Float32Array(picked.length * FEATURES);
  picked.forEach((i, k) => {
    rows.set(features.subarray(i * FEATURES, (i + 1) * FEATURES), k * FEATURES);
  });
  return { rows, n: picked.length };
}

/** FID of each class's samples against the reference images of that class (NaN where either side has too few to fit a covariance). */
export function fidByClass(
  ref: Reference,
  referenceLabels: Uint8Array,
  features: Float32Array,
  labels: Uint8Array,
  classes: number,
): number[] {
  return Array.from({ length: classes }, (_, c) => {
    const a = rowsOfClass(ref.features, referenceLabels, c);
    const b = rowsOfClass(features, labels, c);
    if (a.n <= FEATURES || b.n <= FEATURES) return NaN;
    return frechetDistance(moments(a.rows, a.n, FEATURES), moments(b.rows, b.n, FEATURES));
  });
}

/** Share of samples whose most probable class is the intended one: overall, and for each intended class (NaN for a class never asked for). */
export function intendedAccuracy(
  probs: Float32Array,
  labels: Uint8Array,
  classes: number,
): { overall: number; byClass: number[] } {
  const hits = new Array<number>(classes).fill(0);
  const asked = new Array<number>(classes).fill(0);
  const seen = argmaxes(probs, labels.length, classes);
  for (let i = 0; i < labels.length; i++) {
    asked[labels[i]]++;
    if (seen[i] === labels[i]) hits[labels[i]]++;
  }
  return { overall: hits.reduce((a, b) => a + b, 0) / labels.length, byClass: hits.map((h, c) => h / asked[c]) };
}

/** Images on each side of precision and recall. */
export const PR_IMAGES = 2000;

/**
 * Precision and recall of the samples' features against the reference's. k-NN radii depend on the
 * set sizes, so both sides have the same number of images, at most PR_IMAGES (the k-NN is over all
 * pairs); the real ones are spread evenly over the reference.
 */
function samplePrecisionRecall(
  ref: Reference,
  features: Float32Array,
  probs: Float32Array,
  n: number,
  classes: number,
): { precision: number; recall: number } {
  const m = Math.min(n, ref.n, PR_IMAGES);
  const stride = Math.floor(ref.n / m);
  const real = new Float32Array(m * FEATURES);
  const realAccepted = new Uint8Array(m);
  for (let i = 0; i < m; i++) {
    real.set(ref.features.subarray(i * stride * FEATURES, (i * stride + 1) * FEATURES), i * FEATURES);
    realAccepted[i] = ref.accepted[i * stride];
  }
  const accepted = { real: realAccepted, fake: acceptedImages(probs, m, classes) };
  return precisionRecall(real, m, features.subarray(0, m * FEATURES), m, FEATURES, 3, accepted);
}

export function quality(
  c: Classifier,
  ref: Reference,
  images: Float32Array,
  n: number,
  o: QualityOptions = {},
): Quality {
  const { features, probs } = classify(c, images, n);
  const classes = c.shape.classes;
  const pr =
    o.withPrecisionRecall === false
      ? { precision: NaN, recall: NaN }
      : samplePrecisionRecall(ref, features, probs, n, classes);
  return {
    samples: n,
    realSamples: ref.n,
    fid: frechetDistance(ref.moments, moments(features, n, FEATURES)),
    classifierScore: classifierScore(probs, n, classes),
    coverage: coverage(probs, n, classes),
    recognisable: recognisable(probs, n, classes, 0.9),
    ...pr,
    ...(o.labels
      ? (({ overall, byClass }) => ({ intended: overall, intendedByClass: byClass }))(
          intendedAccuracy(probs, o.labels.subarray(0, n), classes),
        )
      : {}),
    ...(o.labels && o.referenceLabels
      ? { fidByClass: fidByClass(ref, o.referenceLabels, features, o.labels.subarray(0, n), classes) }
      : {}),
  };
}
