/**
 * A zip archive of an image folder as its files, unpacked by fflate (small, pure JS, the same in
 * Node, Deno and a page). Only image files are inflated, each within image-folder's bounds, so a
 * zip that claims gigabytes is refused before it is unpacked. When every entry lies in one
 * top folder (what zipping a folder makes), that folder is the archive's root. Imports nothing
 * from node:.
 */

import { unzipSync } from 'fflate';
import * as E from 'fp-ts/lib/Either.js';
import { hidden, IMAGE_LIMITS, IMAGE_NAME, type ImageFile } from './image-folder.ts';

export const isZip = (bytes: Uint8Array): boolean =>
  bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;

/** The archive's files (images inflated; other files listed with no bytes), or a one-line error naming it. */
export function filesOfZip(bytes: Uint8Array, name: string): E.Either<string, ImageFile[]> {
  const listed: string[] = [];
  let declared = 0;
  let tooBig: string | null = null;
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, {
      filter: (file) => {
        if (file.name.endsWith('/') || hidden(file.name)) return false;
        listed.push(file.name);
        if (!IMAGE_NAME.test(file.name)) return false;
        declared += file.originalSize;
        if (file.originalSize > IMAGE_LIMITS.fileBytes || declared > IMAGE_LIMITS.datasetBytes) {
          tooBig ??= `${file.name} (${(file.originalSize / 2 ** 20).toFixed(0)} MB unpacked, ${(declared / 2 ** 20).toFixed(0)} MB so far)`;
          return false;
        }
        return true;
      },
    });
  } catch (e) {
    return E.left(
      `${name}: corrupt zip archive (${(e as Error).message.split('\n')[0]}), expected a zip of image files`,
    );
  }
  if (tooBig !== null)
    return E.left(
      `${name}: ${tooBig} is too large, expected image files of at most ${IMAGE_LIMITS.fileBytes / 2 ** 20} MB and ${IMAGE_LIMITS.datasetBytes / 2 ** 30} GB in all`,
    );
  const tops = new Set(listed.map((p) => (p.includes('/') ? p.split('/')[0] : '')));
  const root = tops.size === 1 && !tops.has('') ? `${[...tops][0]}/` : '';
  return E.right(listed.map((path) => ({ path: path.slice(root.length), bytes: entries[path] ?? new Uint8Array(0) })));
}
