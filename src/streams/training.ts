/**
 * A whole training run as one observable of events: run started, then for every (batch, noise)
 * pair a D step and a G step, epoch summaries, milestone grids and warnings, then run ended.
 * Cold: nothing happens until it is subscribed; share it to feed several sinks.
 */
import { concat, defer, filter, from, Observable, of, takeWhile, tap } from 'rxjs';
import type { Dataset } from '../data/dataset.ts';
import type { BackendInfo } from '../model/backend.ts';
import type { Gan } from '../model/gan.ts';
import { countParams } from '../model/network.ts';
import { milestoneEpochs, type TrainConfig } from './config.ts';
import { stepOf, type RunStarted, type Step, type TrainingEvent } from './events.ts';
import { packFloats, unpackFloats, type CheckpointRun } from './checkpoint-run.ts';
import { snapshot } from '../model/checkpoint.ts';
import { checkpoints } from './operators/checkpoints.ts';
import { epochSummaries } from './operators/epoch-summaries.ts';
import { milestones } from './operators/milestones.ts';
import { comparison, sampleImages } from './operators/comparison.ts';
import { pairwiseDiversity } from './analysis/diversity.ts';
import { toGreyLevels } from './events.ts';
import { trainStep } from './operators/train-step.ts';
import { warnings } from './operators/warnings.ts';
import { batches, startAfter, stepsPerEpoch, type Batch } from './sources/batches.ts';
import { milestoneNoise, noise, type NoiseBatch } from './sources/noise.ts';
import { zipPaced } from './sources/paced.ts';

/** Images in each milestone grid (8 x 8). */
export const MILESTONE_COUNT = 64;
/** Steps over which warnings judge a condition: an epoch, within 20 to 200 steps. */
export const warningWindow = (stepsPerEpoch: number) => Math.min(200, Math.max(20, stepsPerEpoch));

/** Real and generated images side by side at the end of a run. */
export const COMPARISON_COUNT = 8;

export function runStartedEvent(gan: Gan, dataset: Dataset, config: TrainConfig, backend: BackendInfo): RunStarted {
  const perEpoch = stepsPerEpoch(dataset, config.batchSize);
  return {
    type: 'run-started',
    version: 1,
    startedAt: new Date().toISOString(),
    config,
    backend: { name: backend.name, threads: backend.threads, kernels: [...backend.kernels] },
    dataset: { name: dataset.name, count: dataset.count, rows: dataset.rows, cols: dataset.cols },
    stepsPerEpoch: perEpoch,
    totalSteps: perEpoch * config.epochs,
    params: { generator: countParams(gan.generator), discriminator: countParams(gan.discriminator) },
  };
}

/** A run that continues from a checkpoint: its position and the record up to it. */
export interface Resume {
  readonly run: CheckpointRun;
  /** The recorded events up to the checkpoint's step (no run-ended). */
  readonly history: readonly TrainingEvent[];
}

export interface TrainingOptions {
  /** Polled between steps: true stops the run after the current step, with a checkpoint. */
  readonly stop?: () => boolean;
  readonly resume?: Resume;
}

export function training$(gan: Gan, dataset: Dataset, config: TrainConfig, backend: BackendInfo, options: TrainingOptions = {}): Observable<TrainingEvent> {
  return defer(() => {
    const resume = options.resume;
    const done = resume?.run.step ?? 0;
    const startedAt = performance.now() - (resume?.run.time ?? 0) * 1000;
    const started = runStartedEvent(gan, dataset, config, backend);
    let last: Step | null = null;
    let stopped = false;
    let cursor: [Batch, NoiseBatch] | null = null;
    const fixedNoise = resume ? unpackFloats(resume.run.milestoneNoise) : milestoneNoise(config.seed, MILESTONE_COUNT, gan.noiseDim);
    const dataIdentity = { name: dataset.name, count: dataset.count, rows: dataset.rows, cols: dataset.cols };
    const live$ = zipPaced(
      batches(dataset, { batchSize: config.batchSize, epochs: config.epochs, seed: config.seed, start: resume?.run.batches }),
      noise({ batchSize: config.batchSize, noiseDim: gan.noiseDim, seed: config.seed }, resume?.run.noise),
    ).pipe(
      takeWhile(() => !(stopped = stopped || (options.stop?.() ?? false))),
      tap((pair) => { cursor = pair; }),
      trainStep(gan, { loss: config.loss, labelSmoothing: config.labelSmoothing, seed: config.seed, startedAt }),
      takeWhile((s) => Number.isFinite(s.dLoss) && Number.isFinite(s.gLoss), true),
    );
    // A resumed run's recorded steps go through the stateful operators first (epoch means, warning
    // windows), and what those operators make of them again is dropped: it is already recorded.
    const recorded$ = from((resume?.history ?? []).filter((e): e is Step => e.type === 'step'));
    const take = (s: Step): Uint8Array => {
      const [batch, pair] = cursor!;
      const run: CheckpointRun = {
        step: s.step, epoch: s.epoch, time: s.time,
        batches: startAfter(batch, started.stepsPerEpoch), noise: pair.after,
        config, dataset: dataIdentity, milestoneNoise: packFloats(fixedNoise),
      };
      return snapshot(gan, run);
    };
    const realSample = toGreyLevels(sampleImages(dataset, Math.min(MILESTONE_COUNT, dataset.count), config.seed));
    const body$ = concat(recorded$, live$).pipe(
      epochSummaries(started.stepsPerEpoch, config.batchSize),
      milestones(gan, {
        epochs: milestoneEpochs(config.milestones, config.epochs),
        noise: fixedNoise,
        rows: dataset.rows,
        cols: dataset.cols,
        realDiversity: pairwiseDiversity(realSample, Math.min(MILESTONE_COUNT, dataset.count)),
      }),
      comparison(gan, dataset, {
        epoch: config.epochs,
        count: COMPARISON_COUNT,
        noise: fixedNoise.subarray(0, COMPARISON_COUNT * gan.noiseDim),
        loss: config.loss,
        seed: config.seed,
      }),
      warnings({ window: warningWindow(started.stepsPerEpoch) }),
      filter((e) => stepOf(e) > done),
      checkpoints({ every: config.checkpointEvery ?? null, take, final: () => stopped, after: done }),
    );
    const ended$ = defer(() => of<TrainingEvent>({
      type: 'run-ended',
      status: last && !(Number.isFinite(last.dLoss) && Number.isFinite(last.gLoss)) ? 'diverged' : stopped ? 'interrupted' : 'completed',
      step: last?.step ?? done,
      epoch: last?.epoch ?? resume?.run.epoch ?? 0,
      time: (performance.now() - startedAt) / 1000,
    }));
    const tracked$ = new Observable<TrainingEvent>((s) => body$.subscribe({
      next: (e) => { if (e.type === 'step') last = e; s.next(e); },
      error: (err) => s.error(err),
      complete: () => s.complete(),
    }));
    const opening$ = resume
      ? from<TrainingEvent[]>([...resume.history, {
          type: 'run-resumed', step: done, epoch: resume.run.epoch, time: resume.run.time, epochs: config.epochs, totalSteps: started.totalSteps,
        }])
      : of<TrainingEvent>(started);
    return concat(opening$, tracked$, ended$);
  });
}
