/** The configuration of a training run: one io-ts codec, used by the CLI and recorded in the run's first event. */
import * as t from 'io-ts';
import { BACKENDS, LOSSES } from '../model/names.ts';

/** How the learning rates change over a run. */
export const LR_SCHEDULES = ['constant', 'linear'] as const;
/** What a NaN or infinite loss does. */
export const ON_NAN = ['stop', 'rollback'] as const;

/** A codec of one of `names`. */
const oneOfNames = <K extends string>(names: readonly K[]) =>
  t.keyof(Object.fromEntries(names.map((n) => [n, null])) as Record<K, null>);

export const TrainConfig = t.intersection([
  t.type({
    epochs: t.number,
    batchSize: t.number,
    lr: t.number,
    beta1: t.number,
    noiseDim: t.number,
    arch: t.string,
    loss: oneOfNames(LOSSES),
    labelSmoothing: t.number,
    ema: t.number,
    seed: t.number,
    dataset: t.string,
    limit: t.union([t.number, t.null]),
    milestones: t.array(t.number),
    out: t.string,
    backend: oneOfNames(BACKENDS),
  }),
  t.partial({
    /** Also checkpoint every N steps (null: at epoch ends only). */
    checkpointEvery: t.union([t.number, t.null]),
    /** What a NaN or infinite loss does: end the run (stop), or go back to the last checkpoint with half the learning rate (rollback). */
    onNan: oneOfNames(ON_NAN),
    /** Check sample quality every N epochs (null: at the milestones; 0: never). */
    evalEvery: t.union([t.number, t.null]),
    /** Steps after which a milestone grid is drawn too (absent in records made before they existed: none). */
    milestoneSteps: t.array(t.number),
    /** D's own Adam learning rate (absent: lr). */
    lrD: t.number,
    /** G's own Adam learning rate (absent: lr). */
    lrG: t.number,
    /** Adam's beta2 (absent: gan.ts's ADAM_BETA2, 0.999). */
    beta2: t.number,
    /** D updates per G update, each on its own real batch (absent: 1). A step is one G update and the D updates before it. */
    dSteps: t.number,
    /** Steps between small grids from the fixed noise in the record (absent or 0: none). */
    snapshotEvery: t.number,
    /** How the learning rates change over the run: constant (absent), or linear decay to 0 at the last step. */
    lrSchedule: oneOfNames(LR_SCHEDULES),
    /** A folder of images scaled to N x N (absent or null: their own size, or 28). */
    imageSize: t.union([t.number, t.null]),
    /** A folder of images as grey (1) or colour (3) (absent or null: colour if any image has it). */
    channels: t.union([t.literal(1), t.literal(3), t.null]),
  }),
]);
export type TrainConfig = t.TypeOf<typeof TrainConfig>;

/** Learning rates and D steps with their defaults filled in. */
export const lrOf = (c: Pick<TrainConfig, 'lr' | 'lrD' | 'lrG'>) => ({ d: c.lrD ?? c.lr, g: c.lrG ?? c.lr });
export const dStepsOf = (c: Pick<TrainConfig, 'dSteps'>) => c.dSteps ?? 1;
/** Real images one step uses: a batch for each D update. */
export const realPerStep = (c: Pick<TrainConfig, 'batchSize' | 'dSteps'>) => c.batchSize * dStepsOf(c);

/** The learning rates' factor at `step` (1-based) of `totalSteps`: 1 throughout, or falling linearly to 1/totalSteps at the last step. */
export function lrFactor(schedule: TrainConfig['lrSchedule'], step: number, totalSteps: number): number {
  return schedule === 'linear' ? Math.max(0, (totalSteps - step + 1) / totalSteps) : 1;
}

/** Milestone epochs: the references' 1, 30, 100, 200, 400, and 3 and 10 for the shorter runs of MNIST's 60,000; plus the last epoch. */
export const DEFAULT_MILESTONES = [1, 3, 10, 30, 100, 200, 400];

/** Steps between snapshots: a 4x4 grid every 50 steps adds about 18 kB per 50 steps to the record. */
export const DEFAULT_SNAPSHOT_EVERY = 50;

/** Milestone steps: the first epoch's story, from noise (after step 1) to the first strokes and shapes. */
export const DEFAULT_MILESTONE_STEPS = [1, 50, 200, 500];

/** Epochs whose end checks sample quality: every `every` epochs and the last, or the milestones (null), or none (0). */
export function qualityEpochs(config: Pick<TrainConfig, 'evalEvery' | 'milestones' | 'epochs'>): number[] {
  const every = config.evalEvery ?? null;
  if (every === 0) return [];
  if (every === null) return milestoneEpochs(config.milestones, config.epochs);
  return [
    ...new Set([
      ...Array.from({ length: Math.floor(config.epochs / every) }, (_, i) => (i + 1) * every),
      config.epochs,
    ]),
  ];
}

/** Milestone steps within a run of `totalSteps`. */
export function milestoneSteps(requested: readonly number[] | undefined, totalSteps: number): number[] {
  return [...new Set((requested ?? []).filter((s) => s >= 1 && s <= totalSteps))].sort((a, b) => a - b);
}

export function milestoneEpochs(requested: readonly number[], epochs: number): number[] {
  return [...new Set([...requested.filter((e) => e >= 1 && e <= epochs), epochs])].sort((a, b) => a - b);
}
