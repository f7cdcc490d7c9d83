/**
 * Every `every` steps, a small grid from the first fixed noise points (the milestone grids' first
 * images): a record of the generator fine enough to scrub through, live or replayed.
 */
import { mergeMap, type OperatorFunction } from 'rxjs';
import type { Gan } from '../../model/gan.ts';
import type { Snapshot, TrainingEvent } from '../events.ts';
import { generatedGrid } from './generated-grid.ts';

export interface SnapshotOptions {
  /** Steps between snapshots (0: none). */
  readonly every: number;
  /** The fixed noise of the snapshot's images. */
  readonly noise: Float32Array;
  /** A conditional generator's label for each noise vector. */
  readonly labels?: Uint8Array;
  readonly rows: number;
  readonly cols: number;
  /** Steps at or before this one had their snapshot before (a resumed run's record). */
  readonly after?: number;
}

/** Images in a snapshot (4 x 4). */
export const SNAPSHOT_COUNT = 16;

export function snapshots<T extends TrainingEvent>(gan: Gan, o: SnapshotOptions): OperatorFunction<T, T | Snapshot> {
  return mergeMap((e: T): (T | Snapshot)[] => {
    if (e.type !== 'step' || o.every <= 0 || e.step % o.every !== 0 || e.step <= (o.after ?? 0)) return [e];
    return [e, { type: 'snapshot', ...generatedGrid(gan, o, e).grid }];
  });
}
