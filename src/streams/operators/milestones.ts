/**
 * After the epochs named as milestones, a grid of generated images from a fixed noise batch: the
 * same latent points at every milestone, so the pictures show the generator improving.
 */
import { mergeMap, type OperatorFunction } from 'rxjs';
import type { Gan } from '../../model/gan.ts';
import { generate } from '../../model/steps.ts';
import { pairwiseDiversity } from '../analysis/diversity.ts';
import { packPixels, toGreyLevels, type Milestone, type TrainingEvent } from '../events.ts';

export interface MilestoneOptions {
  readonly epochs: readonly number[];
  readonly noise: Float32Array;
  readonly rows: number;
  readonly cols: number;
  /** pairwiseDiversity of as many real images, for comparison. */
  readonly realDiversity: number;
  /** Epochs ending at or before this step had their grid before (a resumed run's replayed record): not again. */
  readonly after?: number;
}

export function milestones<T extends TrainingEvent>(gan: Gan, o: MilestoneOptions): OperatorFunction<T, T | Milestone> {
  const wanted = new Set(o.epochs);
  const count = o.noise.length / gan.noiseDim;
  return mergeMap((e: T): (T | Milestone)[] => {
    if (e.type !== 'epoch' || !wanted.has(e.epoch) || e.step <= (o.after ?? 0)) return [e];
    const grey = toGreyLevels(generate(gan, o.noise));
    return [e, {
      type: 'milestone', epoch: e.epoch, step: e.step, rows: o.rows, cols: o.cols, count,
      pixels: packPixels(grey), diversity: pairwiseDiversity(grey, count), realDiversity: o.realDiversity,
    }];
  });
}
