/**
 * Reading a recorded metrics.ndjson back: line by line in bounded memory (lines.ts), each line decoded by
 * the same codecs the file sink wrote it with. Bad lines (torn by a kill, or garbage) are values
 * with their line numbers, not exceptions.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { asyncScheduler, concatMap, from, map, type Observable, of, type SchedulerLike, timer } from 'rxjs';
import { decodeEvent, type TrainingEvent } from '../events.ts';
import { METRICS_FILE } from '../sinks/file.ts';
import { isOverLong, lines, overLongReason } from './lines.ts';

export interface BadRecord {
  readonly line: number;
  readonly reason: string;
}
export type RecordLine = { readonly line: number; readonly event: TrainingEvent } | BadRecord;
export const isBad = (r: RecordLine): r is BadRecord => 'reason' in r;

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

/** Every non-blank line of a recording as an event or a bad record. */
export function* records(file: string): Generator<RecordLine> {
  let line = 0;
  for (const text of lines(file)) {
    line++;
    if (isOverLong(text)) {
      yield { line, reason: overLongReason(text) };
      continue;
    }
    if (text.trim() === '') continue;
    const decoded = decodeEvent(text);
    yield E.isRight(decoded) ? { line, event: decoded.right } : { line, reason: decoded.left };
  }
}

/** Seconds since the run started at which an event happened, where the event says. */
const timeOf = (e: TrainingEvent): number | null => ('time' in e ? e.time : null);

/**
 * The recorded events as a stream. With a speed, events keep their recorded spacing divided by
 * it (for feeding a live dashboard); without, they come as fast as they are read. The scheduler
 * keeps the time (tests pass a virtual one).
 */
export function replay$(
  recorded: Iterable<RecordLine>,
  speed: number | null,
  scheduler: SchedulerLike = asyncScheduler,
): Observable<RecordLine> {
  const all$ = from(recorded);
  if (speed === null) return all$;
  let started: number | null = null;
  return all$.pipe(
    concatMap((r) => {
      const t = isBad(r) ? null : timeOf(r.event);
      if (t === null) return of(r);
      if (started === null) started = scheduler.now() - (t * 1000) / speed;
      const due = started + (t * 1000) / speed - scheduler.now();
      return due > 0 ? timer(due, scheduler).pipe(map(() => r)) : of(r);
    }),
  );
}
