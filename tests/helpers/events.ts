/** Synthetic event streams for the analysis tests. */
import type { RunStarted, Step } from '../../src/streams/events.ts';

export function runStarted(totalSteps: number, batchSize = 10): RunStarted {
  return {
    type: 'run-started', version: 1, startedAt: '2026-01-01T00:00:00.000Z',
    config: { epochs: 1, batchSize, lr: 2e-4, beta1: 0.5, noiseDim: 100, arch: 'mlp-gbn', loss: 'bce', labelSmoothing: 0, ema: 0, seed: 1, dataset: 'mnist', limit: null, milestones: [1], out: 'x', backend: 'wasm' },
    backend: { name: 'wasm', threads: 1, kernels: [] },
    dataset: { name: 'mnist', count: totalSteps * batchSize, rows: 28, cols: 28 },
    stepsPerEpoch: totalSteps, totalSteps,
    params: { generator: { total: 1, trainable: 1 }, discriminator: { total: 1, trainable: 1 } },
  };
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/** A step whose D judges real images `dReal` and fakes `dFake`, with accuracies that grow with the margin from 0.5. */
export function step(n: number, dReal: number, dFake: number, extra: Partial<Step> = {}): Step {
  return {
    type: 'step', step: n, epoch: 1, time: n * 0.1, ms: 100,
    dLossReal: -Math.log(dReal), dLossFake: -Math.log(1 - dFake), dLoss: -Math.log(dReal) - Math.log(1 - dFake),
    dAccReal: clamp01(0.5 + 2 * (dReal - 0.5)), dAccFake: clamp01(0.5 + 2 * (0.5 - dFake)), dReal, dFake,
    gLoss: -Math.log(dFake), dFakeForG: dFake, ...extra,
  };
}
