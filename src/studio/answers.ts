/**
 * What the studio's server answers, as io-ts codecs: the server's answers have these types, and
 * the pages decode every answer with them (so a page never trusts a shape it was not checked
 * for). Imports nothing from node: the pages bundle it.
 */
import * as t from 'io-ts';
import type { ClassTracks } from '../explore/class-tracks.ts';
import type { Novelty as NoveltyFigure } from '../explore/novelty.ts';

const nullable = <C extends t.Mixed>(codec: C) => t.union([codec, t.null]);

/** A failed request: a one-line message, and per form field the message to show beside it. */
export const Failure = t.intersection([
  t.type({ error: t.string }),
  t.partial({ fields: t.record(t.string, t.string) }),
]);
export type Failure = t.TypeOf<typeof Failure>;

// ---- the studio page ----

/** A live run's states: the control's (playing, paused, stopping), then saving, and how it ended. */
export const RunState = t.keyof({
  playing: null,
  paused: null,
  stopping: null,
  saving: null,
  ended: null,
  failed: null,
});
export type RunState = t.TypeOf<typeof RunState>;

/** A run's state as the live feed and /api/state give it, with the failure's message. */
export const LiveState = t.type({ state: RunState, message: nullable(t.string) });
export type LiveState = t.TypeOf<typeof LiveState>;

/** One run folder as the runs list shows it (runs.ts reads it). */
export const RunListing = t.type({
  name: t.string,
  /** What the run trained; null when its record cannot be read (see `problem`). */
  arch: nullable(t.string),
  dataset: nullable(t.string),
  /** When the run started (the folder's time when the record does not say). */
  startedAt: t.string,
  epochs: t.number,
  totalSteps: t.number,
  /** The last step recorded. */
  steps: t.number,
  /** How the record ends: completed, interrupted, diverged, open (no run-ended: running, or killed), or unreadable. */
  status: t.keyof({ completed: null, interrupted: null, diverged: null, open: null, unreadable: null }),
  resumable: t.boolean,
  hasGenerator: t.boolean,
  /** Why the record cannot be read (the run is listed, and its saved networks served, all the same); null when it can. */
  problem: nullable(t.string),
});
export type RunListing = t.TypeOf<typeof RunListing>;

/** One field of the form (form.ts derives them from the flag table). */
export const FormField = t.type({
  flag: t.string,
  label: t.string,
  /** What it does, in plain words (one line). */
  help: t.string,
  /** Shown in beginner mode (else under "More settings"). */
  basic: t.boolean,
  /** What an empty field means (the default, or a word such as 'all'), shown as its placeholder. */
  placeholder: t.string,
  /** A select's choices; null for a text field. */
  choices: nullable(t.array(t.string)),
  /** The default as the field's value would write it; null where the setting is left out. */
  default: nullable(t.string),
});
export type FormField = t.TypeOf<typeof FormField>;

/** Settings that teach, as form values (presets.ts holds them). */
export const Preset = t.type({
  name: t.string,
  title: t.string,
  /** What the student should watch for. */
  lesson: t.string,
  flags: t.record(t.string, t.string),
});
export type Preset = t.TypeOf<typeof Preset>;

/** /api/state: the run training (if any), the runs folder, and what the form offers. */
export const StudioState = t.type({
  live: nullable(t.intersection([t.type({ name: t.string }), LiveState])),
  runs: t.array(RunListing),
  presets: t.array(Preset),
  fields: t.array(FormField),
  /** Each architecture's one-line summary, by name. */
  architectures: t.record(t.string, t.string),
  backend: t.string,
});
export type StudioState = t.TypeOf<typeof StudioState>;

/** A run started or continued: its name in the runs folder. */
export const Started = t.type({ name: t.string });
/** A control obeyed: the run's state now. */
export const Controlled = t.type({ state: RunState });

/** The networks at one moment (probe.ts takes it): G's images from fixed noise, D's belief that each image is real. */
export const Probe = t.type({
  step: t.number,
  rows: t.number,
  cols: t.number,
  /** Packed grey levels (events.ts' packPixels). */
  real: t.string,
  fake: t.string,
  realScores: t.array(t.number),
  fakeScores: t.array(t.number),
});
export type Probe = t.TypeOf<typeof Probe>;

/** Before and after a student's steps, with D's new scores on the old fakes too (D's update alone, G held still). */
export const StepProbe = t.type({
  steps: t.number,
  /** Which networks the steps updated. */
  kind: t.keyof({ both: null, d: null, g: null }),
  before: Probe,
  after: Probe,
  oldFakeScoresAfter: t.array(t.number),
});
export type StepProbe = t.TypeOf<typeof StepProbe>;

// ---- the explore page ----

/** Training images the run saw, with their labels and the classes' names. */
export const RealImages = t.type({
  rows: t.number,
  cols: t.number,
  /** 1 grey, 3 colour (pixels holds that many levels a pixel). */
  channels: t.number,
  count: t.number,
  pixels: t.string,
  labels: nullable(t.array(t.number)),
  names: t.array(t.string),
});
export type RealImages = t.TypeOf<typeof RealImages>;

export const Neighbour = t.type({ index: t.number, distance: t.number, label: nullable(t.number), pixels: t.string });
export type Neighbour = t.TypeOf<typeof Neighbour>;
/** An image's nearest training images, by pixels and by the classifier's features. */
export const Neighbours = t.type({ pixel: t.array(Neighbour), feature: t.array(Neighbour) });
export type Neighbours = t.TypeOf<typeof Neighbours>;

const NoveltyFigureCodec: t.Type<NoveltyFigure> = t.intersection([
  t.type({
    generatedMedian: t.number,
    heldOutMedian: t.number,
    ratio: t.number,
    closeShare: t.number,
    closeDistance: t.number,
    generatedCount: t.number,
    heldOutCount: t.number,
  }),
  /** What the real side measured when no image is held out (a folder of images). */
  t.partial({ against: t.string }),
]);
/** The novelty figure: distances to the nearest training image, as two histograms over [lo, hi]. */
export const NoveltyShown = t.type({
  novelty: NoveltyFigureCodec,
  lo: t.number,
  hi: t.number,
  generated: t.array(t.number),
  heldOut: t.array(t.number),
});
export type NoveltyShown = t.TypeOf<typeof NoveltyShown>;

/** The class each fixed noise point showed at each milestone (rows as arrays), and the class shares at each quality check. */
export const TracksShown = t.type({
  labels: t.array(t.string),
  steps: t.array(t.number),
  classes: t.array(t.array(t.number)),
  changes: t.array(t.number),
  names: t.array(t.string),
  checks: t.array(t.type({ label: t.string, histogram: t.array(t.number) })),
});
export type TracksShown = t.TypeOf<typeof TracksShown>;
/** The class tracks as the server sends them: each row of classes an array. */
export const tracksShown = (tracks: ClassTracks, names: string[], checks: TracksShown['checks']): TracksShown => ({
  labels: [...tracks.labels],
  steps: [...tracks.steps],
  classes: tracks.classes.map((row) => Array.from(row)),
  changes: [...tracks.changes],
  names,
  checks,
});
