/** Writes a whole file, or a whole folder, so that a reader (or a crash) sees either the old one or the new one, never half of it. */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/**
 * Writes a whole folder (file names relative to it, with '/' between folders) so that a reader
 * (or a crash) sees either what was there or all of the new folder: it is written beside its
 * place and renamed into it, replacing what was there. On a failure nothing is left behind and
 * the error is thrown.
 */
export function writeFolderAtomic(folder: string, files: Readonly<Record<string, string | Uint8Array>>): void {
  const staging = join(dirname(folder), `.${basename(folder)}.writing-${process.pid}`);
  try {
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    for (const [name, data] of Object.entries(files)) {
      mkdirSync(dirname(join(staging, name)), { recursive: true });
      writeFileSync(join(staging, name), data);
    }
    rmSync(folder, { recursive: true, force: true });
    renameSync(staging, folder);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}
