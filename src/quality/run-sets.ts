/**
 * The real images that go with a run, for the explore analyses: the images it trained on (its
 * --dataset, sized and coloured as it was, cut to its --limit), real images it never saw (held
 * out; none for a folder of images), the classifier that judges its kind of images, and the names
 * of its classes.
 */
import * as E from 'fp-ts/lib/Either.js';
import { type Dataset, limitDataset } from '../data/dataset.ts';
import { loadDataset } from '../data/load.ts';
import { classNamesOf } from '../data/names.ts';
import { type DatasetIdentity, datasetChange, datasetIdentity } from '../streams/dataset-identity.ts';
import { classifierDir, loadClassifier } from './classifier.ts';
import { UNLABELLED_FOLDER } from './folder-judge.ts';
import { loadFolderClassifier } from './judge-folder.ts';
import { classifierSetFor, heldOut } from './real-sets.ts';
import type { RunSets } from './run-sets-of.ts';

export * from './run-sets-of.ts';

type RunConfig = {
  readonly dataset: string;
  readonly limit: number | null;
  readonly imageSize?: number | null;
  readonly channels?: 1 | 3 | null;
  /** What the run recorded of its data: a folder whose files changed since is refused. */
  readonly recorded?: DatasetIdentity;
};

/** The images a run trained on (its --dataset, sized and coloured as it was, cut to its --limit); a changed folder, refused. */
export function trainingImages(config: RunConfig): E.Either<string, Dataset> {
  const train = loadDataset(config.dataset, { imageSize: config.imageSize ?? null, channels: config.channels ?? null });
  if (E.isLeft(train)) return train;
  const used = config.limit === null ? train.right : limitDataset(train.right, config.limit);
  const change = config.recorded?.source ? datasetChange(config.recorded, datasetIdentity(used)) : null;
  return change ? E.left(`${change}: the images the run trained on have changed since`) : E.right(used);
}

/** The images alone: what the novelty figure needs (a folder of images has no held-out ones). */
export function runImages(config: RunConfig): E.Either<string, Pick<RunSets, 'train' | 'heldOut'>> {
  const train = trainingImages(config);
  if (E.isLeft(train)) return train;
  if (train.right.source) return E.right({ train: train.right, heldOut: null });
  const set = classifierSetFor(config.dataset);
  const held = heldOut(set === 'digits' ? 'mnist' : set);
  if (E.isLeft(held)) return held;
  return E.right({ train: train.right, heldOut: held.right });
}

/** The run's images and the classifier of their kind: for a folder of images, the one trained on its classes, or none and why. */
export async function loadRunSets(config: RunConfig): Promise<E.Either<string, RunSets>> {
  const images = runImages(config);
  if (E.isLeft(images)) return images;
  const { train } = images.right;
  const names = classNamesOf(train);
  if (train.source) {
    const c = train.labels ? await loadFolderClassifier(train) : E.left(UNLABELLED_FOLDER);
    return E.right({
      ...images.right,
      classNames: names,
      ...(E.isRight(c) ? { classifier: c.right } : { classifier: null, noClassifier: c.left }),
    });
  }
  const c = await loadClassifier(classifierDir(classifierSetFor(config.dataset)));
  if (E.isLeft(c)) return c;
  return E.right({ ...images.right, classifier: c.right, classNames: names });
}
