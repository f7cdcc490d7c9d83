/**
 * The real images that go with a run, for the explore analyses: the images it trained on (its
 * --dataset, cut to its --limit), real images it never saw (held out), the classifier that judges
 * its kind of images, and the names of its classes.
 */
import * as E from 'fp-ts/lib/Either.js';
import { type Dataset, limitDataset } from '../data/dataset.ts';
import { loadDataset } from '../data/load.ts';
import { classNames } from '../data/names.ts';
import { CLASSES, type Classifier, classifierDir, classify, loadClassifier } from './classifier.ts';
import { argmaxes } from './metrics.ts';
import { classifierSetFor, heldOut } from './real-sets.ts';

export interface RunSets {
  readonly train: Dataset;
  /**
   * Real images the run never trained on: t10k for mnist and fashion-mnist; for mnist-small and
   * IDX files, MNIST's t10k too (mnist-small's own held-out fifth is part of what a run trains on).
   */
  readonly heldOut: Dataset;
  readonly classifier: Classifier;
  readonly classNames: string[];
}

type RunConfig = { readonly dataset: string; readonly limit: number | null };

/** The images alone: what the novelty figure needs. */
export function runImages(config: RunConfig): E.Either<string, Pick<RunSets, 'train' | 'heldOut'>> {
  const train = loadDataset(config.dataset);
  if (E.isLeft(train)) return train;
  const set = classifierSetFor(config.dataset);
  const held = heldOut(set === 'digits' ? 'mnist' : set);
  if (E.isLeft(held)) return held;
  return E.right({
    train: config.limit === null ? train.right : limitDataset(train.right, config.limit),
    heldOut: held.right,
  });
}

export async function loadRunSets(config: RunConfig): Promise<E.Either<string, RunSets>> {
  const images = runImages(config);
  if (E.isLeft(images)) return images;
  const c = await loadClassifier(classifierDir(classifierSetFor(config.dataset)));
  if (E.isLeft(c)) return c;
  return E.right({ ...images.right, classifier: c.right, classNames: classNames(images.right.train.name) });
}

/** The classifier's features of images in [-1, 1] (for the feature-space neighbours). */
export const featuresOf =
  (c: Classifier) =>
  (images: Float32Array, count: number): Float32Array =>
    classify(c, images, count).features;

/** The classifier's class for each image in [-1, 1]. */
export const classesOf =
  (c: Classifier) =>
  (images: Float32Array, count: number): Uint8Array =>
    argmaxes(classify(c, images, count).probs, count, CLASSES);
