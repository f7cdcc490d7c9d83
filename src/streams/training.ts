/**
 * A whole training run as one observable of events: run started, then for every (batch, noise)
 * pair a D step and a G step, epoch summaries, milestone grids and warnings, then run ended.
 * Cold: nothing happens until it is subscribed; share it to feed several sinks.
 */

import * as E from 'fp-ts/lib/Either.js';
import {
  concat,
  defer,
  filter,
  from as from$,
  map,
  type Observable,
  type OperatorFunction,
  of,
  pipe,
  takeWhile,
  tap,
} from 'rxjs';
import type { Dataset } from '../data/dataset.ts';
import { classNamesOf } from '../data/names.ts';
import { normals, Streams, seeded } from '../data/random.ts';
import type { BackendInfo } from '../model/backend.ts';
import { parseCheckpoint, restore, snapshot } from '../model/checkpoint.ts';
import { classCount, cyclingLabels } from '../model/condition.ts';
import type { Gan } from '../model/gan.ts';
import { countParams, layerRows } from '../model/network.ts';
import { pairwiseDiversity } from './analysis/diversity.ts';
import { type CheckpointRun, packFloats, unpackFloats } from './checkpoint-run.ts';
import { dStepsOf, milestoneEpochs, milestoneSteps, qualityEpochs, realPerStep, type TrainConfig } from './config.ts';
import { datasetIdentity } from './dataset-identity.ts';
import { type RunStarted, type Step, stepOf, type TrainingEvent, toGreyLevels } from './events.ts';
import { checkpoints, checkpointTaken } from './operators/checkpoints.ts';
import { comparison, sampleImages } from './operators/comparison.ts';
import { epochSummaries } from './operators/epoch-summaries.ts';
import { milestones } from './operators/milestones.ts';
import { type Judge, qualityChecks } from './operators/quality-checks.ts';
import { SNAPSHOT_COUNT, snapshots } from './operators/snapshots.ts';
import { trainStep } from './operators/train-step.ts';
import { warnings, warningWindow } from './operators/warnings.ts';
import { type Batch, batches, startAfter, stepsPerEpoch } from './sources/batches.ts';
import { milestoneNoise, type NoiseBatch, noise } from './sources/noise.ts';
import { zipPaced } from './sources/paced.ts';

/** Images in each milestone grid (8 x 8; a conditional run's, 8 per class). */
export const MILESTONE_COUNT = 64;
export const MILESTONE_COLUMNS = 8;

/** `times` copies of `values` one after the other. */
function tile(values: Float32Array, times: number): Float32Array {
  const out = new Float32Array(values.length * times);
  for (let i = 0; i < times; i++) out.set(values, i * values.length);
  return out;
}

/** Real and generated images side by side at the end of a run. */
export const COMPARISON_COUNT = 8;

export function runStartedEvent(gan: Gan, dataset: Dataset, config: TrainConfig, backend: BackendInfo): RunStarted {
  const perEpoch = stepsPerEpoch(dataset, realPerStep(config));
  return {
    type: 'run-started',
    version: 1,
    startedAt: new Date().toISOString(),
    config,
    backend: {
      name: backend.name,
      threads: backend.threads,
      kernels: [...backend.kernels],
      blas: backend.blas ?? null,
      why: backend.why ?? null,
    },
    dataset: datasetIdentity(dataset),
    stepsPerEpoch: perEpoch,
    totalSteps: perEpoch * config.epochs,
    params: {
      generator: { ...countParams(gan.generator), layers: layerRows(gan.generator) },
      discriminator: { ...countParams(gan.discriminator), layers: layerRows(gan.discriminator) },
    },
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
  /** Polled before each step: true holds the run there (paused) until it returns false. A stop request should release it. */
  readonly hold?: () => boolean;
  /** Polled before each step: 'd' or 'g' updates only that network (the studio's step mode). */
  readonly only?: () => 'd' | 'g' | null;
  readonly resume?: Resume;
  /** Scores generated images (the evaluator's classifier): quality events at the config's quality epochs. */
  readonly judge?: Judge;
  /**
   * Each emission, between steps (a pause), takes a checkpoint of the state after the last step
   * trained, unless that step has one already: so that a run held for long loses nothing.
   */
  readonly checkpointNow?: Observable<unknown>;
}

/** Images each quality check draws from its fixed noise. */
export const QUALITY_SAMPLES = 1000;

/** Rollbacks a run with `onNan: 'rollback'` makes before it ends as diverged. */
export const MAX_ROLLBACKS = 3;

const finiteStep = (s: Step) => Number.isFinite(s.dLoss) && Number.isFinite(s.gLoss);

/** What a run draws from and compares with, fixed at its start (or at the start it resumes). */
interface FixedInputs {
  readonly started: RunStarted;
  readonly conditional: boolean;
  /** The milestone grids' noise: a conditional run's has one row per class, the same MILESTONE_COLUMNS vectors in every row. */
  readonly noise: Float32Array;
  readonly labels: Uint8Array | undefined;
  /** How different real images are from each other: mode collapse is measured against it. */
  readonly realDiversity: number;
  /** Quality checks: their epochs, judge and noise (null: none). */
  readonly quality: { readonly epochs: number[]; readonly judge: Judge; readonly noise: Float32Array } | null;
  /** What every checkpoint of the run records besides its position. */
  readonly checkpointed: Pick<CheckpointRun, 'config' | 'dataset' | 'milestoneNoise'>;
}

function fixedInputs(
  gan: Gan,
  dataset: Dataset,
  config: TrainConfig,
  backend: BackendInfo,
  options: TrainingOptions,
): FixedInputs {
  const resume = options.resume;
  const conditional = gan.conditioning !== 'none';
  const noise = resume
    ? unpackFloats(resume.run.milestoneNoise)
    : conditional
      ? tile(milestoneNoise(config.seed, MILESTONE_COLUMNS, gan.noiseDim), classCount(dataset))
      : milestoneNoise(config.seed, MILESTONE_COUNT, gan.noiseDim);
  const labels = conditional
    ? Uint8Array.from({ length: noise.length / gan.noiseDim }, (_, i) => Math.floor(i / MILESTONE_COLUMNS))
    : undefined;
  const realCount = Math.min(MILESTONE_COUNT, dataset.count);
  const qualityAt = qualityEpochs(config);
  const judge = options.judge && qualityAt.length > 0 ? options.judge : null;
  return {
    started: runStartedEvent(gan, dataset, config, backend),
    conditional,
    noise,
    labels,
    realDiversity: pairwiseDiversity(toGreyLevels(sampleImages(dataset, realCount, config.seed)), realCount),
    quality: judge
      ? {
          epochs: qualityAt,
          judge,
          noise: normals(seeded(config.seed, Streams.qualityNoise), QUALITY_SAMPLES * gan.noiseDim),
        }
      : null,
    checkpointed: {
      config,
      dataset: datasetIdentity(dataset),
      milestoneNoise: packFloats(noise),
    },
  };
}

/**
 * What the parts of one run share and change as it goes: a run is one process, and this is its
 * memory, in one place.
 */
class RunState {
  rollbacks: number;
  /** A stop was asked for; the run ends after the current step. */
  stopped = false;
  /** The last step trained in this segment (null: none yet). */
  last: Step | null = null;
  /** The steps that stand (abandoned attempts removed): a segment after a rollback replays them through the operators. */
  readonly steps: Step[];
  /** The batch and noise of the latest step: where a checkpoint taken after it resumes. */
  cursor: [Batch, NoiseBatch] | null = null;
  /** The last good state, in memory, for a rollback: the start, then every checkpoint taken. */
  good: { run: CheckpointRun; bytes: Uint8Array } | null = null;

  constructor(resume: Resume | undefined) {
    this.rollbacks = resume?.run.rollbacks ?? 0;
    this.steps = (resume?.history ?? []).filter((e): e is Step => e.type === 'step');
  }

  /** Where a checkpoint taken after step `s` resumes. */
  runAfter(s: Step, stepsPerEpoch: number, fixed: FixedInputs): CheckpointRun {
    if (!this.cursor) throw new Error(`a checkpoint after step ${s.step} before any step was trained`);
    const [batch, pair] = this.cursor;
    return {
      step: s.step,
      epoch: s.epoch,
      time: s.time,
      batches: startAfter(batch, stepsPerEpoch),
      noise: pair.after,
      ...fixed.checkpointed,
      rollbacks: this.rollbacks,
    };
  }
}

/** A run's position before its first step. */
function startOf(config: TrainConfig, fixed: FixedInputs, rollbacks: number): CheckpointRun {
  return {
    step: 0,
    epoch: 0,
    time: 0,
    batches: { step: 0, shuffle: seeded(config.seed, Streams.shuffle).state() },
    noise: seeded(config.seed, Streams.noise).state(),
    ...fixed.checkpointed,
    rollbacks,
  };
}

/**
 * The steps trained from a checkpoint's position (null: the run's start) until the data ends, a
 * stop is asked for, or a loss is not finite (that step included).
 */
function stepLoop(
  gan: Gan,
  dataset: Dataset,
  config: TrainConfig,
  fixed: FixedInputs,
  from: CheckpointRun | null,
  options: TrainingOptions,
  state: RunState,
  startedAt: number,
): Observable<Step> {
  const pairs$ = zipPaced(
    batches(dataset, {
      batchSize: realPerStep(config),
      epochs: config.epochs,
      seed: config.seed,
      start: from?.batches,
    }),
    noise(
      {
        batchSize: config.batchSize,
        noiseDim: gan.noiseDim,
        seed: config.seed,
        dSteps: dStepsOf(config),
        classes: fixed.conditional ? classCount(dataset) : 0,
      },
      from?.noise,
    ),
    options.hold,
  );
  return pairs$.pipe(
    // Asked before each step; once asked, the run stays stopped.
    map((pair) => ({ pair, stop: state.stopped || (options.stop?.() ?? false) })),
    tap(({ stop }) => {
      if (stop) state.stopped = true;
    }),
    takeWhile(({ stop }) => !stop),
    map(({ pair }) => pair),
    tap((pair) => {
      state.cursor = pair;
    }),
    trainStep(gan, {
      loss: config.loss,
      labelSmoothing: config.labelSmoothing,
      seed: config.seed,
      startedAt,
      dSteps: dStepsOf(config),
      lrSchedule: config.lrSchedule,
      totalSteps: fixed.started.totalSteps,
      only: options.only,
    }),
    takeWhile(finiteStep, true),
  );
}

/**
 * Steps into a run's events: epoch summaries, milestone grids, snapshots, quality checks, the
 * closing comparison, warnings, and checkpoints (`take` writes one). Events of steps up to `done`
 * (recorded before a resume or kept by a rollback) only prime the stateful operators and are
 * dropped.
 */
function runEvents(
  gan: Gan,
  dataset: Dataset,
  config: TrainConfig,
  fixed: FixedInputs,
  o: {
    readonly done: number;
    readonly take: (s: Step) => Uint8Array;
    readonly stopped: () => boolean;
    readonly now?: Observable<unknown>;
  },
): OperatorFunction<Step, TrainingEvent> {
  const { started, noise: fixedNoise, conditional, quality } = fixed;
  const window = warningWindow(started.stepsPerEpoch);
  return pipe(
    epochSummaries(started.stepsPerEpoch, realPerStep(config)),
    milestones(gan, {
      epochs: milestoneEpochs(config.milestones, config.epochs),
      steps: milestoneSteps(config.milestoneSteps, started.totalSteps),
      stepsPerEpoch: started.stepsPerEpoch,
      noise: fixedNoise,
      labels: fixed.labels,
      rowLabels: conditional ? classNamesOf(dataset) : undefined,
      rows: dataset.rows,
      cols: dataset.cols,
      realDiversity: fixed.realDiversity,
      after: o.done,
    }),
    snapshots(gan, {
      every: config.snapshotEvery ?? 0,
      noise: fixedNoise.subarray(0, Math.min(SNAPSHOT_COUNT, MILESTONE_COUNT) * gan.noiseDim),
      // A conditional run's snapshot draws the classes in turn: 0-3, 4-7, 8, 9, 0, 1, 2-5.
      labels: conditional ? cyclingLabels(SNAPSHOT_COUNT, classCount(dataset)) : undefined,
      rows: dataset.rows,
      cols: dataset.cols,
      after: o.done,
    }),
    quality
      ? qualityChecks(gan, { ...quality, after: o.done, classes: classCount(dataset) })
      : (x: Observable<TrainingEvent>) => x,
    comparison(gan, dataset, {
      count: COMPARISON_COUNT,
      noise: fixedNoise.subarray(0, COMPARISON_COUNT * gan.noiseDim),
      loss: config.loss,
      seed: config.seed,
    }),
    warnings({
      settings: config,
      window,
      collapseBy: quality ? 'coverage' : 'diversity',
      // The weight average's time constant, 1 / (1 - decay) steps: before it the average is mostly the initial weights.
      collapseAfter: Math.max(window, config.ema > 0 ? Math.ceil(1 / (1 - config.ema)) : 0),
    }),
    filter((e) => stepOf(e) > o.done),
    checkpoints({ every: config.checkpointEvery ?? null, take: o.take, final: o.stopped, after: o.done, now: o.now }),
  );
}

/**
 * After a segment that diverged, with rollbacks allowed and left: the last good checkpoint
 * restored in place, both learning rates halved, and its events (rolled back, checkpoint taken).
 * Null when the run ends instead.
 */
function rollBack(
  gan: Gan,
  config: TrainConfig,
  state: RunState,
  time: number,
): { run: CheckpointRun; events: TrainingEvent[] } | null {
  const last = state.last;
  const diverged = last !== null && !finiteStep(last);
  if (
    !last ||
    !diverged ||
    config.onNan !== 'rollback' ||
    !state.good ||
    state.rollbacks >= MAX_ROLLBACKS ||
    state.stopped
  )
    return null;
  const to = state.good.run;
  const loaded = parseCheckpoint(state.good.bytes);
  if (E.isLeft(loaded)) throw new Error(`rollback: the in-memory checkpoint does not parse (${loaded.left})`);
  const restored = restore(gan, loaded.right);
  if (E.isLeft(restored)) throw new Error(`rollback: ${restored.left}`);
  state.rollbacks++;
  gan.gOptimizer.lr /= 2;
  gan.dOptimizer.lr /= 2;
  const rolledBack: TrainingEvent = {
    type: 'rolled-back',
    step: to.step,
    epoch: to.epoch,
    time,
    diverged: last.step,
    lr: gan.dOptimizer.lr,
    rollback: state.rollbacks,
    of: MAX_ROLLBACKS,
  };
  state.steps.length = state.steps.filter((s) => s.step <= to.step).length;
  // The halved rate and the rollback count are state too: a checkpoint of the same step records them.
  const run: CheckpointRun = { ...to, time, rollbacks: state.rollbacks };
  const bytes = snapshot(gan, run);
  state.good = { run, bytes };
  state.last = null;
  return { run, events: [rolledBack, checkpointTaken({ step: to.step, epoch: to.epoch, time }, bytes)] };
}

/** The opening events: the run started, or the record so far and the run resumed. */
function opening(config: TrainConfig, fixed: FixedInputs, resume: Resume | undefined): TrainingEvent[] {
  if (!resume) return [fixed.started];
  const { step, epoch, time } = resume.run;
  return [
    ...resume.history,
    { type: 'run-resumed', step, epoch, time, epochs: config.epochs, totalSteps: fixed.started.totalSteps },
  ];
}

export function training$(
  gan: Gan,
  dataset: Dataset,
  config: TrainConfig,
  backend: BackendInfo,
  options: TrainingOptions = {},
): Observable<TrainingEvent> {
  return defer(() => {
    const resume = options.resume;
    const startedAt = performance.now() - (resume?.run.time ?? 0) * 1000;
    const elapsed = () => (performance.now() - startedAt) / 1000;
    const fixed = fixedInputs(gan, dataset, config, backend, options);
    const state = new RunState(resume);
    if (config.onNan === 'rollback') {
      const run = resume?.run ?? startOf(config, fixed, state.rollbacks);
      state.good = { run, bytes: snapshot(gan, run) };
    }

    /** Training from a checkpoint's position (null: the run's start) until the data ends, a stop or a NaN. */
    const segment = (from: CheckpointRun | null): Observable<TrainingEvent> =>
      defer(() => {
        const done = from?.step ?? 0;
        const take = (s: Step): Uint8Array => {
          const run = state.runAfter(s, fixed.started.stepsPerEpoch, fixed);
          const bytes = snapshot(gan, run);
          if (config.onNan === 'rollback') state.good = { run, bytes };
          return bytes;
        };
        const trained$ = stepLoop(gan, dataset, config, fixed, from, options, state, startedAt).pipe(
          tap((s) => {
            state.last = s;
            if (finiteStep(s)) state.steps.push(s);
          }),
        );
        return concat(from$(state.steps.filter((s) => s.step <= done)), trained$).pipe(
          runEvents(gan, dataset, config, fixed, {
            done,
            take,
            stopped: () => state.stopped,
            now: options.checkpointNow,
          }),
        );
      });

    /** After a segment: a rollback and the next segment, or the end of the run. */
    const afterSegment = (): Observable<TrainingEvent> =>
      defer(() => {
        const back = rollBack(gan, config, state, elapsed());
        if (back) return concat(from$(back.events), segment(back.run), afterSegment());
        const diverged = state.last !== null && !finiteStep(state.last);
        const end = state.last ?? state.steps.at(-1) ?? resume?.run;
        return of<TrainingEvent>({
          type: 'run-ended',
          status: diverged ? 'diverged' : state.stopped ? 'interrupted' : 'completed',
          step: end?.step ?? 0,
          epoch: end?.epoch ?? 0,
          time: elapsed(),
        });
      });

    return concat(from$(opening(config, fixed, resume)), segment(resume?.run ?? null), afterSegment());
  });
}
