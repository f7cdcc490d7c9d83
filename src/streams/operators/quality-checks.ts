/**
 * At chosen epochs' ends, the quality of the generator's samples as an event: `judge` (the
 * evaluator's classifier against held-out real images, src/quality) scores images drawn from a
 * fixed noise batch, so that the numbers are comparable from epoch to epoch.
 */
import { mergeMap, type OperatorFunction } from 'rxjs';
import { cyclingLabels } from '../../model/condition.ts';
import type { Gan } from '../../model/gan.ts';
import { generate } from '../../model/steps.ts';
import type { QualityChecked, TrainingEvent } from '../events.ts';

/** Images (n of them, in [-1, 1]) to their quality, without the event's place in the run. */
export type Judge = (
  images: Float32Array,
  n: number,
  labels?: Uint8Array,
) => Omit<QualityChecked, 'type' | 'step' | 'epoch'>;

export interface QualityCheckOptions {
  readonly epochs: readonly number[];
  /** The fixed noise the samples are drawn from: n * noiseDim values. */
  readonly noise: Float32Array;
  readonly judge: Judge;
  /** Epochs at or before this step were checked before (a resumed run): not again. */
  readonly after: number;
  /** The classes a conditional generator draws (model/condition.ts classCount); ten when absent. */
  readonly classes?: number;
}

export function qualityChecks<T extends TrainingEvent>(
  gan: Gan,
  o: QualityCheckOptions,
): OperatorFunction<T, T | QualityChecked> {
  const wanted = new Set(o.epochs);
  const n = o.noise.length / gan.noiseDim;
  return mergeMap((e: T): (T | QualityChecked)[] => {
    if (e.type !== 'epoch' || !wanted.has(e.epoch) || e.step <= o.after) return [e];
    // A conditional generator draws the classes in turn, and is also judged on drawing the class it was asked for.
    const labels = gan.conditioning === 'none' ? undefined : cyclingLabels(n, o.classes);
    return [
      e,
      { type: 'quality', step: e.step, epoch: e.epoch, ...o.judge(generate(gan, o.noise, { labels }), n, labels) },
    ];
  });
}
