/**
 * The real images each classifier learns from and is tested on. The test images are also the
 * held-out real set every generator is compared with: never seen by the classifier.
 */
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { Dataset } from '../data/dataset.ts';
import { embeddedDigits } from '../data/embedded.ts';
import { FASHION_MNIST_DIR, loadIdxDataset } from '../data/load.ts';

export type ClassifierSet = 'digits' | 'fashion';

/** Images from..to of a dataset, as a dataset. */
export function slice(d: Dataset, from: number, to: number): Dataset {
  const p = d.rows * d.cols;
  return { ...d, count: to - from, images: d.images.subarray(from * p, to * p), labels: d.labels ? d.labels.subarray(from, to) : null };
}

/** Embedded digits: 0-7,999 train, 8,000-9,999 test. */
export const DIGITS_SPLIT = 8000;

export function classifierData(set: ClassifierSet): E.Either<string, { train: Dataset; test: Dataset }> {
  if (set === 'digits') {
    const all = embeddedDigits();
    return E.right({ train: slice(all, 0, DIGITS_SPLIT), test: slice(all, DIGITS_SPLIT, all.count) });
  }
  const train = loadIdxDataset(join(FASHION_MNIST_DIR, 'train-images-idx3-ubyte.gz'), 'fashion-mnist');
  if (E.isLeft(train)) return E.left(`${train.left} (install the Debian package dataset-fashion-mnist)`);
  const test = loadIdxDataset(join(FASHION_MNIST_DIR, 't10k-images-idx3-ubyte.gz'), 'fashion-mnist t10k');
  if (E.isLeft(test)) return test;
  return E.right({ train: train.right, test: test.right });
}

/** The held-out real images of a classifier's set. */
export const heldOut = (set: ClassifierSet): E.Either<string, Dataset> => E.map((d: { test: Dataset }) => d.test)(classifierData(set));

/** Which classifier judges a training dataset: Fashion-MNIST's for fashion, the digits' for the rest. */
export const classifierSetFor = (datasetName: string): ClassifierSet => (/fashion/i.test(datasetName) ? 'fashion' : 'digits');
