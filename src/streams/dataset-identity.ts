/**
 * What a run records of its dataset, so that resume, replay and evaluate find the same data or
 * refuse it: name, count, size, and for a folder of images its channels and where it came from
 * (the path and a hash of the image files). Grey datasets record what they always did.
 */
import * as t from 'io-ts';
import type { Dataset } from '../data/dataset.ts';

export const DatasetIdentity = t.intersection([
  t.type({ name: t.string, count: t.number, rows: t.number, cols: t.number }),
  t.partial({
    /** 3: colour images (absent: grey). */
    channels: t.literal(3),
    /** A folder of images: its path as given, a hash of its image files, the files passed over. */
    source: t.type({ path: t.string, hash: t.string, skipped: t.number }),
  }),
]);
export type DatasetIdentity = t.TypeOf<typeof DatasetIdentity>;

export const datasetIdentity = (d: Dataset): DatasetIdentity => ({
  name: d.name,
  count: d.count,
  rows: d.rows,
  cols: d.cols,
  ...(d.channels === 3 ? { channels: 3 as const } : {}),
  ...(d.source ? { source: { path: d.source.path, hash: d.source.hash, skipped: d.source.skipped.length } } : {}),
});

const described = (d: DatasetIdentity) =>
  `${d.name} (${d.count} images of ${d.rows}x${d.cols}${d.channels === 3 ? ' in colour' : ''}${d.source ? `, hash ${d.source.hash}` : ''})`;

/** Why `now` is not the dataset a run recorded (`was`), or null when it is the same. */
export function datasetChange(was: DatasetIdentity, now: DatasetIdentity): string | null {
  const same =
    was.name === now.name &&
    was.count === now.count &&
    was.rows === now.rows &&
    was.cols === now.cols &&
    (was.channels ?? 1) === (now.channels ?? 1) &&
    (was.source?.hash ?? null) === (now.source?.hash ?? null);
  return same ? null : `the dataset is now ${described(now)}, expected the run's ${described(was)}`;
}
