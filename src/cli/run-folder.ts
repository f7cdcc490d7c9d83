/** Checks that a run folder can be used (absent, or an empty folder) before anything is written. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';

export function checkRunFolder(dir: string): E.Either<string, string> {
  if (!existsSync(dir)) return E.right(dir);
  if (!statSync(dir).isDirectory()) return E.left(`--out: ${dir} exists and is not a folder`);
  const entries = readdirSync(dir);
  return entries.length === 0 ? E.right(dir) : E.left(`--out: folder ${dir} exists and is not empty (${entries.length} entries); choose another --out, --force to write into it, or --resume ${dir} to continue it`);
}
