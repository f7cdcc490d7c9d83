/**
 * The studio page: the setup form, the controls, the runs folder and the live views. Events come
 * from the server (Server-Sent Events: the record so far, then live) or from a recorded run
 * replayed here; either way each line is decoded by the one record decoder (record-lines.ts) and
 * folded into a RunView. Everything the page keeps is one value, `page`. Drawing happens at most
 * once per animation frame, whatever the event rate.
 */
import { mergeMap, type Subscription } from 'rxjs';
import { History } from '../../streams/analysis/history.ts';
import type { TrainingEvent } from '../../streams/events.ts';
import { warningsAgain } from '../../streams/operators/warnings.ts';
import { isBad, type RecordLine, recordLines, replay$, textLines } from '../../streams/sources/record-lines.ts';
import type { RunState, StepProbe, StudioState } from '../answers.ts';
import { applyMode, beginnerMode } from './beginner-mode.ts';
import {
  drawCurves,
  drawHistogram,
  drawMilestones,
  drawQuality,
  drawRealVsFake,
  drawRunsCompared,
  drawScored,
  drawSnapshot,
} from './draw.ts';
import { droppedImages, wireImageDrop } from './image-drop.ts';
import { controlKeys } from './keyboard.ts';
import { drawModel, lightModel } from './model-overview.ts';
import { inPageWords } from './page-words.ts';
import { RunView } from './run-view.ts';
import { renderRuns, showLiveStep } from './runs-list.ts';
import { applyLink, buildForm, formValues, linkOf, showFieldErrors } from './setup-form.ts';
import { stagesOf } from './step-walk.ts';
import { isOver, studioServer } from './studio-server.ts';
import { tabTrainer } from './tab-trainer.ts';
import type { Answer, Control, LiveMessage, Trainer } from './trainer.ts';

/** What the run shown is doing, as far as the page knows. */
type Shown = 'idle' | 'starting' | RunState | 'replay' | 'replayed' | 'stopped with the server';

/** Everything the page keeps. */
interface PageState {
  /** The server's last /api/state; null before its first answer. */
  studio: StudioState | null;
  /** The run shown ('' before any), and what it is doing. */
  name: string;
  shown: Shown;
  /** The run's events so far, folded for the views. */
  view: RunView;
  /** Where its events come from now: the live feed or a replay. */
  feed: { readonly kind: 'live' | 'replay'; readonly subscription: Subscription } | null;
  /** The history slider's position; null while the grid follows training. */
  scrubbed: number | null;
  /** The last steps' close-up, and the stage of it shown. */
  walk: { readonly probe: StepProbe; stage: number } | null;
  /** While the server does not answer: the reconnection's next wait (null while it answers). */
  lost: { wait: number; timer: number | null } | null;
  /** The pace when the run was paused: shown while it is (single steps taken while paused are no pace). */
  pausedPace: { perSecond: number; secondsLeft: number } | null;
}

const page: PageState = {
  studio: null,
  name: '',
  shown: 'idle',
  view: new RunView(),
  feed: null,
  scrubbed: null,
  walk: null,
  lost: null,
  pausedPace: null,
};

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/**
 * Where runs train: the studio's server, or (on the static site, whose page says so) a worker in
 * this tab, with the datasets the site carries.
 */
const site = document.body.dataset;
const server: Trainer =
  site.trainer === 'tab'
    ? tabTrainer(
        new URL(site.worker ?? 'worker.js', location.href),
        (site.datasets ?? '').split(',').filter(Boolean),
        droppedImages,
      )
    : studioServer;

const say = (message: string) => {
  $('start-error').textContent = message;
};

/** An answer's value; for a failed one null, its message shown (unless quiet) and a lost server noticed. */
function answered<A>(answer: Answer<A>, quiet = false): A | null {
  if (answer.ok) return answer.value;
  if (answer.lost) serverLost();
  if (!quiet) say(answer.failure.error);
  return null;
}

// ---- starting a run ----

async function start(): Promise<void> {
  const studio = page.studio;
  if (!studio) return;
  showFieldErrors(studio, {});
  say('');
  const { name, flags } = formValues(studio);
  const r = await server.start(name ? { name, flags } : { flags });
  if (r.ok) {
    followLive(r.value.name);
    return;
  }
  answered(r);
  const fields = r.failure.fields ?? {};
  const count = Object.keys(fields).length;
  if (count > 1) say(`${count} settings need a change: see the messages beside them`);
  showFieldErrors(studio, fields);
}

async function continueRun(name: string): Promise<void> {
  const started = answered(await server.resume(name));
  if (started) followLive(started.name);
}

// ---- following a run ----

/** Shows another run: the views emptied, the previous feed closed. */
function show(name: string, shown: Shown): void {
  page.feed?.subscription.unsubscribe();
  page.feed = null;
  page.view = new RunView();
  page.name = name;
  page.shown = shown;
  page.scrubbed = null;
  page.walk = null;
  $('compare-section').hidden = true;
  $('probe-section').hidden = true;
}

/** Folds decoded record lines into the view; the bad ones are reported, not shown. */
function addLines(lines: Iterable<RecordLine>): void {
  for (const r of lines) {
    if (isBad(r)) console.warn(`skipped record line ${r.line}: ${r.reason}`);
    else page.view.add(r.event);
  }
}

function followLive(name: string): void {
  show(name, 'starting');
  $('run-note').textContent = '';
  page.feed = { kind: 'live', subscription: server.live().subscribe(onLive) };
  void refresh();
}

function onLive(m: LiveMessage): void {
  if (m.kind === 'event') addLines(recordLines([m.line]));
  else if (m.kind === 'note') $('run-note').textContent = m.message;
  else if (m.kind === 'probe') {
    page.walk = { probe: m.probe, stage: 0 };
    drawStage();
  } else if (m.kind === 'state') {
    page.shown = m.state;
    if (m.message) say(`the run failed: ${m.message}`);
    if (isOver(m.state)) {
      page.feed?.subscription.unsubscribe();
      page.feed = null;
      void refresh();
    }
    updateControls();
  } else {
    // The connection broke: the server stopped or restarted. The page reconnects itself, with back-off.
    page.feed = null;
    serverLost();
  }
}

/** Replays a recorded run into the views: at `pace` (or the speed menu's) times its recorded pace, or at once (0). */
async function replay(name: string, pace?: number): Promise<void> {
  const text = answered(await server.record(name));
  if (text === null) return;
  show(name, 'replay');
  const lines = Array.from(recordLines(textLines(text)));
  const events = lines.flatMap((l) => (isBad(l) ? [] : [l.event]));
  const stepsPerEpoch = events.find((e) => e.type === 'run-started')?.stepsPerEpoch;
  const speed = pace ?? Number($<HTMLSelectElement>('speed').value);
  const subscription = replay$(lines, speed === 0 ? null : speed)
    .pipe(
      mergeMap((l): TrainingEvent[] => (isBad(l) ? [] : [l.event])),
      warningsAgain(stepsPerEpoch),
    )
    .subscribe({
      next: (e) => page.view.add(e),
      complete: () => {
        page.shown = 'replayed';
        updateControls();
      },
    });
  if (!subscription.closed) page.feed = { kind: 'replay', subscription };
  updateControls();
}

/** The checked runs' curves in one plot, step-aligned. */
async function compare(names: string[]): Promise<void> {
  const runs = [];
  for (const name of names) {
    const text = answered(await server.record(name));
    if (text === null) return;
    const history = new History();
    let stepsPerEpoch = 1;
    for (const l of recordLines(textLines(text))) {
      if (isBad(l)) continue;
      const e = l.event;
      if (e.type === 'run-started') stepsPerEpoch = e.stepsPerEpoch;
      if (e.type === 'step') history.add(e);
      if (e.type === 'rolled-back') history.rollBack(e.step);
    }
    runs.push({ name, points: history.points(), stepsPerEpoch });
  }
  $('compare-section').hidden = false;
  drawRunsCompared($<HTMLCanvasElement>('compared'), runs);
  $('compare-section').scrollIntoView({ behavior: 'smooth' });
}

// ---- a lost server ----

const FIRST_WAIT_MS = 500;
const LONGEST_WAIT_MS = 8000;

/** The server stopped answering: say so, disable the controls, and try again with back-off. */
function serverLost(): void {
  if (page.feed?.kind === 'live') {
    page.feed.subscription.unsubscribe();
    page.feed = null;
  }
  if (page.lost) return;
  page.lost = { wait: FIRST_WAIT_MS, timer: null };
  updateControls();
  scheduleReconnect();
}

function scheduleReconnect(): void {
  const lost = page.lost;
  if (!lost) return;
  const banner = $('server-lost');
  banner.hidden = false;
  banner.textContent = `The studio server is not answering (stopped, or restarting?): the controls are off until it is back. Trying again in ${Math.round(lost.wait / 100) / 10} s...`;
  lost.timer = window.setTimeout(() => void reconnect(), lost.wait);
}

async function reconnect(): Promise<void> {
  if (!page.lost) return;
  const r = await server.state();
  if (!r.ok) {
    page.lost.wait = Math.min(LONGEST_WAIT_MS, page.lost.wait * 2);
    scheduleReconnect();
    return;
  }
  page.lost = null;
  $('server-lost').hidden = true;
  const studio = r.value;
  page.studio = studio;
  renderRuns(studio, actions);
  if (studio.live && studio.live.name === page.name && !isOver(studio.live.state)) {
    // The same run still trains: follow it again from the start of its record (no event twice, none missed).
    followLive(studio.live.name);
  } else if (page.name && page.shown !== 'replay' && page.shown !== 'replayed') {
    // The server restarted without the run: show what its record holds, and offer to continue it.
    const name = page.name;
    await replay(name, 0);
    page.shown = 'stopped with the server';
    say(
      `The studio server restarted and run '${name}' is no longer training: continue it from its last checkpoint in the runs folder.`,
    );
    updateControls();
  } else updateControls();
}

// ---- controls and the runs list ----

async function control(c: Control): Promise<void> {
  const done = answered(await server.control(c));
  if (!done) return;
  page.shown = done.state;
  updateControls();
}

/** Saves a run as a zip archive (the tab's runs: the command line's train --resume and replay take it). */
async function download(name: string): Promise<void> {
  if (!server.archive) return;
  const bytes = answered(await server.archive(name));
  if (!bytes) return;
  const url = URL.createObjectURL(new Blob([bytes.slice()], { type: 'application/zip' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `${name}.zip`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The site's example run (a trained run it carries), opened where this tab keeps no run yet: the explore views work at once. */
async function openExample(): Promise<void> {
  const { example, exampleName } = site;
  if (!server.open || !example || !exampleName || !page.studio || page.studio.runs.length > 0) return;
  try {
    const response = await fetch(new URL(example, location.href));
    if (!response.ok) throw new Error(`${example} answered ${response.status}`);
    const opened = await server.open(`${exampleName}.zip`, new Uint8Array(await response.arrayBuffer()));
    if (!opened.ok) throw new Error(opened.failure.error);
  } catch (e) {
    $('open-error').textContent = `the site's example run was not opened: ${(e as Error).message}`;
  }
  await refresh();
}

/** Takes in a run from a file (the tab's runs: a Download, or a command-line run folder zipped). */
async function openRun(file: File): Promise<void> {
  if (!server.open) return;
  const error = $('open-error');
  error.textContent = '';
  const opened = await server.open(file.name, new Uint8Array(await file.arrayBuffer()));
  if (!opened.ok) {
    error.textContent = opened.failure.error;
    return;
  }
  await refresh();
  await replay(opened.value.name, 0);
}

const actions = {
  replay: (name: string) => void replay(name),
  continueRun: (name: string) => void continueRun(name),
  ...(server.archive ? { download: (name: string) => void download(name) } : {}),
  explorePage: document.body.dataset.explore ?? 'explore',
};

function updateControls(): void {
  drawStatus();
  const lost = page.lost !== null;
  const training = (page.shown === 'playing' || page.shown === 'paused' || page.shown === 'stopping') && !lost;
  const stepping = training && page.shown !== 'stopping';
  $<HTMLButtonElement>('start').disabled = training || lost;
  $<HTMLButtonElement>('pause').disabled = !training || page.shown !== 'playing';
  $<HTMLButtonElement>('play').disabled = !training || page.shown !== 'paused';
  document.querySelectorAll<HTMLButtonElement>('#runs button').forEach((b) => {
    b.disabled = lost;
  });
  for (const id of ['step', 'step10', 'step-d', 'step-g', 'stop', 'walk'])
    $<HTMLButtonElement>(id).disabled = !stepping;
  $<HTMLButtonElement>('probe-continue').disabled = page.shown !== 'paused';
  $('step-note').textContent =
    page.shown === 'paused'
      ? 'Paused: "One step" trains one D update and one G update, "D step" or "G step" only one of them, then it pauses again; "One step, up close" shows what changed.'
      : '';
}

/** In the studio: where the student's own images come from (its --images folder), said under the form. */
function ownImagesHint(studio: StudioState): void {
  const hint = $('own-images-hint');
  const offered = studio.fields.some((f) => f.flag === 'image-size');
  hint.textContent = offered
    ? "Your own images: each folder or .zip in the studio's --images folder is in the Dataset list, with Image size and Colour channels under More settings."
    : 'Your own images: start the studio with npm run studio -- --images DIR, and each folder (one subfolder per class) or .zip of PNG or JPEG images in DIR is offered as a Dataset.';
  hint.hidden = false;
}

async function refresh(): Promise<void> {
  const answer = await server.state();
  // A lost server has its banner; any other failure (an answer the page cannot read) is said.
  const studio = answered(answer, !answer.ok && answer.lost);
  if (!studio) return;
  const first = page.studio === null;
  page.studio = studio;
  if (first) {
    buildForm(studio);
    // The student's own images train in the tab, where they stay: the site's trainer.
    if (server.where === 'tab') wireImageDrop();
    else ownImagesHint(studio);
    applyMode();
    // A shared link's settings, over the first preset's.
    if (location.search) say(applyLink(studio, new URLSearchParams(location.search)));
  }
  $('engine').textContent =
    server.where === 'tab'
      ? `Runs train in this tab, on TensorFlow.js's ${studio.backend}.`
      : `Runs train on the studio's server, on TensorFlow.js's ${studio.backend}.`;
  renderRuns(studio, actions);
  if (first && studio.live) followLive(studio.live.name);
  updateControls();
}

// ---- one step, up close ----

function drawStage(): void {
  const section = $('probe-section');
  const walk = page.walk;
  if (!walk) {
    section.hidden = true;
    lightModel($('model-graph'), null);
    return;
  }
  section.hidden = false;
  const stages = stagesOf(walk.probe, page.view.last);
  walk.stage = Math.max(0, Math.min(walk.stage, stages.length - 1));
  const s = stages[walk.stage];
  $('probe-text').textContent = s.text;
  lightModel($('model-graph'), s.parts);
  $('probe-stage').textContent = `${s.title} (stage ${walk.stage + 1} of ${stages.length})`;
  const canvas = $<HTMLCanvasElement>('probe');
  canvas.hidden = s.rows.length === 0;
  if (s.rows.length > 0) drawScored(canvas, s.title, s.rows, walk.probe.before);
  $<HTMLButtonElement>('probe-back').disabled = walk.stage === 0;
  $<HTMLButtonElement>('probe-next').disabled = walk.stage === stages.length - 1;
  drawStale();
}

/** The walk-through is of one step: once training has moved past it, it says so and greys out. */
function drawStale(): void {
  const walk = page.walk;
  const now = page.view.last?.step ?? 0;
  const stale = walk !== null && now > walk.probe.after.step;
  $('probe-section').classList.toggle('stale', stale);
  const note = $('probe-stale');
  note.hidden = !stale;
  note.textContent = walk
    ? `Training has moved on to step ${now.toLocaleString('en-US')}: this walk-through is of step ${walk.probe.after.step.toLocaleString('en-US')}. "Walk through one update" takes a fresh one.`
    : '';
}

// ---- drawing, once per frame at most ----

const seconds = (s: number) =>
  s >= 3600
    ? `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`
    : s >= 60
      ? `${Math.floor(s / 60)}m ${Math.round(s % 60)}s`
      : `${Math.round(s)}s`;

function drawNumbers(): void {
  const view = page.view;
  const last = view.last;
  if (page.shown !== 'paused') page.pausedPace = null;
  else page.pausedPace ??= { perSecond: view.samplesPerSec(), secondsLeft: view.secondsLeft() };
  const pace = page.pausedPace ?? { perSecond: view.samplesPerSec(), secondsLeft: view.secondsLeft() };
  const paused = page.pausedPace ? ' (paused)' : '';
  if (last && page.feed?.kind === 'live') showLiveStep(page.name, last.step, page.shown);
  const cells: [string, string][] = last
    ? [
        ['step', `${last.step.toLocaleString('en-US')} / ${view.totalSteps.toLocaleString('en-US')}`],
        ['epoch', `${last.epoch} / ${view.epochs}`],
        ['D loss', last.dLoss.toFixed(3)],
        ['G loss', last.gLoss.toFixed(3)],
        ['D accuracy', `${Math.round(50 * (last.dAccReal + last.dAccFake))}%`],
        [`images/s${paused}`, Math.round(pace.perSecond).toLocaleString('en-US')],
        [`time left${paused}`, view.ended ? 'done' : seconds(pace.secondsLeft)],
      ]
    : [['step', 'not started']];
  document.body.dataset.events = String(view.version);
  const q = view.quality[view.quality.length - 1];
  // Quality numbers come from the last check, not this step: each says when it was measured.
  const at = q ? ` (epoch ${q.epoch}, step ${q.step.toLocaleString('en-US')})` : '';
  if (q) cells.push([`FID${at}`, q.fid.toFixed(1)], [`recognisable${at}`, `${Math.round(100 * q.recognisable)}%`]);
  if (q?.intended !== undefined) cells.push([`intended class${at}`, `${Math.round(100 * q.intended)}%`]);
  $('numbers').replaceChildren(
    ...cells.map(([k, v]) => {
      const d = document.createElement('div');
      d.innerHTML = `<span></span><b></b>`;
      d.children[0].textContent = k;
      d.children[1].textContent = v;
      return d;
    }),
  );
  drawStatus();
}

/** The header: which run, and its state (drawn on every state change, events or not). */
function drawStatus(): void {
  const { name, shown } = page;
  const label = page.lost
    ? `${name ? `${name}: ` : ''}the server is not answering`
    : shown === 'replay' || shown === 'replayed'
      ? `${shown === 'replay' ? 'replaying' : 'replayed'} ${name}`
      : name
        ? `${name}: ${shown}`
        : 'no run yet';
  $('status').innerHTML = '<span class="state"></span>';
  $('status').children[0].textContent = label;
}

/** The warning cards: those that hold now first; those that cleared after them, greyed, saying when. */
function drawWarnings(): void {
  const view = page.view;
  const box = $('warnings');
  if (view.warnings.length === 0) {
    box.innerHTML = '<span class="hint">None so far: D and G are keeping each other in check.</span>';
    return;
  }
  const fields = page.studio?.fields ?? [];
  const holding = view.warnings.filter((w) => !view.cleared.has(w));
  const cleared = view.warnings.filter((w) => view.cleared.has(w));
  box.replaceChildren(
    ...[...holding, ...cleared].map((w) => {
      const card = document.createElement('div');
      const clearedAt = view.cleared.get(w);
      card.className = clearedAt === undefined ? 'card' : 'card cleared';
      card.innerHTML = '<b></b> <span></span>';
      card.children[0].textContent =
        `${w.kind} at step ${w.step.toLocaleString('en-US')} (epoch ${w.epoch})` +
        (clearedAt === undefined ? '' : `: cleared at step ${clearedAt.toLocaleString('en-US')}`);
      card.children[1].textContent = `\n${inPageWords(w.message, fields)}`;
      return card;
    }),
  );
}

function drawScrubbed(): void {
  const { view, scrubbed } = page;
  const scrub = $<HTMLInputElement>('scrub');
  const n = view.snapshots.length;
  scrub.max = String(Math.max(0, n - 1));
  const index = scrubbed === null ? n - 1 : Math.min(scrubbed, n - 1);
  if (scrubbed === null) scrub.value = String(Math.max(0, index));
  const s = view.snapshots[index];
  drawSnapshot($<HTMLCanvasElement>('grid'), s);
  $('scrub-label').textContent = s
    ? `step ${s.step.toLocaleString('en-US')} (epoch ${s.epoch})${scrubbed === null ? ', following training' : ': drag to the right end to follow training'}`
    : 'The grid appears after the first snapshot.';
}

/**
 * Each view redraws when what it shows changed, and the costly ones at most every `every` ms: a
 * run sends ~20 steps a second, and the browser shares the machine's cores with the training.
 */
interface Painter {
  readonly key: () => unknown;
  readonly every: number;
  readonly draw: () => void;
  last?: unknown;
  at?: number;
}
const view = () => page.view;
const painters: Painter[] = [
  { key: () => `${view().version}:${page.shown}`, every: 250, draw: drawNumbers },
  { key: () => `${view().snapshots.length}:${page.scrubbed}`, every: 0, draw: drawScrubbed },
  {
    key: () => `${view().last?.step}:${view().warnings.length}:${view().ended !== null}`,
    every: 1000,
    draw: () => drawCurves($<HTMLCanvasElement>('curves'), view()),
  },
  {
    key: () => view().milestones.length,
    every: 0,
    draw: () => drawMilestones($<HTMLCanvasElement>('milestones'), view()),
  },
  {
    key: () => view().quality.length,
    every: 0,
    draw: () => {
      drawHistogram($<HTMLCanvasElement>('histogram'), view());
      drawQuality($<HTMLCanvasElement>('quality'), view());
    },
  },
  { key: () => view().comparison, every: 0, draw: () => drawRealVsFake($<HTMLCanvasElement>('real-vs-fake'), view()) },
  { key: () => `${view().warnings.length}:${view().cleared.size}`, every: 0, draw: drawWarnings },
  { key: () => view().started, every: 0, draw: () => drawModel($('model-graph'), view().started) },
  { key: () => `${view().last?.step}:${page.walk?.probe.after.step}`, every: 250, draw: drawStale },
  // The runs folder's listing, at each epoch end of the run shown (its step count and status change).
  {
    key: () => view().lastEpoch?.epoch,
    every: 5000,
    draw: () => {
      if (page.shown !== 'replay') void refresh();
    },
  },
];
let paintedView: RunView | null = null;
// The plots are drawn at the page's size: again when it changes (a resized window, a zoom).
window.addEventListener('resize', () => {
  for (const p of painters) p.last = undefined;
});

function frame(now: number): void {
  if (paintedView !== page.view) {
    paintedView = page.view;
    for (const p of painters) p.last = p.at = undefined;
  }
  for (const p of painters) {
    const key = p.key();
    if (key === p.last || (p.at !== undefined && now - p.at < p.every)) continue;
    p.last = key;
    p.at = now;
    p.draw();
  }
  requestAnimationFrame(frame);
}

const moveStage = (by: number) => () => {
  if (page.walk) page.walk.stage += by;
  drawStage();
};
/** Pauses (if playing), trains one step, and shows its walk-through from the first stage. */
async function walkThrough(): Promise<void> {
  if (page.shown === 'playing') await control({ action: 'pause' });
  if (page.shown !== 'paused') return;
  await control({ action: 'step', steps: 1 });
  $('probe-section').scrollIntoView({ behavior: 'smooth', block: 'start' });
}
$('walk').onclick = () => void walkThrough();
$('probe-continue').onclick = () => void control({ action: 'play' });
$('probe-back').onclick = moveStage(-1);
$('probe-next').onclick = moveStage(1);
$('start').onclick = () => void start();
// In the tab, runs are kept by the browser, not in a folder.
if (server.where === 'tab') $('runs-title').textContent = 'Runs kept in this browser';
if (server.open) {
  $('open-run-box').hidden = false;
  const input = $<HTMLInputElement>('open-run');
  input.onchange = () => {
    const file = input.files?.[0];
    if (file) void openRun(file).finally(() => (input.value = ''));
  };
  const runsBox = $('runs-title').parentElement as HTMLElement;
  runsBox.addEventListener('dragover', (e) => e.preventDefault());
  runsBox.addEventListener('drop', (e) => {
    e.preventDefault();
    const file = e.dataTransfer?.files[0];
    if (file) void openRun(file);
  });
}
$('share').onclick = () => {
  if (!page.studio) return;
  const link = linkOf(page.studio, new URL(location.href));
  history.replaceState(null, '', link);
  const box = $<HTMLInputElement>('share-link');
  box.value = link;
  box.hidden = false;
  box.select();
};
$('pause').onclick = () => void control({ action: 'pause' });
$('play').onclick = () => void control({ action: 'play' });
$('step').onclick = () => void control({ action: 'step', steps: 1 });
$('step10').onclick = () => void control({ action: 'step', steps: 10 });
$('step-d').onclick = () => void control({ action: 'step', steps: 1, only: 'd' });
$('step-g').onclick = () => void control({ action: 'step', steps: 1, only: 'g' });
$('stop').onclick = () => void control({ action: 'stop' });
$('compare').onclick = () =>
  void compare(Array.from(document.querySelectorAll<HTMLInputElement>('.pick:checked')).map((c) => c.value));
$<HTMLInputElement>('scrub').oninput = (e) => {
  const scrub = e.target as HTMLInputElement;
  page.scrubbed = Number(scrub.value) >= Number(scrub.max) ? null : Number(scrub.value);
  drawScrubbed();
};
beginnerMode();
controlKeys();
void refresh().then(openExample);
requestAnimationFrame(frame);
// With no live connection to notice a lost server, a look every few seconds does (answered raises the banner).
const HEARTBEAT_MS = 5000;
window.setInterval(() => {
  if (page.feed?.kind !== 'live' && !page.lost) void server.state().then((a) => answered(a, true));
}, HEARTBEAT_MS);
