/**
 * The copying check on real data: distances from generated images, and from held-out real images,
 * to the nearest training image (novelty.ts reads them), and the nearest training images of one
 * image in pixel space and in the evaluator classifier's feature space.
 */
import { type Dataset, imagesAt, imagesOf, pixelsOf } from '../data/dataset.ts';
import { asIntensities, type Neighbour, nearest, nearestDistances, type PointSet, pixelSet } from './neighbours.ts';
import { type Novelty, novelty } from './novelty.ts';

export interface NoveltyMeasured {
  readonly novelty: Novelty;
  /** Each generated image's distance to its nearest training image. */
  readonly generated: Float32Array;
  /** Each held-out real image's. */
  readonly heldOut: Float32Array;
}

/** `generated`: count images in [-1, 1]; `heldOut`: real images the generator never trained on, all of them compared. */
export function measureNovelty(
  generated: Float32Array,
  count: number,
  heldOut: Dataset,
  train: Dataset,
): NoveltyMeasured {
  const set = pixelSet(train.bytes, train.count, pixelsOf(train));
  const g = nearestDistances(asIntensities(generated), count, set);
  const h = nearestDistances(asIntensities(imagesOf(heldOut)), heldOut.count, set);
  return { novelty: novelty(g, h), generated: g, heldOut: h };
}

/**
 * The copying check when no real image is unseen (a folder of images: the run trained on all of
 * it): `realCount` training images spread over the set, each measured to its nearest *other*
 * training image, stand in for held-out ones. A generator as novel as the data's own images sits
 * as far from its nearest training image as they sit from each other.
 */
export function measureNoveltyWithin(
  generated: Float32Array,
  count: number,
  train: Dataset,
  realCount: number,
): NoveltyMeasured {
  const set = pixelSet(train.bytes, train.count, pixelsOf(train));
  const g = nearestDistances(asIntensities(generated), count, set);
  const m = Math.min(realCount, train.count);
  const picked = Array.from({ length: m }, (_, i) => Math.floor((i * train.count) / m));
  const neighbours = nearest(asIntensities(imagesAt(train, picked)), m, set, 2);
  const h = Float32Array.from(neighbours, (ns, i) => (ns.find((n) => n.index !== picked[i]) ?? ns[0]).distance);
  return { novelty: { ...novelty(g, h), against: 'training images to their nearest other' }, generated: g, heldOut: h };
}

/** A dataset's images as classifier features, in chunks (the whole set as float32 images would be 188 MB for MNIST). */
export function featureSet(
  features: (images: Float32Array, count: number) => Float32Array,
  d: Dataset,
  dim: number,
  chunk = 5000,
): PointSet {
  const values = new Float32Array(d.count * dim);
  for (let from = 0; from < d.count; from += chunk) {
    const to = Math.min(d.count, from + chunk);
    values.set(features(imagesOf(d, from, to), to - from), from * dim);
  }
  return { values, count: d.count, dim, scale: 1 };
}

export interface NearestTraining {
  /** Nearest in pixel space (intensities 0-1). */
  readonly pixel: Neighbour[];
  /** Nearest in the classifier's feature space (absent without a feature set). */
  readonly feature: Neighbour[] | null;
}

/** The k nearest training images of one image ([pixels] in [-1, 1]). */
export function nearestTraining(
  image: Float32Array,
  train: Dataset,
  k: number,
  features?: { set: PointSet; of: (images: Float32Array, count: number) => Float32Array },
): NearestTraining {
  const pixel = nearest(asIntensities(image), 1, pixelSet(train.bytes, train.count, pixelsOf(train)), k)[0];
  const feature = features ? nearest(features.of(image, 1), 1, features.set, k)[0] : null;
  return { pixel, feature };
}

export type { Neighbour };
