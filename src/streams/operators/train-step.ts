/** The training operator: each (batch, noise) pair goes through a D step then a G step and comes out as a step event. */
import { map, type OperatorFunction } from 'rxjs';
import { mixSeed, Streams } from '../../data/random.ts';
import type { Gan } from '../../model/gan.ts';
import type { LossName } from '../../model/losses.ts';
import { dStep, gStep } from '../../model/steps.ts';
import type { Step } from '../events.ts';
import type { Batch } from '../sources/batches.ts';
import type { NoiseBatch } from '../sources/noise.ts';

export interface TrainStepOptions {
  readonly loss: LossName;
  readonly labelSmoothing: number;
  readonly seed: number;
  /** performance.now() at the run's start, for the events' time stamps. */
  readonly startedAt: number;
}

export function trainStep(gan: Gan, o: TrainStepOptions): OperatorFunction<[Batch, NoiseBatch], Step> {
  return map(([batch, noise]) => {
    const t0 = performance.now();
    const stepOptions = { loss: o.loss, labelSmoothing: o.labelSmoothing, dropoutSeed: mixSeed(o.seed + Streams.dropout, batch.step) };
    const d = dStep(gan, batch.images, noise.forD, stepOptions);
    const g = gStep(gan, noise.forG, stepOptions);
    const t1 = performance.now();
    return { type: 'step', step: batch.step, epoch: batch.epoch, time: (t1 - o.startedAt) / 1000, ms: t1 - t0, ...d, ...g };
  });
}
