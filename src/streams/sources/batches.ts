/**
 * The batch source: the dataset, shuffled each epoch by a seeded generator, cut into batches of a
 * fixed size; the last partial batch of an epoch is dropped.
 */
import type { Observable } from 'rxjs';
import { pixelsOf, type Dataset } from '../../data/dataset.ts';
import { permutation, seeded, Streams } from '../../data/random.ts';
import { paced } from './paced.ts';

export interface Batch {
  readonly epoch: number;
  /** 1-based step number over the whole run. */
  readonly step: number;
  /** batchSize images, [-1, 1]. */
  readonly images: Float32Array;
  /** Their labels, when the dataset has labels. */
  readonly labels: Uint8Array | null;
}

export interface BatchOptions {
  readonly batchSize: number;
  readonly epochs: number;
  readonly seed: number;
}

export const stepsPerEpoch = (d: Pick<Dataset, 'count'>, batchSize: number): number => Math.floor(d.count / batchSize);

export function* batches(d: Dataset, o: BatchOptions): Generator<Batch> {
  const p = pixelsOf(d);
  const perEpoch = stepsPerEpoch(d, o.batchSize);
  const rng = seeded(o.seed, Streams.shuffle);
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const order = permutation(rng, d.count);
    for (let b = 0; b < perEpoch; b++) {
      const images = new Float32Array(o.batchSize * p);
      const labels = d.labels ? new Uint8Array(o.batchSize) : null;
      for (let i = 0; i < o.batchSize; i++) {
        const index = order[b * o.batchSize + i];
        images.set(d.images.subarray(index * p, (index + 1) * p), i * p);
        if (labels && d.labels) labels[i] = d.labels[index];
      }
      yield { epoch, step: (epoch - 1) * perEpoch + b + 1, images, labels };
    }
  }
}

export const batch$ = (d: Dataset, o: BatchOptions): Observable<Batch> => paced(batches(d, o));
