/**
 * What a run needs before it trains, shared by `scripts/train.ts` and the studio's server: the
 * configuration (a new run's, or a resumed run's record with the allowed changes), the dataset,
 * the record to continue; then the GAN, restored from the checkpoint when resuming. Every check a
 * user can fail happens here, before anything is written; failures are one-line messages.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { Dataset } from '../data/dataset.ts';
import { pixelsOf } from '../data/dataset.ts';
import { ARCHITECTURES } from '../model/architectures.ts';
import { restore } from '../model/checkpoint.ts';
import { createGan, disposeGan, type Gan } from '../model/gan.ts';
import type { TrainConfig } from '../streams/config.ts';
import { datasetChange, datasetIdentity } from '../streams/dataset-identity.ts';
import type { RunStarted } from '../streams/events.ts';
import { prepareDataset } from './prepare.ts';
import { type ResumePoint, resumedConfig } from './resume.ts';
import { loadResumePoint } from './resume-folder.ts';

export interface RunRequest {
  readonly config: TrainConfig;
  /** Only the settings the user gave (a resume may change a few of them). */
  readonly given: Partial<TrainConfig>;
  /** The run folder to continue, or null for a new run in config.out. */
  readonly resume: string | null;
  /** Write a new run into a folder that is not empty. */
  readonly force: boolean;
}

export type RunPlan =
  | {
      readonly kind: 'train';
      readonly config: TrainConfig;
      readonly data: Dataset;
      readonly resumed: ResumePoint | null;
    }
  /** A resumed run that has already trained every step of its plan. */
  | { readonly kind: 'complete'; readonly config: TrainConfig; readonly totalSteps: number };

export function planRun(r: RunRequest): E.Either<string, RunPlan> {
  const point = r.resume === null ? null : loadResumePoint(r.resume);
  if (point && E.isLeft(point)) return point;
  const resumed = point && E.isRight(point) ? point.right : null;
  const started = resumed ? (resumed.history[0] as RunStarted) : null;
  const choice =
    resumed === null
      ? E.right(r.config)
      : resumedConfig(resumed.run.config, { ...r.given, out: r.resume! }, resumed.run.step, started!.stepsPerEpoch);
  if (E.isLeft(choice)) return choice;
  const config = choice.right;
  if (resumed?.completed && started) {
    const totalSteps = started.stepsPerEpoch * config.epochs;
    if (resumed.run.step >= totalSteps) return E.right({ kind: 'complete', config, totalSteps });
  }
  const dataset = prepareDataset(config, resumed === null && !r.force);
  if (E.isLeft(dataset)) return dataset;
  const data = dataset.right;
  if (resumed) {
    const change = datasetChange(resumed.run.dataset, datasetIdentity(data));
    if (change) return E.left(`--resume: ${change}`);
  }
  return E.right({ kind: 'train', config, data, resumed });
}

/** The plan's GAN (the backend must be chosen first), restored from the checkpoint when resuming. */
export function buildGan(plan: Extract<RunPlan, { kind: 'train' }>): E.Either<string, Gan> {
  let gan: Gan;
  try {
    gan = createGan(ARCHITECTURES[plan.config.arch], {
      ...plan.config,
      pixels: pixelsOf(plan.data),
      channels: plan.data.channels,
    });
  } catch (e) {
    return E.left((e as Error).message);
  }
  if (plan.resumed) {
    const loaded = restore(gan, plan.resumed.checkpoint);
    if (E.isLeft(loaded)) {
      disposeGan(gan);
      return E.left(`--resume: ${loaded.left}`);
    }
  }
  return E.right(gan);
}
