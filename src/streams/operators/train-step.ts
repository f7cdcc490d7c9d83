/**
 * The training operator: each (batch, noise) pair goes through `dSteps` D steps (one per slice of
 * the real batch) then a G step, and comes out as a step event with D's metrics averaged.
 */
import { map, type OperatorFunction } from 'rxjs';
import { mixSeed, Streams } from '../../data/random.ts';
import type { Gan } from '../../model/gan.ts';
import type { LossName } from '../../model/losses.ts';
import { type DMetrics, dStep, gStep } from '../../model/steps.ts';
import { lrFactor, type TrainConfig } from '../config.ts';
import type { Step } from '../events.ts';
import type { Batch } from '../sources/batches.ts';
import type { NoiseBatch } from '../sources/noise.ts';

export interface TrainStepOptions {
  readonly loss: LossName;
  readonly labelSmoothing: number;
  readonly seed: number;
  /** performance.now() at the run's start, for the events' time stamps. */
  readonly startedAt: number;
  /** D updates per step (default 1); the batch holds that many real batches. */
  readonly dSteps?: number;
  /** The learning rates' schedule over `totalSteps` (default constant). */
  readonly lrSchedule?: TrainConfig['lrSchedule'];
  readonly totalSteps?: number;
  /** Polled before each step: 'd' or 'g' updates only that network this step (the other is measured, not updated). */
  readonly only?: () => 'd' | 'g' | null;
}

const meanOf = (ms: readonly DMetrics[]): DMetrics => {
  const keys = Object.keys(ms[0]) as (keyof DMetrics)[];
  return Object.fromEntries(
    keys.map((k) => [k, ms.reduce((sum, m) => sum + m[k], 0) / ms.length]),
  ) as unknown as DMetrics;
};

export function trainStep(gan: Gan, o: TrainStepOptions): OperatorFunction<[Batch, NoiseBatch], Step> {
  const k = o.dSteps ?? 1;
  return map(([batch, noise]) => {
    const t0 = performance.now();
    const factor = lrFactor(o.lrSchedule, batch.step, o.totalSteps ?? batch.step);
    const only = o.only?.() ?? null;
    const stepOptions = {
      loss: o.loss,
      labelSmoothing: o.labelSmoothing,
      dropoutSeed: mixSeed(o.seed + Streams.dropout, batch.step),
      lrFactor: factor,
    };
    const dOptions = only === 'g' ? { ...stepOptions, update: false } : stepOptions;
    // Each D update takes its slice of the real batch and of the D noise (and of their labels).
    const perStep = batch.images.length / gan.pixels / k;
    const realSize = perStep * gan.pixels;
    const noiseSize = perStep * gan.noiseDim;
    const dRuns: DMetrics[] = [];
    // A conditional GAN's labels: the real images' own, and those G is asked to draw.
    const labelsOf = (i: number) =>
      gan.conditioning === 'none'
        ? undefined
        : {
            real: batch.labels!.subarray(i * perStep, (i + 1) * perStep),
            fake: noise.labelsForD!.subarray(i * perStep, (i + 1) * perStep),
          };
    for (let i = 0; i < k; i++) {
      const options = i === 0 ? dOptions : { ...dOptions, dropoutSeed: mixSeed(stepOptions.dropoutSeed, i) };
      dRuns.push(
        dStep(
          gan,
          batch.images.subarray(i * realSize, (i + 1) * realSize),
          noise.forD.subarray(i * noiseSize, (i + 1) * noiseSize),
          options,
          labelsOf(i),
        ),
      );
    }
    const d = k === 1 ? dRuns[0] : meanOf(dRuns);
    const g = gStep(gan, noise.forG, only === 'd' ? { ...stepOptions, update: false } : stepOptions, noise.labelsForG);
    const t1 = performance.now();
    return {
      type: 'step',
      step: batch.step,
      epoch: batch.epoch,
      time: (t1 - o.startedAt) / 1000,
      ms: t1 - t0,
      ...d,
      ...g,
      ...(only ? { only } : {}),
    };
  });
}
