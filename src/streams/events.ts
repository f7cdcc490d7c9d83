/**
 * The event stream's vocabulary. Every event type is an io-ts codec: the file sink writes events
 * through `encodeEvent` and replay reads them back through `decodeEvent`, so the two cannot drift.
 */

import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as t from 'io-ts';
import { TrainConfig } from './config.ts';
import { DatasetIdentity } from './dataset-identity.ts';

/** A number that survives JSON: NaN and infinities are written as null and read back as NaN. */
export const JsonNumber = new t.Type<number, number | null, unknown>(
  'JsonNumber',
  (u): u is number => typeof u === 'number',
  (u, c) => (typeof u === 'number' ? t.success(u) : u === null ? t.success(Number.NaN) : t.failure(u, c)),
  (n) => (Number.isFinite(n) ? n : null),
);

const Metrics = {
  dLossReal: JsonNumber,
  dLossFake: JsonNumber,
  dLoss: JsonNumber,
  dAccReal: JsonNumber,
  dAccFake: JsonNumber,
  dReal: JsonNumber,
  dFake: JsonNumber,
  gLoss: JsonNumber,
  dFakeForG: JsonNumber,
};
export const StepMetrics = t.type(Metrics);
export type StepMetrics = t.TypeOf<typeof StepMetrics>;
export const METRIC_NAMES = Object.keys(Metrics) as (keyof StepMetrics)[];

/** One layer of a network as the model overview draws it: its kind, its output's shape, its parameters. */
export const LayerRow = t.type({ kind: t.string, out: t.array(t.number), params: t.number });
export type LayerRow = t.TypeOf<typeof LayerRow>;

/** A network's parameters, and (recorded from the model overview on) its layers. */
const ParamCount = t.intersection([
  t.type({ total: t.number, trainable: t.number }),
  t.partial({ layers: t.array(LayerRow) }),
]);

export const RunStarted = t.type({
  type: t.literal('run-started'),
  version: t.literal(1),
  startedAt: t.string,
  config: TrainConfig,
  backend: t.intersection([
    t.type({ name: t.string, threads: t.number, kernels: t.array(t.string) }),
    // The OpenBLAS doing the matrix products, when there is one (recorded from version 0.1 with native products).
    t.partial({ blas: t.union([t.null, t.type({ library: t.string, config: t.string, threads: t.number })]) }),
    // Why this engine and not the one asked for or tried first (recorded from tfjs-node's fallback on).
    t.partial({ why: t.union([t.null, t.string]) }),
  ]),
  dataset: DatasetIdentity,
  stepsPerEpoch: t.number,
  totalSteps: t.number,
  params: t.type({ generator: ParamCount, discriminator: ParamCount }),
});

export const Step = t.intersection([
  t.type({
    type: t.literal('step'),
    step: t.number,
    epoch: t.number,
    /** Seconds since the run started, at the end of this step. */
    time: t.number,
    /** Milliseconds this step took (D step + G step). */
    ms: t.number,
    ...Metrics,
  }),
  t.partial({
    /** Only this network was updated (a studio's "D step" or "G step"); the other's metrics were measured without an update. */
    only: t.keyof({ d: null, g: null }),
  }),
]);

export const EpochEnd = t.type({
  type: t.literal('epoch'),
  epoch: t.number,
  step: t.number,
  time: t.number,
  /** Training throughput over the epoch (images through a D step and a G step, per second). */
  samplesPerSec: t.number,
  /** Resident memory of the process at the epoch's end, in MB. */
  rssMB: t.number,
  means: StepMetrics,
});

/**
 * Images from the generator after a step: count images of rows x cols pixels, each a grey level
 * 0-255 or (channels 3) its red, green and blue levels, base64, from the same fixed noise every time.
 */
const GeneratedGrid = {
  epoch: t.number,
  step: t.number,
  rows: t.number,
  cols: t.number,
  count: t.number,
  pixels: t.string,
};

export const Milestone = t.intersection([
  t.type({
    type: t.literal('milestone'),
    ...GeneratedGrid,
    /** Mean pairwise pixel distance of these images (0 = all identical), and of as many real images. */
    diversity: JsonNumber,
    realDiversity: JsonNumber,
  }),
  t.partial({
    /** 3: colour images (absent: grey). */
    channels: t.literal(3),
    /** Taken after a step named by --milestone-steps, not at an epoch's end. */
    byStep: t.boolean,
    /** A conditional run's grid: one row per class, named here (the digit, or Fashion-MNIST's item). */
    rowLabels: t.array(t.string),
  }),
]);

/** A small grid from the first of the fixed noise points every few steps (--snapshot-every): what the studio's live grid and its history slider show. */
export const Snapshot = t.intersection([
  t.type({ type: t.literal('snapshot'), ...GeneratedGrid }),
  /** 3: colour images (absent: grey). */
  t.partial({ channels: t.literal(3) }),
]);

/** How a milestone is named to a reader: "step 50" within an epoch, "epoch 3" at an epoch's end. */
export const milestoneLabel = (m: Pick<Milestone, 'byStep' | 'step' | 'epoch'>): string =>
  m.byStep ? `step ${m.step}` : `epoch ${m.epoch}`;

/** The file a milestone's grid is written to: step_<N>.png or epoch_<N>.png. */
export const milestoneFile = (m: Pick<Milestone, 'byStep' | 'step' | 'epoch'>): string =>
  m.byStep ? `step_${m.step}.png` : `epoch_${m.epoch}.png`;

/** Real images beside generated ones, with D's belief that each is real (at the end of every epoch). */
export const Comparison = t.intersection([
  t.type({
    type: t.literal('comparison'),
    epoch: t.number,
    step: t.number,
    rows: t.number,
    cols: t.number,
    count: t.number,
    real: t.string,
    fake: t.string,
    realScores: t.array(JsonNumber),
    fakeScores: t.array(JsonNumber),
  }),
  /** 3: colour images (absent: grey). */
  t.partial({ channels: t.literal(3) }),
]);

/** Channels of an event's images: 1 unless it says 3. */
export const channelsOf = (e: { readonly channels?: 3 }): 1 | 3 => e.channels ?? 1;
/** The field an event of images carries: nothing for grey (records stay as they were), channels 3 for colour. */
export const colourField = (channels: number): { channels?: 3 } => (channels === 3 ? { channels: 3 } : {});

export const WARNING_KINDS = [
  'd-stuck-at-chance',
  'd-too-strong',
  'g-winning',
  'not-finite',
  'diverging',
  'losses-flat',
  'mode-collapse',
  'label-ignored',
] as const;
export const Warning = t.type({
  type: t.literal('warning'),
  step: t.number,
  epoch: t.number,
  kind: t.keyof(
    Object.fromEntries(WARNING_KINDS.map((k) => [k, null])) as Record<(typeof WARNING_KINDS)[number], null>,
  ),
  message: t.string,
});
/** A warning's condition no longer holds (over the same window of steps that raised it): from this step on. */
export const WarningCleared = t.type({
  type: t.literal('warning-cleared'),
  step: t.number,
  epoch: t.number,
  kind: Warning.props.kind,
});

export const RunEnded = t.type({
  type: t.literal('run-ended'),
  status: t.keyof({ completed: null, interrupted: null, diverged: null }),
  step: t.number,
  epoch: t.number,
  time: t.number,
});

/** A checkpoint of the run after `step` was written to `file` (in the run folder). */
export const CheckpointSaved = t.type({
  type: t.literal('checkpoint'),
  step: t.number,
  epoch: t.number,
  time: t.number,
  file: t.string,
  bytes: t.number,
});

/** The run continues from the checkpoint after `step`; it now runs to `epochs` (`totalSteps`). */
export const RunResumed = t.type({
  type: t.literal('run-resumed'),
  step: t.number,
  epoch: t.number,
  time: t.number,
  epochs: t.number,
  totalSteps: t.number,
});

/**
 * The quality of `samples` generated images at an epoch's end, judged by the evaluator's
 * classifier against `realSamples` held-out real images (see src/quality).
 */
export const QualityChecked = t.intersection([
  t.type({
    type: t.literal('quality'),
    step: t.number,
    epoch: t.number,
    samples: t.number,
    realSamples: t.number,
    classifier: t.string,
    fid: JsonNumber,
    classifierScore: JsonNumber,
    /** Classes holding at least half their uniform share of the samples. */
    covered: t.number,
    klFromUniform: JsonNumber,
    topShare: JsonNumber,
    recognisable: JsonNumber,
    /** Samples predicted as each class. */
    histogram: t.array(t.number),
  }),
  t.partial({
    /** A conditional GAN's samples (the classes in turn): the share the classifier puts in the class each was drawn as, overall and by class. */
    intended: JsonNumber,
    intendedByClass: t.array(JsonNumber),
    /** What each class of the histogram is called, when the classifier knows its classes by name (a folder's subfolders). */
    classNames: t.array(t.string),
  }),
]);

/**
 * Losses became NaN or infinite at step `diverged`; the run went back to its checkpoint after
 * `step` and continues from there with the learning rate halved to `lr` (rollback `rollback` of
 * `of`). Steps after `step` recorded before this event are abandoned: the record has them again.
 */
export const RolledBack = t.type({
  type: t.literal('rolled-back'),
  step: t.number,
  epoch: t.number,
  time: t.number,
  diverged: t.number,
  lr: t.number,
  rollback: t.number,
  of: t.number,
});

export const TrainingEvent = t.union([
  RunStarted,
  Step,
  EpochEnd,
  Milestone,
  Snapshot,
  Comparison,
  Warning,
  WarningCleared,
  CheckpointSaved,
  RunResumed,
  RolledBack,
  QualityChecked,
  RunEnded,
]);

export type RunStarted = t.TypeOf<typeof RunStarted>;
export type Step = t.TypeOf<typeof Step>;
export type EpochEnd = t.TypeOf<typeof EpochEnd>;
export type Milestone = t.TypeOf<typeof Milestone>;
export type Snapshot = t.TypeOf<typeof Snapshot>;
export type Comparison = t.TypeOf<typeof Comparison>;
export type Warning = t.TypeOf<typeof Warning>;
export type WarningKind = Warning['kind'];
export type WarningCleared = t.TypeOf<typeof WarningCleared>;
export type RunEnded = t.TypeOf<typeof RunEnded>;
export type CheckpointSaved = t.TypeOf<typeof CheckpointSaved>;
export type RunResumed = t.TypeOf<typeof RunResumed>;
export type RolledBack = t.TypeOf<typeof RolledBack>;
export type QualityChecked = t.TypeOf<typeof QualityChecked>;

/** A checkpoint event in the live stream carries the checkpoint's bytes for the sink that writes them; they are never encoded. */
export type CheckpointTaken = CheckpointSaved & { readonly snapshot: Uint8Array };
export const isCheckpointTaken = (e: TrainingEvent): e is CheckpointTaken => e.type === 'checkpoint' && 'snapshot' in e;
export type TrainingEvent = t.TypeOf<typeof TrainingEvent>;

/** One NDJSON line (no newline). */
export function encodeEvent(e: TrainingEvent): string {
  if (isCheckpointTaken(e)) {
    const { snapshot: _bytes, ...saved } = e;
    return JSON.stringify(TrainingEvent.encode(saved));
  }
  return JSON.stringify(TrainingEvent.encode(e));
}

/** Image and score arrays must hold count x rows x cols pixels and count scores. */
function sizeMismatch(e: TrainingEvent): string | null {
  if (e.type !== 'milestone' && e.type !== 'snapshot' && e.type !== 'comparison') return null;
  const pixels = e.count * e.rows * e.cols * channelsOf(e);
  const checks: [string, number, number][] =
    e.type !== 'comparison'
      ? [['pixels', unpackPixels(e).length, pixels]]
      : [
          ['real', unpackPixels({ pixels: e.real }).length, pixels],
          ['fake', unpackPixels({ pixels: e.fake }).length, pixels],
          ['realScores', e.realScores.length, e.count],
          ['fakeScores', e.fakeScores.length, e.count],
        ];
  const bad = checks.find(([, found, expected]) => found !== expected);
  return bad ? `${bad[0]} holds ${bad[1]} values, expected ${bad[2]}` : null;
}

/** The literal `type` an event codec requires (a plain type, or the first part of an intersection). */
function typeTag(codec: t.Mixed): string {
  const props = (codec as unknown as { props?: { type?: { value?: unknown } } }).props;
  if (typeof props?.type?.value === 'string') return props.type.value;
  const [first] = (codec as unknown as { types?: t.Mixed[] }).types ?? [];
  if (first) return typeTag(first);
  throw new Error(`an event codec without a literal type: ${codec.name}`);
}

/** Each event's codec by its type: the union's members, so that a new event is decoded as soon as it is in the union. */
const CODECS: Readonly<Record<string, t.Mixed>> = Object.fromEntries(
  TrainingEvent.types.map((codec: t.Mixed) => [typeTag(codec), codec]),
);

const brief = (v: unknown) => {
  const text = v === undefined ? 'nothing' : (JSON.stringify(v) ?? String(v));
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
};

/** Where a validation error is, as a dotted path of the value's keys (an intersection's member indices left out). */
export const validationPath = (e: t.ValidationError): string =>
  e.context
    .filter((c, i) => c.key !== '' && !(i > 0 && e.context[i - 1].type instanceof t.IntersectionType))
    .map((c) => c.key)
    .join('.');

/** The first validation error as `field: got X, expected T`. */
function describeError(errors: t.Errors): string {
  const e = errors[0];
  const path = validationPath(e);
  const expected = e.context[e.context.length - 1]?.type.name ?? 'a value';
  return `${path || 'record'}: got ${brief(e.value)}, expected ${expected}`;
}

/** One NDJSON line back into an event, or a one-line reason it is not one. */
export function decodeEvent(line: string): E.Either<string, TrainingEvent> {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (e) {
    return E.left(`not JSON (${(e as Error).message})`);
  }
  const type =
    typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as { type?: unknown }).type : undefined;
  const codec = typeof type === 'string' ? CODECS[type] : undefined;
  if (!codec) return E.left(`not an event: type ${brief(type)}, expected one of ${Object.keys(CODECS).join(', ')}`);
  return pipe(
    codec.decode(json) as t.Validation<TrainingEvent>,
    E.mapLeft((errors) => `not a valid '${type}' event: ${describeError(errors)}`),
    E.chain((e) => {
      const bad = sizeMismatch(e);
      return bad === null ? E.right(e) : E.left(`${e.type} event: ${bad}`);
    }),
  );
}

/** Grey levels 0-255 from generator output in [-1, 1]. */
export function toGreyLevels(images: Float32Array): Uint8Array {
  const out = new Uint8Array(images.length);
  for (let i = 0; i < images.length; i++) out[i] = Math.max(0, Math.min(255, Math.round((images[i] + 1) * 127.5)));
  return out;
}

/** Base64 by the Web-standard btoa and atob, which Node, Deno, browsers and workers share. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
/** The bytes of a base64 string; throws on a string that is not base64. */
export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Grey levels as an event carries them (the page decodes the same events). */
export const packPixels = (grey: Uint8Array): string => toBase64(grey);
export function unpackPixels(m: Pick<Milestone, 'pixels'>): Uint8Array {
  try {
    return fromBase64(m.pixels);
  } catch {
    return new Uint8Array(0);
  }
}

/**
 * The events that stand after rollbacks: each rolled-back event removes the events after its
 * step that came before it (the abandoned attempt). The rolled-back events themselves stay.
 */
export function effectiveEvents<E extends TrainingEvent>(events: readonly E[]): E[] {
  const out: E[] = [];
  for (const e of events) {
    if (e.type === 'rolled-back') {
      let keep = out.length;
      while (keep > 0 && stepOf(out[keep - 1]) > e.step && out[keep - 1].type !== 'rolled-back') keep--;
      out.length = keep;
    }
    out.push(e);
  }
  return out;
}

/** The step an event belongs to (0 for the run's start). */
export const stepOf = (e: TrainingEvent): number => ('step' in e ? e.step : 0);
