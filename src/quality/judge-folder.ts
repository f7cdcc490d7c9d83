/** The judge of a dataset under Node: its classifier and its held-out real images read from disk, loaded once per run. */
import * as E from 'fp-ts/lib/Either.js';
import type { Judge } from '../streams/operators/quality-checks.ts';
import { classifierDir, loadClassifier } from './classifier.ts';
import { judgeOf } from './judge.ts';
import { classifierSetFor, heldOut } from './real-sets.ts';

export async function loadJudge(dataset: {
  name: string;
  rows: number;
  cols: number;
  labels?: Uint8Array | null;
  source?: unknown;
}): Promise<E.Either<string, Judge>> {
  // The committed classifiers know digits and clothes: on anyone else's images their verdicts mean nothing.
  if (dataset.source)
    return E.left(
      dataset.labels
        ? 'a folder of images: recognisable share, coverage and FID need a classifier of its own classes, and none has been trained on it'
        : 'an unlabelled folder of images: recognisable share, coverage and FID need a classifier of its classes, and unlabelled images have none to learn',
    );
  if (dataset.rows !== 28 || dataset.cols !== 28)
    return E.left(`images of ${dataset.rows}x${dataset.cols}: the classifier judges 28x28`);
  const set = classifierSetFor(dataset.name);
  const c = await loadClassifier(classifierDir(set));
  if (E.isLeft(c)) return c;
  const real = heldOut(set);
  if (E.isLeft(real)) return real;
  return E.right(judgeOf(c.right, set, real.right));
}
