/**
 * The run's part of a checkpoint: where the data and noise streams stand, the configuration, the
 * dataset it trains on and the fixed milestone noise. An io-ts codec, so a resumed run trusts
 * nothing it has not checked.
 */
import * as t from 'io-ts';
import { TrainConfig } from './config.ts';
import { fromBase64, toBase64 } from './events.ts';

const RandomState = t.type({
  words: t.tuple([t.number, t.number, t.number, t.number]),
  spareNormal: t.union([t.number, t.null]),
});

import { DatasetIdentity } from './dataset-identity.ts';

export const CheckpointRun = t.intersection([
  t.type({
    /** Steps done; the run continues with step + 1. */
    step: t.number,
    epoch: t.number,
    /** Seconds of training so far. */
    time: t.number,
    batches: t.type({ step: t.number, shuffle: RandomState }),
    noise: RandomState,
    config: TrainConfig,
    dataset: DatasetIdentity,
    /** The milestone grids' fixed noise, float32 little-endian, base64. */
    milestoneNoise: t.string,
  }),
  t.partial({
    /** Rollbacks after NaN losses so far (--on-nan rollback). */
    rollbacks: t.number,
  }),
]);
export type CheckpointRun = t.TypeOf<typeof CheckpointRun>;

export const CHECKPOINT_FILE = 'checkpoint.bin';
/** A run folder's record: one event per line. */
export const METRICS_FILE = 'metrics.ndjson';

export const packFloats = (f: Float32Array): string => toBase64(new Uint8Array(f.buffer, f.byteOffset, f.byteLength));
export function unpackFloats(s: string): Float32Array {
  const bytes = fromBase64(s);
  return new Float32Array(bytes.buffer, 0, bytes.byteLength >> 2);
}
