/**
 * What the explore analyses compare a run with (run-sets.ts loads it under Node, the site's explore
 * worker from the site's files), and the classifier's views of images they use. Imports nothing
 * from node:.
 */
import type { Dataset } from '../data/dataset.ts';
import { CLASSES, type Classifier, classify } from './classify.ts';
import { argmaxes } from './metrics.ts';

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
