/**
 * After every epoch, real images from the dataset beside generated ones, each with D's belief
 * that it is real (reference 003's comparison): the last one is real_vs_fake.png, and the studio
 * shows each as it comes.
 */
import { mergeMap, type OperatorFunction } from 'rxjs';
import { type Dataset, imagesAt } from '../../data/dataset.ts';
import { permutation, Streams, seeded } from '../../data/random.ts';
import type { Gan } from '../../model/gan.ts';
import type { LossName } from '../../model/losses.ts';
import { dScores, generate } from '../../model/steps.ts';
import { type Comparison, colourField, packPixels, type TrainingEvent, toGreyLevels } from '../events.ts';

export interface ComparisonOptions {
  readonly count: number;
  /** Generator input for the fakes (count x noiseDim). */
  readonly noise: Float32Array;
  readonly loss: LossName;
  readonly seed: number;
}

/** `count` images of the dataset picked by the seed, and their labels (undefined for a dataset without labels). */
export function sample(
  d: Dataset,
  count: number,
  seed: number,
): { images: Float32Array; labels: Uint8Array | undefined } {
  const indices = permutation(seeded(seed, Streams.shuffle + 100), d.count).slice(0, count);
  return { images: imagesAt(d, indices), labels: d.labels ? Uint8Array.from(indices, (i) => d.labels![i]) : undefined };
}

/** `count` images of the dataset, picked by the seed. */
export const sampleImages = (d: Dataset, count: number, seed: number): Float32Array => sample(d, count, seed).images;

export function comparison<T extends TrainingEvent>(
  gan: Gan,
  d: Dataset,
  o: ComparisonOptions,
): OperatorFunction<T, T | Comparison> {
  // The same real images every epoch: picked once, when the first comparison is made.
  let real: ReturnType<typeof sample> | null = null;
  return mergeMap((e: T): (T | Comparison)[] => {
    if (e.type !== 'epoch') return [e];
    real ??= sample(d, o.count, o.seed);
    // A conditional GAN draws the classes in turn, and a conditional D judges each image with its label.
    const fake = generate(gan, o.noise);
    return [
      e,
      {
        type: 'comparison',
        epoch: e.epoch,
        step: e.step,
        rows: d.rows,
        cols: d.cols,
        ...colourField(d.channels),
        count: o.count,
        real: packPixels(toGreyLevels(real.images)),
        fake: packPixels(toGreyLevels(fake)),
        realScores: Array.from(dScores(gan, real.images, o.loss, real.labels)),
        fakeScores: Array.from(dScores(gan, fake, o.loss)),
      },
    ];
  });
}
