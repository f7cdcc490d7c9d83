/**
 * Reading a recorded metrics.ndjson file back: line by line in bounded memory (lines.ts), each
 * line decoded by record-lines.ts (the one decoder of a record, which the pages share).
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { METRICS_FILE } from '../sinks/file.ts';
import { lines } from './lines.ts';
import { isOverLong, overLongReason, type RecordLine, recordLines } from './record-lines.ts';

/** A run folder (its metrics.ndjson) or a file. */
export function recordingPath(path: string): E.Either<string, string> {
  if (!existsSync(path)) return E.left(`no such file or folder: ${path}`);
  if (!statSync(path).isDirectory()) return E.right(path);
  const file = join(path, METRICS_FILE);
  return existsSync(file)
    ? E.right(file)
    : E.left(`folder ${path} holds no ${METRICS_FILE}: expected a run folder or a metrics file`);
}

/**
 * A recording's first line is a JSON event (the file sink writes whole lines, and only the last
 * one can be torn by a kill); a file whose first line is not JSON at all (a PNG, a text file) is
 * not NDJSON, and is refused whole rather than reported line by line.
 */
export function checkNdjson(file: string): E.Either<string, string> {
  for (const text of lines(file)) {
    if (isOverLong(text))
      return E.left(
        `${file}: not NDJSON (its first line is ${overLongReason(text)}): expected a metrics.ndjson written by ganstream`,
      );
    if (text.trim() === '') continue;
    try {
      JSON.parse(text);
      return E.right(file);
    } catch {
      const shown = JSON.stringify(text.slice(0, 24)).replace(/[^\x20-\x7e]/g, '?');
      return E.left(
        `${file}: not NDJSON (its first line, ${shown}${text.length > 24 ? '...' : ''}, is not JSON): expected a metrics.ndjson written by ganstream`,
      );
    }
  }
  return E.right(file);
}

/** Every non-blank line of a recording file as an event or a bad record. */
export const records = (file: string): Generator<RecordLine> => recordLines(lines(file));
