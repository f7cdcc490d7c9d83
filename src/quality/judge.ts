/**
 * The judge a training run uses for its quality events: a classifier and its held-out real images.
 * Imports nothing from node: (judge-folder.ts loads them under Node; the site's worker fetches them).
 */
import { type Dataset, imagesOf, sliceDataset } from '../data/dataset.ts';
import type { Judge } from '../streams/operators/quality-checks.ts';
import type { Classifier } from './classify.ts';
import { quality, reference } from './quality.ts';
import type { ClassifierSet } from './sets.ts';

/**
 * Held-out real images a generator is compared with. MNIST's: all of t10k, whose first 5,000
 * digits (NIST's SD-3) are cleaner than its last 5,000 (SD-1), so no half of it stands for the
 * training digits, which mix both; the floor is then 5,000 training digits against it. The other
 * sets: the first half of the classifier's test set (the second half is the floor).
 */
export function referenceSet(set: ClassifierSet, test: Dataset): Dataset {
  return set === 'mnist' ? test : sliceDataset(test, 0, Math.floor(test.count / 2));
}

/** The judge of a classifier and its set's held-out real images: each quality check's numbers. */
export const judgeOf = (c: Classifier, set: ClassifierSet, real: Dataset): Judge =>
  judgeAgainst(c, set, referenceSet(set, real));

/** The judge of a classifier (called `name` in the events) against real images it never trained on. */
export function judgeAgainst(c: Classifier, name: string, ref: Dataset): Judge {
  const classNames = c.about.folder?.classes;
  const r = reference(c, imagesOf(ref), ref.count);
  return (images, n, labels) => {
    const q = quality(c, r, images, n, { withPrecisionRecall: false, labels });
    return {
      samples: n,
      realSamples: r.n,
      classifier: name,
      fid: q.fid,
      classifierScore: q.classifierScore,
      covered: q.coverage.covered,
      klFromUniform: q.coverage.klFromUniform,
      topShare: q.coverage.topShare,
      recognisable: q.recognisable,
      histogram: q.coverage.histogram,
      ...(q.intended !== undefined ? { intended: q.intended, intendedByClass: q.intendedByClass } : {}),
      ...(classNames ? { classNames: [...classNames] } : {}),
    };
  };
}
