/**
 * The batch source: the dataset, shuffled each epoch by a seeded generator, cut into batches of a
 * fixed size; the last partial batch of an epoch is dropped. Each batch's images are scaled to
 * [-1, 1] as it is made: the dataset itself stays bytes.
 */
import { copyImage, type Dataset, pixelsOf } from '../../data/dataset.ts';
import { fromState, permutation, type RandomState, Streams, seeded } from '../../data/random.ts';

export interface Batch {
  readonly epoch: number;
  /** 1-based step number over the whole run. */
  readonly step: number;
  /** batchSize images, [-1, 1]. */
  readonly images: Float32Array;
  /** Their labels, when the dataset has labels. */
  readonly labels: Uint8Array | null;
  /** The shuffling generator's state before this epoch's shuffle, and after it (= before the next epoch's). */
  readonly shuffle: { readonly before: RandomState; readonly after: RandomState };
}

/** Where a batch stream starts again: after `step` steps, with the shuffling state before the epoch of step + 1. */
export interface BatchStart {
  readonly step: number;
  readonly shuffle: RandomState;
}

/** The BatchStart that continues after a batch: its epoch's shuffle again, or the next epoch's. */
export const startAfter = (b: Batch, perEpoch: number): BatchStart => ({
  step: b.step,
  shuffle: b.step % perEpoch === 0 ? b.shuffle.after : b.shuffle.before,
});

export interface BatchOptions {
  readonly batchSize: number;
  readonly epochs: number;
  readonly seed: number;
  /** Continue a stream from here (default: its beginning). */
  readonly start?: BatchStart;
}

export const stepsPerEpoch = (d: Pick<Dataset, 'count'>, batchSize: number): number => Math.floor(d.count / batchSize);

export function* batches(d: Dataset, o: BatchOptions): Generator<Batch> {
  const p = pixelsOf(d);
  const perEpoch = stepsPerEpoch(d, o.batchSize);
  const done = o.start?.step ?? 0;
  const rng = o.start ? fromState(o.start.shuffle) : seeded(o.seed, Streams.shuffle);
  for (let epoch = Math.floor(done / perEpoch) + 1; epoch <= o.epochs; epoch++) {
    const before = rng.state();
    const order = permutation(rng, d.count);
    const shuffle = { before, after: rng.state() };
    for (let b = epoch === Math.floor(done / perEpoch) + 1 ? done % perEpoch : 0; b < perEpoch; b++) {
      const images = new Float32Array(o.batchSize * p);
      const labels = d.labels ? new Uint8Array(o.batchSize) : null;
      for (let i = 0; i < o.batchSize; i++) {
        const index = order[b * o.batchSize + i];
        copyImage(d, index, images, i);
        if (labels && d.labels) labels[i] = d.labels[index];
      }
      yield { epoch, step: (epoch - 1) * perEpoch + b + 1, images, labels, shuffle };
    }
  }
}
