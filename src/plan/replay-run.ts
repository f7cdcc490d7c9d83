/**
 * Replaying recordings: one run back through the same warnings, summary and history plot as a
 * live run, or several runs' curves and summaries side by side. Errors are values; the script
 * prints them.
 */
import * as E from 'fp-ts/lib/Either.js';
import { lastValueFrom, map, mergeMap, type Observable, of, tap } from 'rxjs';
import { History } from '../streams/analysis/history.ts';
import { type Stats, type Summary, SummaryAccumulator } from '../streams/analysis/summary.ts';
import type { RunStarted, TrainingEvent, Warning } from '../streams/events.ts';
import { warningsAgain } from '../streams/operators/warnings.ts';
import { type BadRecord, isBad, type RecordLine, replay$ } from '../streams/sources/record-lines.ts';
import { checkNdjson, recordingPath, records } from '../streams/sources/recording.ts';

export interface ReplayResult {
  readonly summary: Summary;
  readonly history: History;
  readonly run: RunStarted | null;
  readonly stepsPerEpoch: number;
  readonly events: number;
  readonly bad: readonly BadRecord[];
  readonly warnings: readonly Warning[];
}

export interface ReplayHooks {
  readonly onBad?: (b: BadRecord) => void;
  readonly onWarning?: (w: Warning) => void;
  readonly onEvent?: (e: TrainingEvent) => void;
}

function firstRunStarted(file: string): RunStarted | null {
  for (const r of records(file)) if (!isBad(r)) return r.event.type === 'run-started' ? r.event : null;
  return null;
}

/** Replays one recording; Left when the path is wrong or no line of it is a valid event. */
export async function replayRecording(
  path: string,
  speed: number | null,
  hooks: ReplayHooks = {},
): Promise<E.Either<string, ReplayResult>> {
  const file = E.chain(checkNdjson)(recordingPath(path));
  if (E.isLeft(file)) return file;
  const run = firstRunStarted(file.right);
  const summary = new SummaryAccumulator();
  const history = new History();
  const bad: BadRecord[] = [];
  const found: Warning[] = [];
  let events = 0;
  let stepsPerEpoch = run?.stepsPerEpoch ?? 0;
  const all$: Observable<RecordLine> = replay$(records(file.right), speed);
  const events$ = all$.pipe(
    // Bad lines are reported once a valid event shows the file is a recording: a file with none is one error, not a list.
    tap((r) => {
      if (isBad(r)) bad.push(r);
      if (isBad(r) && events > 0) hooks.onBad?.(r);
      if (!isBad(r) && events === 0)
        bad.forEach((b) => {
          hooks.onBad?.(b);
        });
    }),
    mergeMap((r) => (isBad(r) ? [] : of(r.event))),
    warningsAgain(run?.stepsPerEpoch),
    map((e) => {
      events++;
      summary.add(e);
      if (e.type === 'step') history.add(e);
      if (e.type === 'rolled-back') history.rollBack(e.step);
      if (e.type === 'epoch' && stepsPerEpoch === 0) stepsPerEpoch = e.step / e.epoch;
      if (e.type === 'warning') {
        found.push(e);
        hooks.onWarning?.(e);
      }
      hooks.onEvent?.(e);
      return e;
    }),
  );
  await lastValueFrom(events$, { defaultValue: null });
  if (events === 0) {
    const first = bad[0] ? ` (line ${bad[0].line}: ${bad[0].reason})` : '';
    return E.left(
      `${file.right}: no valid events in ${bad.length} line${bad.length === 1 ? '' : 's'}${first}: expected a metrics.ndjson written by ganstream`,
    );
  }
  return E.right({
    summary: summary.result(),
    history,
    run,
    stepsPerEpoch: stepsPerEpoch || 1,
    events,
    bad,
    warnings: found,
  });
}

const n3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '-');
/** Mean ± std; a run stopped before its last 10% of steps has none there. */
const stat = (s: Stats) => (s.count > 0 ? `${n3(s.mean)} ± ${n3(s.std)}` : 'not reached');

/** Several runs' summaries as a table, one column per run. */
export function summariesSideBySide(names: readonly string[], summaries: readonly Summary[]): string {
  const rows: [string, (s: Summary) => string][] = [
    ['architecture', (s) => s.arch ?? '?'],
    ['status', (s) => s.status],
    ['steps', (s) => String(s.steps)],
    ['epochs', (s) => String(s.epochs)],
    ['time (s)', (s) => s.seconds.toFixed(0)],
    ['samples/s', (s) => s.samplesPerSec.toFixed(0)],
    ['warnings', (s) => String(s.warnings)],
    ['D loss, last 10%', (s) => stat(s.last10.dLoss)],
    ['D acc, last 10%', (s) => stat(s.last10.dAcc)],
    ['G loss, last 10%', (s) => stat(s.last10.gLoss)],
    ['D loss, whole run', (s) => stat(s.run.dLoss)],
    ['G loss, whole run', (s) => stat(s.run.gLoss)],
  ];
  const cells = [['', ...names], ...rows.map(([label, f]) => [label, ...summaries.map(f)])];
  const widths = cells[0].map((_, c) => Math.max(...cells.map((r) => r[c].length)));
  return `${cells.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('   ')).join('\n')}\n`;
}
