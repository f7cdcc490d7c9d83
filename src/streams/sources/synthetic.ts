/**
 * Synthetic event streams with known behaviour, for fixtures, tests and demonstrations of the
 * analysis: D's outputs follow given curves; accuracies and losses follow from them.
 */

import type { TrainConfig } from '../config.ts';
import type { RunStarted, Step, TrainingEvent } from '../events.ts';

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

export function syntheticRunStarted(
  totalSteps: number,
  stepsPerEpoch: number,
  config: Partial<TrainConfig> = {},
): RunStarted {
  return {
    type: 'run-started',
    version: 1,
    startedAt: '2026-01-01T00:00:00.000Z',
    config: {
      epochs: Math.ceil(totalSteps / stepsPerEpoch),
      batchSize: 10,
      lr: 2e-4,
      beta1: 0.5,
      noiseDim: 100,
      arch: 'mlp-gbn',
      loss: 'bce',
      labelSmoothing: 0,
      ema: 0,
      seed: 1,
      dataset: 'synthetic',
      limit: null,
      milestones: [],
      out: 'fixtures',
      backend: 'cpu',
      ...config,
    },
    backend: { name: 'cpu', threads: 1, kernels: [] },
    dataset: { name: 'synthetic', count: stepsPerEpoch * 10, rows: 28, cols: 28 },
    stepsPerEpoch,
    totalSteps,
    params: { generator: { total: 1, trainable: 1 }, discriminator: { total: 1, trainable: 1 } },
  };
}

/** A step whose D gives real images `dReal` and fakes `dFake`; accuracies grow with the margin from 0.5. */
export function syntheticStep(
  step: number,
  stepsPerEpoch: number,
  dReal: number,
  dFake: number,
  extra: Partial<Step> = {},
): Step {
  return {
    type: 'step',
    step,
    epoch: Math.ceil(step / stepsPerEpoch),
    time: step * 0.1,
    ms: 100,
    dLossReal: -Math.log(dReal),
    dLossFake: -Math.log(1 - dFake),
    dLoss: -Math.log(dReal) - Math.log(1 - dFake),
    dAccReal: clamp01(0.5 + 2 * (dReal - 0.5)),
    dAccFake: clamp01(0.5 + 2 * (0.5 - dFake)),
    dReal,
    dFake,
    gLoss: -Math.log(dFake),
    dFakeForG: dFake,
    ...extra,
  };
}

/** run-started, `steps` steps shaped by `curve`, run-ended. */
export function syntheticRun(
  steps: number,
  stepsPerEpoch: number,
  curve: (i: number) => [number, number],
): TrainingEvent[] {
  return [
    syntheticRunStarted(steps, stepsPerEpoch),
    ...Array.from({ length: steps }, (_, i) => syntheticStep(i + 1, stepsPerEpoch, ...curve(i))),
    { type: 'run-ended', status: 'completed', step: steps, epoch: Math.ceil(steps / stepsPerEpoch), time: steps * 0.1 },
  ];
}
