/**
 * How far a run got and how it ended, from its record's events (the last ones are enough): the
 * runs list's status under Node (runs.ts reads a record's tail) and in a browser tab (the site's
 * runs are in memory). Imports nothing from node:.
 */
import { stepOf, type TrainingEvent } from '../streams/events.ts';
import type { RunListing } from './answers.ts';

export interface RunProgress {
  /** The last step recorded. */
  readonly steps: number;
  readonly status: Exclude<RunListing['status'], 'unreadable'>;
  /** The plan of the last resume among the events, which may have changed the epochs. */
  readonly resumed: { readonly epochs: number; readonly totalSteps: number } | null;
}

export function runProgress(events: Iterable<TrainingEvent>): RunProgress {
  let steps = 0;
  let status: RunProgress['status'] = 'open';
  let resumed: RunProgress['resumed'] = null;
  for (const e of events) {
    if (e.type === 'run-resumed') {
      resumed = { epochs: e.epochs, totalSteps: e.totalSteps };
      status = 'open';
    }
    if (e.type === 'run-ended') status = e.status;
    steps = Math.max(steps, stepOf(e));
  }
  return { steps, status, resumed };
}
