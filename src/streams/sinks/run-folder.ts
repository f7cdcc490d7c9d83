/**
 * A run folder's sinks in one place, for every driver of a run (the CLI, the studio): the folder
 * prepared (a resumed run's record cut at its checkpoint), the record, the pictures and the
 * checkpoints written as events arrive, and the networks saved at the end.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { type Connectable, connectable, lastValueFrom, type Observable, Subscription } from 'rxjs';
import type { Dataset } from '../../data/dataset.ts';
import type { BackendInfo } from '../../model/backend.ts';
import type { Gan } from '../../model/gan.ts';
import { networkFiles } from '../../model/persistence.ts';
import { CHECKPOINT_FILE } from '../checkpoint-run.ts';
import type { TrainConfig } from '../config.ts';
import type { TrainingEvent } from '../events.ts';
import { type TrainingOptions, training$ } from '../training.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { canvasSink } from './canvas.ts';
import { checkpointSink } from './checkpoint.ts';
import { fileSink, METRICS_FILE } from './file.ts';

/** Creates the folder; a resumed run's record is rewritten to the lines it keeps, a forced new run's old record and checkpoint removed. */
export function openRunFolder(
  dir: string,
  o: { keptLines?: readonly string[]; force?: boolean },
): E.Either<string, string> {
  try {
    mkdirSync(dir, { recursive: true });
    if (o.keptLines) writeFileAtomic(join(dir, METRICS_FILE), o.keptLines.map((l) => `${l}\n`).join(''));
    else if (o.force) for (const f of [METRICS_FILE, CHECKPOINT_FILE]) rmSync(join(dir, f), { force: true });
    return E.right(dir);
  } catch (e) {
    return E.left(
      `--out: cannot create or write folder ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): expected a folder this user can write`,
    );
  }
}

/** metrics.ndjson and summary.json, the PNGs, the checkpoints. `recorded`: events at the stream's head already in the record. */
export function runFolderSinks(events$: Observable<TrainingEvent>, dir: string, recorded = 0): Subscription {
  const all = new Subscription();
  all.add(fileSink(events$, dir, { recorded }));
  all.add(canvasSink(events$, dir));
  all.add(checkpointSink(events$, dir));
  return all;
}

/** generator/ and discriminator/ as TensorFlow.js layers models. */
export async function saveNetworks(
  gan: Gan,
  dir: string,
  rows: number,
  cols: number,
  loss: TrainConfig['loss'],
): Promise<void> {
  for (const [name, bytes] of Object.entries(await networkFiles(gan, rows, cols, loss))) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileAtomic(join(dir, name), bytes);
  }
}

/** What a run into its folder needs: the networks, the data and settings, and how it is steered. */
export interface FolderRun {
  readonly gan: Gan;
  readonly data: Dataset;
  readonly config: TrainConfig;
  readonly backend: BackendInfo;
  readonly dir: string;
  /** Steering, the judge and the resume point, as training$ takes them. */
  readonly options: TrainingOptions;
  /** Called when the run has ended and its networks are about to be saved. */
  readonly onSaving?: () => void;
}

/**
 * A training run wired to its run folder, as the CLI and the studio both run it: one shared event
 * stream with the folder's sinks subscribed. Callers subscribe their own sinks to `events$`, then
 * call `start()`: it resolves, once the run has ended and (unless it diverged) its networks are
 * saved, with the last event; it rejects if training fails.
 */
export function trainIntoFolder(run: FolderRun): {
  readonly events$: Observable<TrainingEvent>;
  readonly start: () => Promise<TrainingEvent>;
  readonly subscription: Subscription;
} {
  const { gan, data, config, dir } = run;
  const events$: Connectable<TrainingEvent> = connectable(training$(gan, data, config, run.backend, run.options));
  const subscription = runFolderSinks(events$, dir, run.options.resume?.history.length ?? 0);
  const start = async () => {
    const last = lastValueFrom(events$);
    subscription.add(events$.connect());
    const end = await last;
    if (end.type === 'run-ended' && end.status !== 'diverged') {
      run.onSaving?.();
      await saveNetworks(gan, dir, data.rows, data.cols, config.loss);
    }
    return end;
  };
  return { events$, start, subscription };
}
