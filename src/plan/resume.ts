/**
 * A run read back for --resume: its checkpoint, and its record cut at the checkpoint (events after
 * it dropped, a torn last line cut), all checked before anything is written. Imports nothing from
 * node: (resume-folder.ts reads a run folder; the site's tab keeps its runs in the browser).
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { type Checkpoint, parseCheckpoint } from '../model/checkpoint.ts';
import { CheckpointRun, METRICS_FILE } from '../streams/checkpoint-run.ts';
import type { TrainConfig } from '../streams/config.ts';
import { decodeEvent, effectiveEvents, type RunStarted, stepOf, type TrainingEvent } from '../streams/events.ts';
import { CHANGEABLE_ON_RESUME } from './flag-table.ts';

export interface ResumePoint {
  readonly checkpoint: Checkpoint<unknown>;
  readonly run: CheckpointRun;
  readonly history: readonly TrainingEvent[];
  /** The record's lines to keep, as they were written. */
  readonly keptLines: readonly string[];
  /** Lines dropped: after the checkpoint, run-ended, or a torn last line. */
  readonly dropped: number;
  /** Whether the record ends with the run completed at its checkpoint's step: nothing is left to train at this plan. */
  readonly completed: boolean;
}

/** The record up to `step`: valid events, a torn last line cut, anything else bad refused. */
export function cutRecord(
  text: string,
  step: number,
): E.Either<string, Pick<ResumePoint, 'history' | 'keptLines' | 'dropped' | 'completed'>> {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const history: TrainingEvent[] = [];
  const keptLines: string[] = [];
  let dropped = 0;
  let completed = false;
  for (let i = 0; i < lines.length; i++) {
    const decoded = decodeEvent(lines[i]);
    if (E.isLeft(decoded)) {
      if (i === lines.length - 1) {
        dropped++;
        continue;
      }
      return E.left(
        `${METRICS_FILE} line ${i + 1} is not a valid event (${decoded.left}); only a torn last line can be cut`,
      );
    }
    const e = decoded.right;
    if (e.type === 'run-ended') completed = e.status === 'completed' && e.step === step;
    if (e.type === 'run-ended' || stepOf(e) > step) {
      dropped++;
      continue;
    }
    history.push(e);
    keptLines.push(lines[i]);
  }
  if (history[0]?.type !== 'run-started') return E.left(`${METRICS_FILE} does not begin with a run-started event`);
  // Attempts abandoned by a rollback stay in the file but not in the history the run continues from.
  return E.right({ history: effectiveEvents(history), keptLines, dropped, completed });
}

/**
 * A run's resume point from its checkpoint's bytes and its record's text, wherever they were kept
 * (a run folder, a browser's storage): the checkpoint checked against the record. `file` names the
 * checkpoint in messages.
 */
export function resumePointOf(bytes: Uint8Array, record: string, file: string): E.Either<string, ResumePoint> {
  return pipe(
    parseCheckpoint(bytes),
    E.mapLeft((why) => `--resume: ${file}: ${why}`),
    E.chain((checkpoint) =>
      pipe(
        CheckpointRun.decode(checkpoint.header.run),
        E.mapLeft(() => `--resume: ${file}: the run state in it is not valid (written by another version?)`),
        E.map((run) => ({ checkpoint, run })),
      ),
    ),
    E.chain(({ checkpoint, run }) =>
      pipe(
        cutRecord(record, run.step),
        E.mapLeft((why) => `--resume: ${why}`),
        E.map((cut) => ({ checkpoint, run, ...cut })),
      ),
    ),
    E.chain((point) => {
      // A checkpoint copied in from another run: its architecture or seed differs from the record's.
      const recorded = (point.history[0] as RunStarted).config;
      const header = point.checkpoint.header.arch;
      if (header !== point.run.config.arch || recorded.arch !== header) {
        return E.left(
          `--resume: ${file} is of architecture ${header}, but ${METRICS_FILE} records a run of ${recorded.arch}: expected the checkpoint of this run`,
        );
      }
      if (recorded.seed !== point.run.config.seed || recorded.dataset !== point.run.config.dataset) {
        return E.left(
          `--resume: ${file} belongs to another run (seed ${point.run.config.seed}, dataset ${point.run.config.dataset}) than ${METRICS_FILE} (seed ${recorded.seed}, dataset ${recorded.dataset}): expected the checkpoint of this run`,
        );
      }
      return E.right(point);
    }),
  );
}

/** The recorded configuration with the given changes, or the first flag that contradicts the record. */
export function resumedConfig(
  recorded: TrainConfig,
  given: Partial<TrainConfig>,
  stepsDone: number,
  stepsPerEpoch: number,
): E.Either<string, TrainConfig> {
  for (const [key, value] of Object.entries(given)) {
    if ((CHANGEABLE_ON_RESUME as readonly string[]).includes(key)) continue; // the flag table's rule
    const was = (recorded as Record<string, unknown>)[key];
    if (JSON.stringify(value) !== JSON.stringify(was)) {
      return E.left(
        `--resume: ${key} ${JSON.stringify(value)} does not match the run being resumed (${JSON.stringify(was)}); leave it out to keep the recorded value`,
      );
    }
  }
  const config = { ...recorded, ...given };
  if (config.epochs * stepsPerEpoch < stepsDone)
    return E.left(
      `--epochs ${config.epochs} is fewer than the run has done (${Math.ceil(stepsDone / stepsPerEpoch)}): expected at least ${Math.ceil(stepsDone / stepsPerEpoch)}`,
    );
  return E.right(config);
}
