/**
 * What the explore analyses compare a run with (run-sets.ts loads it under Node, the site's explore
 * worker from the site's files), and the classifier's views of images they use. Imports nothing
 * from node:.
 */
import type { Dataset } from '../data/dataset.ts';
import { type Classifier, classify } from './classify.ts';
import { argmaxes } from './metrics.ts';

export interface RunSets {
  readonly train: Dataset;
  /**
   * Real images the run never trained on: t10k for mnist and fashion-mnist; for mnist-small and
   * IDX files, MNIST's t10k too (mnist-small's own held-out fifth is part of what a run trains on).
   * A folder of images has none (the run trained on all of it): null.
   */
  readonly heldOut: Dataset | null;
  /** The classifier of its kind of images; for a folder, the one trained on its classes, if any (else null, and why). */
  readonly classifier: Classifier | null;
  readonly noClassifier?: string;
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
    argmaxes(classify(c, images, count).probs, count, c.shape.classes);
