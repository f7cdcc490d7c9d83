/**
 * A recorded run (metrics.ndjson) as events: the one decoder of a record, wherever its lines come
 * from (a file read in bounded chunks, a page's fetched text). Each line is decoded by the codecs
 * the file sink wrote it with; bad lines (torn by a kill, too long, or garbage) are values with
 * their line numbers, not exceptions. And the replay's pacing: the recorded events as a stream at
 * their recorded spacing. Imports nothing from node: the pages bundle it.
 */
import * as E from 'fp-ts/lib/Either.js';
import { asyncScheduler, concatMap, from, map, type Observable, of, type SchedulerLike, timer } from 'rxjs';
import { decodeEvent, type TrainingEvent } from '../events.ts';

/**
 * The longest line read back (4 MiB). ganstream's longest lines, milestone grids of 64 images,
 * are about 70 kB.
 */
export const MAX_LINE_BYTES = 4 << 20;

/** A line too long to keep: `overLong` is its length in bytes (at least). */
export interface OverLong {
  readonly overLong: number;
}
export type Line = string | OverLong;
export const isOverLong = (l: Line): l is OverLong => typeof l !== 'string';
export const overLongReason = (l: OverLong, max = MAX_LINE_BYTES): string =>
  `a line of ${l.overLong.toLocaleString('en-US')} bytes or more, over the ${max.toLocaleString('en-US')} a record line may have`;

export interface BadRecord {
  readonly line: number;
  readonly reason: string;
}
export type RecordLine = { readonly line: number; readonly event: TrainingEvent } | BadRecord;
export const isBad = (r: RecordLine): r is BadRecord => 'reason' in r;

/** Every non-blank line of a record as an event or a bad record, numbered from 1. */
export function* recordLines(texts: Iterable<Line>): Generator<RecordLine> {
  let line = 0;
  for (const text of texts) {
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

/** A whole record's text (as a page fetches it) split into lines, the over-long ones kept out as their size. */
export function* textLines(text: string, max = MAX_LINE_BYTES): Generator<Line> {
  for (const line of text.split('\n')) yield line.length > max ? { overLong: line.length } : line;
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
