/** Synthetic event streams for the analysis tests (one epoch as long as the stream). */
import type { RunStarted, Step } from '../../src/streams/events.ts';
import { syntheticRunStarted, syntheticStep } from '../../src/streams/sources/synthetic.ts';

export const runStarted = (totalSteps: number, batchSize = 10): RunStarted =>
  syntheticRunStarted(totalSteps, totalSteps, { batchSize, epochs: 1 });

export const step = (n: number, dReal: number, dFake: number, extra: Partial<Step> = {}): Step =>
  syntheticStep(n, 1e9, dReal, dFake, extra);
