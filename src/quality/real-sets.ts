/**
 * The real images each classifier learns from and is tested on. The test images are also the
 * held-out real set every generator is compared with: never seen by the classifier.
 */
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { Dataset } from '../data/dataset.ts';
import { embeddedDigits } from '../data/embedded.ts';
import { FASHION_MNIST_DIR, loadDataset, loadIdxDataset, mnistTest } from '../data/load.ts';
import { MNIST } from '../data/names.ts';
import { type ClassifierSet, splitDigits } from './sets.ts';

export * from './sets.ts';

const fashionFile = (name: string, file: string) =>
  E.mapLeft((why: string) => `${why} (install the Debian package dataset-fashion-mnist)`)(
    loadIdxDataset(join(FASHION_MNIST_DIR, file), name),
  );

export function classifierData(set: ClassifierSet): E.Either<string, { train: Dataset; test: Dataset }> {
  if (set === 'digits') return E.right(splitDigits(embeddedDigits()));
  if (set === 'mnist') {
    const train = loadDataset(MNIST);
    if (E.isLeft(train)) return train;
    const test = mnistTest();
    return E.isLeft(test) ? test : E.right({ train: train.right, test: test.right });
  }
  const train = fashionFile('fashion-mnist', 'train-images-idx3-ubyte.gz');
  if (E.isLeft(train)) return train;
  const test = heldOut(set);
  if (E.isLeft(test)) return test;
  return E.right({ train: train.right, test: test.right });
}

/** The held-out real images of a classifier's set (for Fashion-MNIST, t10k alone: the 60,000 training images are not read). */
export const heldOut = (set: ClassifierSet): E.Either<string, Dataset> =>
  set === 'digits'
    ? E.right(splitDigits(embeddedDigits()).test)
    : set === 'mnist'
      ? mnistTest()
      : fashionFile('fashion-mnist t10k', 't10k-images-idx3-ubyte.gz');
