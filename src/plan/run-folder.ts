/** Checks that a run folder can be used (absent, or an empty folder) before anything is written. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';

export function checkRunFolder(dir: string): E.Either<string, string> {
  if (!existsSync(dir)) return E.right(dir);
  if (!statSync(dir).isDirectory()) return E.left(`--out: ${dir} exists and is not a folder`);
  const entries = readdirSync(dir);
  return entries.length === 0
    ? E.right(dir)
    : E.left(
        `--out: folder ${dir} exists and is not empty (${entries.length} entries); choose another --out, --force to write into it, or --resume ${dir} to continue it`,
      );
}

/** What a run folder holds now, for the script's last lines: files by name (milestone grids in order, steps before epochs), folders with a slash; temporary files left out. */
export function runFolderContents(dir: string): string[] {
  const orderOf = (name: string) => {
    const m = /^(step|epoch)_(\d+)\.png$/.exec(name);
    return m ? (m[1] === 'epoch' ? 1e12 : 0) + Number(m[2]) : Number.NaN;
  };
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.'))
    .map((e) => ({ name: e.isDirectory() ? `${e.name}/` : e.name, order: orderOf(e.name), folder: e.isDirectory() }))
    .sort(
      (a, b) =>
        Number(a.folder) - Number(b.folder) ||
        (Number.isNaN(a.order) || Number.isNaN(b.order) ? a.name.localeCompare(b.name) : a.order - b.order),
    )
    .map((e) => e.name);
}
