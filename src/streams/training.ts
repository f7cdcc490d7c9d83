/**
 * A whole training run as one observable of events: run started, then for every (batch, noise)
 * pair a D step and a G step, epoch summaries, milestone grids and warnings, then run ended.
 * Cold: nothing happens until it is subscribed; share it to feed several sinks.
 */
import { concat, defer, Observable, of } from 'rxjs';
import type { Dataset } from '../data/dataset.ts';
import type { BackendInfo } from '../model/backend.ts';
import type { Gan } from '../model/gan.ts';
import { countParams } from '../model/network.ts';
import { milestoneEpochs, type TrainConfig } from './config.ts';
import type { RunStarted, Step, TrainingEvent } from './events.ts';
import { epochSummaries } from './operators/epoch-summaries.ts';
import { milestones } from './operators/milestones.ts';
import { comparison, sampleImages } from './operators/comparison.ts';
import { pairwiseDiversity } from './analysis/diversity.ts';
import { toGreyLevels } from './events.ts';
import { trainStep } from './operators/train-step.ts';
import { warnings } from './operators/warnings.ts';
import { batches, stepsPerEpoch } from './sources/batches.ts';
import { milestoneNoise, noise } from './sources/noise.ts';
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

export function training$(gan: Gan, dataset: Dataset, config: TrainConfig, backend: BackendInfo): Observable<TrainingEvent> {
  return defer(() => {
    const startedAt = performance.now();
    const started = runStartedEvent(gan, dataset, config, backend);
    let last: Step | null = null;
    const steps$ = zipPaced(
      batches(dataset, { batchSize: config.batchSize, epochs: config.epochs, seed: config.seed }),
      noise({ batchSize: config.batchSize, noiseDim: gan.noiseDim, seed: config.seed }),
    ).pipe(trainStep(gan, { loss: config.loss, labelSmoothing: config.labelSmoothing, seed: config.seed, startedAt }));
    const fixedNoise = milestoneNoise(config.seed, MILESTONE_COUNT, gan.noiseDim);
    const realSample = toGreyLevels(sampleImages(dataset, Math.min(MILESTONE_COUNT, dataset.count), config.seed));
    const body$ = steps$.pipe(
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
    );
    const ended$ = defer(() => of<TrainingEvent>({
      type: 'run-ended',
      status: 'completed',
      step: last?.step ?? 0,
      epoch: last?.epoch ?? 0,
      time: (performance.now() - startedAt) / 1000,
    }));
    const tracked$ = new Observable<TrainingEvent>((s) => body$.subscribe({
      next: (e) => { if (e.type === 'step') last = e; s.next(e); },
      error: (err) => s.error(err),
      complete: () => s.complete(),
    }));
    return concat(of<TrainingEvent>(started), tracked$, ended$);
  });
}
