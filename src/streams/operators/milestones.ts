/**
 * After the epochs named as milestones, a grid of generated images from a fixed noise batch: the
 * same latent points at every milestone, so the pictures show the generator improving.
 */
import { mergeMap, type OperatorFunction } from 'rxjs';
import type { Gan } from '../../model/gan.ts';
import { generate } from '../../model/steps.ts';
import { packPixels, toGreyLevels, type Milestone, type TrainingEvent } from '../events.ts';

export interface MilestoneOptions {
  readonly epochs: readonly number[];
  readonly noise: Float32Array;
  readonly rows: number;
  readonly cols: number;
}

export function milestoneImages(gan: Gan, o: MilestoneOptions): Milestone['pixels'] {
  return packPixels(toGreyLevels(generate(gan, o.noise)));
}

export function milestones<T extends TrainingEvent>(gan: Gan, o: MilestoneOptions): OperatorFunction<T, T | Milestone> {
  const wanted = new Set(o.epochs);
  const count = o.noise.length / gan.noiseDim;
  return mergeMap((e: T): (T | Milestone)[] => {
    if (e.type !== 'epoch' || !wanted.has(e.epoch)) return [e];
    return [e, { type: 'milestone', epoch: e.epoch, step: e.step, rows: o.rows, cols: o.cols, count, pixels: milestoneImages(gan, o) }];
  });
}
