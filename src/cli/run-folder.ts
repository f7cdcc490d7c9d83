/** Checks that a run folder can be used (absent, or an empty folder) before anything is written. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';

export function checkRunFolder(dir: string): E.Either<string, string> {
  if (!existsSync(dir)) return E.right(dir);
  if (!statSync(dir).isDirectory()) return E.left(`--out: ${dir} exists and is not a folder`);
  const entries = readdirSync(dir);
  return entries.length === 0 ? E.right(dir) : E.left(`--out: folder ${dir} exists and is not empty (${entries.length} entries); choose another --out, --force to write into it, or --resume ${dir} to continue it`);
}

/** What a run folder holds now, for the script's last lines: files by name (milestone grids in epoch order), folders with a slash; temporary files left out. */
export function runFolderContents(dir: string): string[] {
  const epochOf = (name: string) => Number(/^epoch_(\d+)\.png$/.exec(name)?.[1] ?? Number.NaN);
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.'))
    .map((e) => ({ name: e.isDirectory() ? `${e.name}/` : e.name, epoch: epochOf(e.name), folder: e.isDirectory() }))
    .sort((a, b) => Number(a.folder) - Number(b.folder) || (Number.isNaN(a.epoch) || Number.isNaN(b.epoch) ? a.name.localeCompare(b.name) : a.epoch - b.epoch))
    .map((e) => e.name);
}
