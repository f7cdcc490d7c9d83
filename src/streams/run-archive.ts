/**
 * A run folder as one zip archive (fflate): what the site's "Download" gives and what the CLI's
 * `train --resume` and `replay` take in place of a folder. Only a run's own files go in or come
 * out (its record, checkpoint, summary, saved networks and pictures), each under a size bound, so
 * that an archive from anywhere cannot write outside its folder or fill a disk. Imports nothing
 * from node:.
 */

import { unzipSync, zipSync } from 'fflate';
import * as E from 'fp-ts/lib/Either.js';

/** The most an archive may hold, unpacked. */
export const MAX_ARCHIVE_BYTES = 2 ** 30;

/** The names a run folder's files may have inside an archive. */
const RUN_FILE =
  /^(metrics\.ndjson|checkpoint\.bin|summary\.json|[a-z_0-9]+\.png|(generator|discriminator)\/(model\.json|weights\.bin))$/;

/** Whether `name` is a file of a run folder as an archive may carry it. */
export const isRunFile = (name: string): boolean => RUN_FILE.test(name);

/** A run's files (name in the folder to bytes) as a zip archive. */
export function packRun(files: Readonly<Record<string, Uint8Array>>): Uint8Array {
  const bad = Object.keys(files).find((f) => !isRunFile(f));
  if (bad) throw new Error(`'${bad}' is not a run folder's file`);
  // PNGs and checkpoints hardly compress: stored, not deflated.
  return zipSync(
    Object.fromEntries(
      Object.entries(files).map(([f, b]) => [f, [b, { level: f.endsWith('.ndjson') || f.endsWith('.json') ? 6 : 0 }]]),
    ),
  );
}

/** The one folder every entry of an archive is in ('run/'), or null. */
function topFolder(bytes: Uint8Array): string | null {
  const names: string[] = [];
  try {
    unzipSync(bytes, {
      filter: (f) => {
        names.push(f.name);
        return false;
      },
    });
  } catch {
    return null;
  }
  const first = names[0]?.split('/')[0];
  if (!first || isRunFile(names[0])) return null;
  const prefix = `${first}/`;
  return names.every((n) => n.startsWith(prefix)) && !prefix.startsWith('.') ? prefix : null;
}

/** A run's files from a zip archive named `name` in messages: only a run folder's files, within the bound. */
export function unpackRun(bytes: Uint8Array, name: string): E.Either<string, Record<string, Uint8Array>> {
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b)
    return E.left(`${name}: not a zip archive (expected a run folder packed by the site's Download)`);
  let total = 0;
  const unexpected: string[] = [];
  let tooLarge = false;
  let files: Record<string, Uint8Array>;
  // A run folder zipped by hand holds its files under the folder's name: that one folder is stripped.
  const top = topFolder(bytes);
  const inFolder = (n: string) => (top && n.startsWith(top) ? n.slice(top.length) : n);
  try {
    files = unzipSync(bytes, {
      filter: (f) => {
        if (f.name.endsWith('/')) return false;
        if (!isRunFile(inFolder(f.name))) {
          unexpected.push(f.name);
          return false;
        }
        total += f.originalSize;
        if (total > MAX_ARCHIVE_BYTES) tooLarge = true;
        return !tooLarge;
      },
    });
  } catch (e) {
    return E.left(`${name}: a corrupt zip archive (${(e as Error).message})`);
  }
  if (tooLarge) return E.left(`${name}: unpacks to more than ${MAX_ARCHIVE_BYTES} bytes: expected a run folder`);
  if (unexpected.length > 0)
    return E.left(
      `${name}: '${unexpected[0].slice(0, 60)}' is not a run folder's file (expected metrics.ndjson, checkpoint.bin, summary.json, PNGs, generator/ and discriminator/)`,
    );
  if (top) files = Object.fromEntries(Object.entries(files).map(([n, b]) => [inFolder(n), b]));
  if (!files['metrics.ndjson']) return E.left(`${name}: no metrics.ndjson in the archive: expected a run folder`);
  return E.right(files);
}
