/**
 * The file sink: metrics.ndjson (every event, one line each, written as it happens) and, when the
 * run ends, summary.json.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Observable, Subscription } from 'rxjs';
import { SummaryAccumulator } from '../analysis/summary.ts';
import { METRICS_FILE } from '../checkpoint-run.ts';
import { encodeEvent, JsonNumber, type TrainingEvent } from '../events.ts';
import { writeFileAtomic } from './atomic-write.ts';

export { METRICS_FILE };
export const SUMMARY_FILE = 'summary.json';

/** JSON with NaN and infinities written as null, as the event codecs do. */
export const toJson = (value: unknown): string =>
  `${JSON.stringify(value, (_k, v) => (typeof v === 'number' ? JsonNumber.encode(v) : v), 2)}\n`;

export interface FileSinkOptions {
  /** Events at the head of the stream that are already in metrics.ndjson (a resumed run's record): counted in the summary, not written again. */
  readonly recorded?: number;
}

export function fileSink(events$: Observable<TrainingEvent>, dir: string, o: FileSinkOptions = {}): Subscription {
  const fd = openSync(join(dir, METRICS_FILE), 'a');
  const summary = new SummaryAccumulator();
  let open = true;
  let seen = 0;
  const close = () => {
    if (open) {
      closeSync(fd);
      open = false;
    }
  };
  const subscription = events$.subscribe({
    next(e) {
      if (++seen > (o.recorded ?? 0)) writeSync(fd, `${encodeEvent(e)}\n`);
      summary.add(e);
      if (e.type === 'run-ended') writeFileAtomic(join(dir, SUMMARY_FILE), toJson(summary.result()));
    },
    error: close,
    complete: close,
  });
  subscription.add(close);
  return subscription;
}
