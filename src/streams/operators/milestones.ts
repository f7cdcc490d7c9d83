/**
 * After the steps and the epochs named as milestones, a grid of generated images from a fixed
 * noise batch: the same latent points at every milestone, so the pictures show the generator
 * improving, from the noise of its first steps to digits.
 */
import { mergeMap, type OperatorFunction } from 'rxjs';
import type { Gan } from '../../model/gan.ts';
import { pairwiseDiversity } from '../analysis/diversity.ts';
import type { Milestone, TrainingEvent } from '../events.ts';
import { generatedGrid } from './generated-grid.ts';

export interface MilestoneOptions {
  readonly epochs: readonly number[];
  /** Steps after which a grid is drawn too (a step that ends a milestone epoch gets the epoch's grid only). */
  readonly steps?: readonly number[];
  /** Needed with `steps`: which steps end an epoch. */
  readonly stepsPerEpoch?: number;
  readonly noise: Float32Array;
  /** A conditional generator's label for each noise vector. */
  readonly labels?: Uint8Array;
  /** A conditional run's row names, one per class. */
  readonly rowLabels?: readonly string[];
  readonly rows: number;
  readonly cols: number;
  /** pairwiseDiversity of as many real images, for comparison. */
  readonly realDiversity: number;
  /** Epochs ending at or before this step had their grid before (a resumed run's replayed record): not again. */
  readonly after?: number;
}

export function milestones<T extends TrainingEvent>(gan: Gan, o: MilestoneOptions): OperatorFunction<T, T | Milestone> {
  const wanted = new Set(o.epochs);
  const perEpoch = o.stepsPerEpoch ?? 0;
  const endsMilestoneEpoch = (step: number) => perEpoch > 0 && step % perEpoch === 0 && wanted.has(step / perEpoch);
  const wantedSteps = new Set((o.steps ?? []).filter((s) => !endsMilestoneEpoch(s)));
  const count = o.noise.length / gan.noiseDim;
  const grid = (e: { epoch: number; step: number }, byStep: boolean): Milestone => {
    const { grid, levels } = generatedGrid(gan, o, e);
    return {
      type: 'milestone',
      ...grid,
      diversity: pairwiseDiversity(levels, count),
      realDiversity: o.realDiversity,
      ...(byStep ? { byStep } : {}),
      ...(o.rowLabels ? { rowLabels: [...o.rowLabels] } : {}),
    };
  };
  return mergeMap((e: T): (T | Milestone)[] => {
    const after = o.after ?? 0;
    if (e.type === 'step' && wantedSteps.has(e.step) && e.step > after) return [e, grid(e, true)];
    if (e.type === 'epoch' && wanted.has(e.epoch) && e.step > after) return [e, grid(e, false)];
    return [e];
  });
}
