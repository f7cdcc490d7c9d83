/**
 * A run archive (the site's Download, run-archive.ts) given where a run folder is expected: it is
 * unpacked into a folder beside it, named after it without .zip, written beside that and renamed
 * into place so that nothing is half-written; the scripts then work on the folder as on any run.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { MAX_ARCHIVE_BYTES, unpackRun } from '../streams/run-archive.ts';
import { writeFolderAtomic } from '../streams/sinks/atomic-write.ts';

/** Whether `folder` holds each of `files` with the same bytes. */
function holds(folder: string, files: Readonly<Record<string, Uint8Array>>): boolean {
  return Object.entries(files).every(([name, bytes]) => {
    const file = join(folder, name);
    return existsSync(file) && statSync(file).size === bytes.length && Buffer.compare(readFileSync(file), bytes) === 0;
  });
}

export const isRunArchive = (path: string): boolean =>
  path.toLowerCase().endsWith('.zip') && existsSync(path) && statSync(path).isFile();

/** The run folder of `path`: the path itself, or, for an archive, the folder it is unpacked into (and a line saying so). */
export function runFolderOf(path: string): E.Either<string, { folder: string; unpacked: string | null }> {
  if (!isRunArchive(path)) return E.right({ folder: path, unpacked: null });
  if (statSync(path).size > MAX_ARCHIVE_BYTES)
    return E.left(`${path}: larger than ${MAX_ARCHIVE_BYTES} bytes: expected a run archive`);
  const folder = path.slice(0, -'.zip'.length);
  const files = unpackRun(new Uint8Array(readFileSync(path)), path);
  if (E.isLeft(files)) return files;
  if (existsSync(folder)) {
    // Unpacked before (a replay, then a generate): the same files are used again; anything else is left alone.
    if (holds(folder, files.right))
      return E.right({ folder, unpacked: `using ${folder}/, unpacked from ${path} before` });
    return E.left(
      `${path}: ${folder} exists and differs from the archive: pass that folder, or move it away to unpack the archive again`,
    );
  }
  try {
    writeFolderAtomic(folder, files.right);
  } catch (e) {
    return E.left(
      `${path}: cannot unpack into ${folder} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  return E.right({ folder, unpacked: `unpacked ${path} into ${folder}/` });
}
