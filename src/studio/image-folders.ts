/**
 * The student's own image folders the studio offers (npm run studio -- --images DIR): each
 * folder or .zip directly in DIR, by its path, as a choice of the form's Dataset. The page can
 * only pick one of these, never name a path of its own, so a page that reaches the studio cannot
 * make it read anything outside DIR.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { hidden } from '../data/image-folder.ts';

/** At most this many folders are offered (the rest are left out of the list). */
export const MAX_IMAGE_FOLDERS = 100;

/** The folders and .zip files in `dir`, sorted by name; none when `dir` is null or cannot be read. */
export function imageFolders(dir: string | null): string[] {
  if (dir === null) return [];
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => !hidden(e.name) && (e.isDirectory() || (e.isFile() && /\.zip$/i.test(e.name))))
      .map((e) => e.name)
      .sort()
      .slice(0, MAX_IMAGE_FOLDERS)
      .map((name) => join(dir, name));
  } catch {
    return [];
  }
}
