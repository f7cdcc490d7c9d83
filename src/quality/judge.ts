/** The judge a training run uses for its quality events: a classifier and its held-out real images, loaded once. */
import * as E from 'fp-ts/lib/Either.js';
import { type Dataset, imagesOf, sliceDataset } from '../data/dataset.ts';
import type { Judge } from '../streams/operators/quality-checks.ts';
import { classifierDir, loadClassifier } from './classifier.ts';
import { quality, reference } from './quality.ts';
import { type ClassifierSet, classifierSetFor, heldOut } from './real-sets.ts';

/**
 * Held-out real images a generator is compared with. MNIST's: all of t10k, whose first 5,000
 * digits (NIST's SD-3) are cleaner than its last 5,000 (SD-1), so no half of it stands for the
 * training digits, which mix both; the floor is then 5,000 training digits against it. The other
 * sets: the first half of the classifier's test set (the second half is the floor).
 */
export function referenceSet(set: ClassifierSet, test: Dataset): Dataset {
  return set === 'mnist' ? test : sliceDataset(test, 0, Math.floor(test.count / 2));
}

export async function loadJudge(dataset: {
  name: string;
  rows: number;
  cols: number;
}): Promise<E.Either<string, Judge>> {
  if (dataset.rows !== 28 || dataset.cols !== 28)
    return E.left(`images of ${dataset.rows}x${dataset.cols}: the classifier judges 28x28`);
  const set = classifierSetFor(dataset.name);
  const c = await loadClassifier(classifierDir(set));
  if (E.isLeft(c)) return c;
  const real = heldOut(set);
  if (E.isLeft(real)) return real;
  const ref = referenceSet(set, real.right);
  const r = reference(c.right, imagesOf(ref), ref.count);
  return E.right((images, n, labels) => {
    const q = quality(c.right, r, images, n, { withPrecisionRecall: false, labels });
    return {
      samples: n,
      realSamples: r.n,
      classifier: set,
      fid: q.fid,
      classifierScore: q.classifierScore,
      covered: q.coverage.covered,
      klFromUniform: q.coverage.klFromUniform,
      topShare: q.coverage.topShare,
      recognisable: q.recognisable,
      histogram: q.coverage.histogram,
      ...(q.intended !== undefined ? { intended: q.intended, intendedByClass: q.intendedByClass } : {}),
    };
  });
}
