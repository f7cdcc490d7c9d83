/**
 * A whole training run as one observable of events: run started, then for every (batch, noise)
 * pair a D step and a G step, epoch summaries, milestone grids and warnings, then run ended.
 * Cold: nothing happens until it is subscribed; share it to feed several sinks.
 */

import * as E from 'fp-ts/lib/Either.js';
import { concat, defer, filter, from as from$, type Observable, of, takeWhile, tap } from 'rxjs';
import type { Dataset } from '../data/dataset.ts';
import { classNames } from '../data/load.ts';
import { normals, Streams, seeded } from '../data/random.ts';
import type { BackendInfo } from '../model/backend.ts';
import { parseCheckpoint, restore, snapshot } from '../model/checkpoint.ts';
import { CLASSES, cyclingLabels } from '../model/condition.ts';
import type { Gan } from '../model/gan.ts';
import { countParams } from '../model/network.ts';
import { pairwiseDiversity } from './analysis/diversity.ts';
import { type CheckpointRun, packFloats, unpackFloats } from './checkpoint-run.ts';
import { dStepsOf, milestoneEpochs, milestoneSteps, qualityEpochs, realPerStep, type TrainConfig } from './config.ts';
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
    },
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
  /** Polled before each step: true holds the run there (paused) until it returns false. A stop request should release it. */
  readonly hold?: () => boolean;
  /** Polled before each step: 'd' or 'g' updates only that network (the studio's step mode). */
  readonly only?: () => 'd' | 'g' | null;
  readonly resume?: Resume;
  /** Scores generated images (the evaluator's classifier): quality events at the config's quality epochs. */
  readonly judge?: Judge;
}

/** Images each quality check draws from its fixed noise. */
export const QUALITY_SAMPLES = 1000;

/** Rollbacks a run with `onNan: 'rollback'` makes before it ends as diverged. */
export const MAX_ROLLBACKS = 3;

const finiteStep = (s: Step) => Number.isFinite(s.dLoss) && Number.isFinite(s.gLoss);

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
    const started = runStartedEvent(gan, dataset, config, backend);
    const conditional = gan.conditioning !== 'none';
    // A conditional run's grids: one row per class, the same MILESTONE_COLUMNS noise vectors in every row.
    const fixedNoise = resume
      ? unpackFloats(resume.run.milestoneNoise)
      : conditional
        ? tile(milestoneNoise(config.seed, MILESTONE_COLUMNS, gan.noiseDim), CLASSES)
        : milestoneNoise(config.seed, MILESTONE_COUNT, gan.noiseDim);
    const fixedLabels = conditional
      ? Uint8Array.from({ length: fixedNoise.length / gan.noiseDim }, (_, i) => Math.floor(i / MILESTONE_COLUMNS))
      : undefined;
    const dataIdentity = { name: dataset.name, count: dataset.count, rows: dataset.rows, cols: dataset.cols };
    const realCount = Math.min(MILESTONE_COUNT, dataset.count);
    const realDiversity = pairwiseDiversity(toGreyLevels(sampleImages(dataset, realCount, config.seed)), realCount);
    const rollbackOnNan = config.onNan === 'rollback';
    const qualityAt = qualityEpochs(config);
    const judge = options.judge && qualityAt.length > 0 ? options.judge : null;
    const qualityNoise = judge
      ? normals(seeded(config.seed, Streams.qualityNoise), QUALITY_SAMPLES * gan.noiseDim)
      : null;
    let rollbacks = resume?.run.rollbacks ?? 0;
    let stopped = false;
    let last: Step | null = null;
    // The steps that stand (abandoned attempts removed): a segment after a rollback replays them through the operators.
    const steps: Step[] = (resume?.history ?? []).filter((e): e is Step => e.type === 'step');
    // What every checkpoint of this run records besides its position.
    const fixed = { config, dataset: dataIdentity, milestoneNoise: packFloats(fixedNoise) };
    const runAfter = (s: Step, batch: Batch, pair: NoiseBatch): CheckpointRun => ({
      step: s.step,
      epoch: s.epoch,
      time: s.time,
      batches: startAfter(batch, started.stepsPerEpoch),
      noise: pair.after,
      ...fixed,
      rollbacks,
    });
    const initialRun = (): CheckpointRun =>
      resume?.run ?? {
        step: 0,
        epoch: 0,
        time: 0,
        batches: { step: 0, shuffle: seeded(config.seed, Streams.shuffle).state() },
        noise: seeded(config.seed, Streams.noise).state(),
        ...fixed,
        rollbacks,
      };
    // The last good state, in memory, for a rollback: the start, then every checkpoint taken.
    let good: { run: CheckpointRun; bytes: Uint8Array } | null = null;
    if (rollbackOnNan) {
      const run = initialRun();
      good = { run, bytes: snapshot(gan, run) };
    }

    /** Training from a checkpoint's position (null: the run's start) until the data ends, a stop or a NaN. */
    const segment = (from: CheckpointRun | null): Observable<TrainingEvent> =>
      defer(() => {
        const done = from?.step ?? 0;
        let cursor: [Batch, NoiseBatch] | null = null;
        const live$ = zipPaced(
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
              classes: gan.conditioning === 'none' ? 0 : CLASSES,
            },
            from?.noise,
          ),
          options.hold,
        ).pipe(
          takeWhile(() => {
            stopped = stopped || (options.stop?.() ?? false);
            return !stopped;
          }),
          tap((pair) => {
            cursor = pair;
          }),
          trainStep(gan, {
            loss: config.loss,
            labelSmoothing: config.labelSmoothing,
            seed: config.seed,
            startedAt,
            dSteps: dStepsOf(config),
            lrSchedule: config.lrSchedule,
            totalSteps: started.totalSteps,
            only: options.only,
          }),
          takeWhile(finiteStep, true),
        );
        // Steps already done (recorded before a resume, or kept by a rollback) go through the stateful
        // operators first (epoch means, warning windows); what those operators make of them again is
        // dropped, and the image-making operators skip them.
        const recorded$ = from$(steps.filter((s) => s.step <= done));
        const take = (s: Step): Uint8Array => {
          const run = runAfter(s, ...cursor!);
          const bytes = snapshot(gan, run);
          if (rollbackOnNan) good = { run, bytes };
          return bytes;
        };
        return concat(
          recorded$,
          live$.pipe(
            tap((s) => {
              last = s;
              if (finiteStep(s)) steps.push(s);
            }),
          ),
        ).pipe(
          epochSummaries(started.stepsPerEpoch, realPerStep(config)),
          milestones(gan, {
            epochs: milestoneEpochs(config.milestones, config.epochs),
            steps: milestoneSteps(config.milestoneSteps, started.totalSteps),
            stepsPerEpoch: started.stepsPerEpoch,
            noise: fixedNoise,
            labels: fixedLabels,
            rowLabels: conditional ? classNames(dataset.name) : undefined,
            rows: dataset.rows,
            cols: dataset.cols,
            realDiversity,
            after: done,
          }),
          snapshots(gan, {
            every: config.snapshotEvery ?? 0,
            noise: fixedNoise.subarray(0, Math.min(SNAPSHOT_COUNT, MILESTONE_COUNT) * gan.noiseDim),
            // A conditional run's snapshot draws the classes in turn: 0-3, 4-7, 8, 9, 0, 1, 2-5.
            labels: conditional ? cyclingLabels(SNAPSHOT_COUNT) : undefined,
            rows: dataset.rows,
            cols: dataset.cols,
            after: done,
          }),
          judge
            ? qualityChecks(gan, { epochs: qualityAt, noise: qualityNoise!, judge, after: done })
            : (x: Observable<TrainingEvent>) => x,
          comparison(gan, dataset, {
            count: COMPARISON_COUNT,
            noise: fixedNoise.subarray(0, COMPARISON_COUNT * gan.noiseDim),
            loss: config.loss,
            seed: config.seed,
          }),
          warnings({
            settings: config,
            window: warningWindow(started.stepsPerEpoch),
            collapseBy: judge ? 'coverage' : 'diversity',
            // The weight average's time constant, 1 / (1 - decay) steps: before it the average is mostly the initial weights.
            collapseAfter: Math.max(
              warningWindow(started.stepsPerEpoch),
              config.ema > 0 ? Math.ceil(1 / (1 - config.ema)) : 0,
            ),
          }),
          filter((e) => stepOf(e) > done),
          checkpoints({ every: config.checkpointEvery ?? null, take, final: () => stopped, after: done }),
        );
      });

    /** After a segment: a rollback and the next segment, or the end of the run. */
    const afterSegment = (): Observable<TrainingEvent> =>
      defer(() => {
        const diverged = last !== null && !finiteStep(last);
        if (diverged && rollbackOnNan && good && rollbacks < MAX_ROLLBACKS && !stopped) {
          const to = good.run;
          const loaded = parseCheckpoint(good.bytes);
          if (E.isLeft(loaded)) throw new Error(`rollback: the in-memory checkpoint does not parse (${loaded.left})`);
          const restored = restore(gan, loaded.right);
          if (E.isLeft(restored)) throw new Error(`rollback: ${restored.left}`);
          rollbacks++;
          gan.gOptimizer.lr /= 2;
          gan.dOptimizer.lr /= 2;
          const time = elapsed();
          const rolledBack: TrainingEvent = {
            type: 'rolled-back',
            step: to.step,
            epoch: to.epoch,
            time,
            diverged: last!.step,
            lr: gan.dOptimizer.lr,
            rollback: rollbacks,
            of: MAX_ROLLBACKS,
          };
          steps.length = steps.filter((s) => s.step <= to.step).length;
          // The halved rate and the rollback count are state too: a checkpoint of the same step records them.
          const run: CheckpointRun = { ...to, time, rollbacks };
          const bytes = snapshot(gan, run);
          good = { run, bytes };
          last = null;
          const saved = checkpointTaken({ step: to.step, epoch: to.epoch, time }, bytes);
          return concat(from$<TrainingEvent[]>([rolledBack, saved]), segment(run), afterSegment());
        }
        return of<TrainingEvent>({
          type: 'run-ended',
          status: diverged ? 'diverged' : stopped ? 'interrupted' : 'completed',
          step: last?.step ?? steps.at(-1)?.step ?? resume?.run.step ?? 0,
          epoch: last?.epoch ?? steps.at(-1)?.epoch ?? resume?.run.epoch ?? 0,
          time: elapsed(),
        });
      });

    const opening$ = resume
      ? from$<TrainingEvent[]>([
          ...resume.history,
          {
            type: 'run-resumed',
            step: resume.run.step,
            epoch: resume.run.epoch,
            time: resume.run.time,
            epochs: config.epochs,
            totalSteps: started.totalSteps,
          },
        ])
      : of<TrainingEvent>(started);
    return concat(opening$, segment(resume?.run ?? null), afterSegment());
  });
}
