/**
 * The studio page: the setup form, the controls, the runs folder and the live views. Events come
 * from the server (Server-Sent Events: the record so far, then live) or from a recorded run
 * replayed here; either way they are decoded by the run's own codecs and folded into a RunView.
 * Drawing happens at most once per animation frame, whatever the event rate.
 */
import * as E from 'fp-ts/lib/Either.js';
import { filter, from } from 'rxjs';
import { History } from '../../streams/analysis/history.ts';
import { decodeEvent, type RunStarted, type TrainingEvent } from '../../streams/events.ts';
import { warnings, warningWindow } from '../../streams/operators/warnings.ts';
import type { FormField } from '../form.ts';
import type { StepProbe } from '../probe.ts';
import type { RunListing } from '../runs.ts';
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
import { RunView } from './run-view.ts';
import { stagesOf } from './step-walk.ts';

interface Preset {
  name: string;
  title: string;
  lesson: string;
  flags: Record<string, string>;
}
interface State {
  live: { name: string; state: string; message: string | null } | null;
  runs: RunListing[];
  presets: Preset[];
  fields: FormField[];
  architectures: Record<string, string>;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** The run's name: a field of the form that is not a flag (the form's other fields come from the flag table, in /api/state). */
const NAME_FIELD: FormField = {
  flag: 'name',
  label: 'Run name',
  placeholder: 'date and time',
  choices: null,
  default: null,
};

/** The form's fields: the server's, then the run's name. */
const fieldsOf = (s: State | null): readonly FormField[] => [...(s?.fields ?? []), NAME_FIELD];

let state: State | null = null;
let view = new RunView();
let source: EventSource | null = null;
let replaying: { cancel: () => void } | null = null;
let liveState = 'idle';
let shownName = '';
let scrubbed: number | null = null;
let probe: StepProbe | null = null;
let stage = 0;
/** While the server does not answer: the reconnection's next wait (null while it answers). */
let lost: { wait: number; timer: number | null } | null = null;

// ---- the form ----

function buildForm(s: State): void {
  const form = $('form');
  form.replaceChildren();
  const defaultArch = s.fields.find((f) => f.flag === 'arch')?.default ?? '';
  for (const f of fieldsOf(s)) {
    const label = document.createElement('label');
    label.textContent = f.label;
    const choices = f.choices;
    const input = choices ? document.createElement('select') : document.createElement('input');
    input.id = `field-${f.flag}`;
    input.name = f.flag;
    if (choices && input instanceof HTMLSelectElement) {
      for (const c of choices) input.append(new Option(f.flag === 'arch' ? `${c}` : c, c));
    } else if (input instanceof HTMLInputElement) {
      input.placeholder = f.placeholder;
    }
    if (f.flag === 'arch') input.title = s.architectures[defaultArch] ?? '';
    input.addEventListener('change', () => {
      if (f.flag === 'arch') input.title = s.architectures[(input as HTMLSelectElement).value] ?? '';
    });
    const error = document.createElement('span');
    error.className = 'field-error';
    error.id = `error-${f.flag}`;
    error.setAttribute('aria-live', 'polite');
    label.append(input, error);
    form.append(label);
  }
  const presets = $<HTMLSelectElement>('preset');
  presets.replaceChildren(...s.presets.map((p) => new Option(p.title, p.name)));
  presets.onchange = () => applyPreset(s, presets.value);
  applyPreset(s, presets.value);
}

function applyPreset(s: State, name: string): void {
  const preset = s.presets.find((p) => p.name === name)!;
  $('lesson').textContent = preset.lesson;
  for (const f of fieldsOf(s)) {
    const input = $<HTMLInputElement | HTMLSelectElement>(`field-${f.flag}`);
    const value =
      preset.flags[f.flag] ?? (input instanceof HTMLSelectElement ? (f.default ?? input.options[0]?.value) : '');
    input.value = value ?? '';
    $(`error-${f.flag}`).textContent = '';
  }
}

function formValues(): { name: string; flags: Record<string, string> } {
  const flags: Record<string, string> = {};
  let name = '';
  for (const f of fieldsOf(state)) {
    const value = $<HTMLInputElement | HTMLSelectElement>(`field-${f.flag}`).value.trim();
    if (f.flag === 'name') name = value;
    else if (value !== '') flags[f.flag] = value;
  }
  return { name, flags };
}

interface Answer {
  error?: string;
  fields?: Record<string, string>;
  name?: string;
  state?: string;
}

/**
 * A request to the studio's server: its answer, or, when the server does not answer at all, an
 * error saying so (and the page starts reconnecting). Never throws.
 */
async function call(path: string, init?: RequestInit): Promise<{ ok: boolean; json: Answer; response?: Response }> {
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch {
    serverLost();
    return {
      ok: false,
      json: { error: 'the studio server is not answering (stopped, or restarting?): nothing was done' },
    };
  }
  if (!response.ok || (response.headers.get('content-type') ?? '').startsWith('application/json')) {
    const json = (await response.json().catch(() => ({ error: `${path}: answered ${response.status}` }))) as Answer;
    return { ok: response.ok, json, response };
  }
  return { ok: true, json: {}, response };
}

const post = (path: string, body: unknown) =>
  call(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function start(): Promise<void> {
  for (const f of fieldsOf(state)) $(`error-${f.flag}`).textContent = '';
  $('start-error').textContent = '';
  const { name, flags } = formValues();
  const r = await post('/api/runs', name ? { name, flags } : { flags });
  if (!r.ok) {
    const fields = Object.entries(r.json.fields ?? {});
    $('start-error').textContent =
      fields.length > 1
        ? `${fields.length} settings need a change: see the messages beside them`
        : (r.json.error ?? 'the run did not start');
    for (const [flag, message] of fields) {
      const slot = document.getElementById(`error-${flag}`);
      if (slot) slot.textContent = message;
    }
    return;
  }
  followLive(r.json.name!);
}

// ---- following a run ----

function reset(name: string): void {
  replaying?.cancel();
  replaying = null;
  source?.close();
  source = null;
  view = new RunView();
  shownName = name;
  scrubbed = null;
  $('compare-section').hidden = true;
  probe = null;
  $('probe-section').hidden = true;
}

function addLine(line: string): void {
  const decoded = decodeEvent(line);
  if (E.isLeft(decoded)) {
    console.warn(`skipped a record line: ${decoded.left}`);
    return;
  }
  view.add(decoded.right);
}

function followLive(name: string): void {
  reset(name);
  liveState = 'starting';
  source = new EventSource('/api/live/events');
  source.addEventListener('event', (m) => addLine((m as MessageEvent<string>).data));
  source.addEventListener('probe', (m) => {
    probe = JSON.parse((m as MessageEvent<string>).data) as StepProbe;
    stage = 0;
    drawStage();
  });
  source.addEventListener('state', (m) => {
    const s = JSON.parse((m as MessageEvent<string>).data) as { state: string; message: string | null };
    liveState = s.state;
    if (s.message) $('start-error').textContent = `the run failed: ${s.message}`;
    if (s.state === 'ended' || s.state === 'failed') {
      source?.close();
      source = null;
      void refresh();
    }
    updateControls();
  });
  // The connection broke: the server stopped or restarted. The page reconnects itself, with back-off.
  source.onerror = () => serverLost();
  void refresh();
}

// ---- a lost server ----

const FIRST_WAIT_MS = 500;
const LONGEST_WAIT_MS = 8000;

/** The server stopped answering: say so, disable the controls, and try again with back-off. */
function serverLost(): void {
  source?.close();
  source = null;
  if (lost) return;
  lost = { wait: FIRST_WAIT_MS, timer: null };
  updateControls();
  scheduleReconnect();
}

function scheduleReconnect(): void {
  if (!lost) return;
  const banner = $('server-lost');
  banner.hidden = false;
  banner.textContent = `The studio server is not answering (stopped, or restarting?): the controls are off until it is back. Trying again in ${Math.round(lost.wait / 100) / 10} s...`;
  lost.timer = window.setTimeout(() => void reconnect(), lost.wait);
}

async function reconnect(): Promise<void> {
  if (!lost) return;
  let s: State;
  try {
    const response = await fetch('/api/state');
    if (!response.ok) throw new Error(String(response.status));
    s = (await response.json()) as State;
  } catch {
    lost.wait = Math.min(LONGEST_WAIT_MS, lost.wait * 2);
    scheduleReconnect();
    return;
  }
  lost = null;
  $('server-lost').hidden = true;
  state = s;
  renderRuns(s.runs);
  if (s.live && s.live.name === shownName && s.live.state !== 'ended' && s.live.state !== 'failed') {
    // The same run still trains: follow it again from the start of its record (no event twice, none missed).
    followLive(s.live.name);
  } else if (shownName && liveState !== 'replay' && liveState !== 'replayed') {
    // The server restarted without the run: show what its record holds, and offer to continue it.
    const name = shownName;
    await replay(name, 0);
    liveState = 'stopped with the server';
    $('start-error').textContent =
      `The studio server restarted and run '${name}' is no longer training: continue it from its last checkpoint in the runs folder.`;
    updateControls();
  } else updateControls();
}

/** Replays a recorded run into the views: at `speed` times its recorded pace, or at once (0). */
async function replay(name: string, pace?: number): Promise<void> {
  const r = await call(`/api/runs/${encodeURIComponent(name)}/record`);
  if (!r.ok || !r.response) {
    $('start-error').textContent = r.json.error ?? `the record of '${name}' could not be read`;
    return;
  }
  const text = await r.response.text();
  reset(name);
  liveState = 'replay';
  const recorded: TrainingEvent[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const decoded = decodeEvent(line);
    if (E.isRight(decoded)) recorded.push(decoded.right);
  }
  // Warnings are derived again from the steps, as `npm run replay` does (records made before a warning kind existed have none).
  const started = recorded.find((e): e is RunStarted => e.type === 'run-started');
  const events: TrainingEvent[] = [];
  from(recorded)
    .pipe(
      filter((e) => e.type !== 'warning'),
      warnings<TrainingEvent>({ window: warningWindow(started?.stepsPerEpoch ?? 200) }),
    )
    .subscribe((e) => events.push(e));
  const speed = pace ?? Number($<HTMLSelectElement>('speed').value);
  let cancelled = false;
  replaying = {
    cancel: () => {
      cancelled = true;
    },
  };
  if (speed === 0) {
    for (const e of events) view.add(e);
    liveState = 'replayed';
    updateControls();
    return;
  }
  const t0 = performance.now();
  let i = 0;
  const tick = () => {
    if (cancelled) return;
    const recordedNow = ((performance.now() - t0) / 1000) * speed;
    while (i < events.length && ('time' in events[i] ? (events[i] as { time: number }).time : 0) <= recordedNow)
      view.add(events[i++]);
    if (i < events.length) requestAnimationFrame(tick);
    else {
      liveState = 'replayed';
      updateControls();
    }
  };
  requestAnimationFrame(tick);
  updateControls();
}

/** The checked runs' curves in one plot, step-aligned. */
async function compare(names: string[]): Promise<void> {
  const runs = [];
  for (const name of names) {
    const r = await call(`/api/runs/${encodeURIComponent(name)}/record`);
    if (!r.ok || !r.response) {
      $('start-error').textContent = r.json.error ?? `the record of '${name}' could not be read`;
      return;
    }
    const text = await r.response.text();
    const history = new History();
    let stepsPerEpoch = 1;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const decoded = decodeEvent(line);
      if (E.isLeft(decoded)) continue;
      const e = decoded.right;
      if (e.type === 'run-started') stepsPerEpoch = e.stepsPerEpoch;
      if (e.type === 'step') history.add(e);
    }
    runs.push({ name, points: history.points(), stepsPerEpoch });
  }
  $('compare-section').hidden = false;
  drawRunsCompared($<HTMLCanvasElement>('compared'), runs);
  $('compare-section').scrollIntoView({ behavior: 'smooth' });
}

// ---- controls and the runs list ----

async function control(action: 'pause' | 'play' | 'stop' | 'step', steps?: number, only?: 'd' | 'g'): Promise<void> {
  const r = await post(`/api/live/${action}`, steps ? { steps, ...(only ? { only } : {}) } : {});
  if (!r.ok) $('start-error').textContent = r.json.error ?? `${action} failed`;
  else {
    liveState = r.json.state ?? liveState;
    updateControls();
  }
}

function updateControls(): void {
  drawStatus();
  const training = ['playing', 'paused', 'stopping'].includes(liveState) && !lost;
  $<HTMLButtonElement>('start').disabled = training || lost !== null;
  $<HTMLButtonElement>('pause').disabled = !training || liveState !== 'playing';
  $<HTMLButtonElement>('play').disabled = !training || liveState !== 'paused';
  document.querySelectorAll<HTMLButtonElement>('#runs button').forEach((b) => {
    b.disabled = lost !== null;
  });
  $<HTMLButtonElement>('step').disabled = !training || liveState === 'stopping';
  $<HTMLButtonElement>('step10').disabled = !training || liveState === 'stopping';
  $<HTMLButtonElement>('step-d').disabled = !training || liveState === 'stopping';
  $<HTMLButtonElement>('step-g').disabled = !training || liveState === 'stopping';
  $<HTMLButtonElement>('stop').disabled = !training || liveState === 'stopping';
  $('step-note').textContent =
    liveState === 'paused'
      ? 'Paused: "One step" trains one D update and one G update, "D step" or "G step" only one of them, then it pauses again; "One step, up close" shows what changed.'
      : '';
}

function renderRuns(runs: RunListing[]): void {
  const list = $('runs');
  list.replaceChildren();
  if (runs.length === 0) {
    list.innerHTML = '<li class="hint">No runs yet: start one.</li>';
    return;
  }
  for (const r of runs) {
    const li = document.createElement('li');
    li.dataset.run = r.name;
    const title = document.createElement('div');
    const check = document.createElement('input');
    check.type = 'checkbox';
    check.className = 'pick';
    check.value = r.name;
    check.style.width = 'auto';
    check.setAttribute('aria-label', `compare ${r.name}`);
    check.onchange = () => {
      $<HTMLButtonElement>('compare').disabled = document.querySelectorAll('.pick:checked').length < 2;
    };
    const b = document.createElement('b');
    b.textContent = ` ${r.name}`;
    title.append(check, b);
    const meta = document.createElement('div');
    meta.className = 'meta';
    meta.textContent =
      r.problem !== null
        ? `its record cannot be read: ${r.problem}`
        : `${r.arch} on ${r.dataset}, step ${r.steps.toLocaleString('en-US')} of ${r.totalSteps.toLocaleString('en-US')}, ${r.status}`;
    const buttons = document.createElement('div');
    buttons.className = 'buttons';
    const button = (text: string, act: () => void) => {
      const x = document.createElement('button');
      x.type = 'button';
      x.textContent = text;
      x.onclick = act;
      buttons.append(x);
      return x;
    };
    if (r.problem === null) button('Replay', () => void replay(r.name));
    // Every run that stopped short with a checkpoint can continue, killed ones ('open') included, but not the one training now.
    const trainingNow = r.name === state?.live?.name && state.live.state !== 'ended' && state.live.state !== 'failed';
    if (r.resumable && r.status !== 'completed' && !trainingNow) button('Continue', () => void continueRun(r.name));
    if (r.hasGenerator) {
      const explore = document.createElement('a');
      explore.href = `/explore?run=${encodeURIComponent(r.name)}`;
      explore.textContent = 'Explore';
      explore.className = 'explore';
      explore.title = 'make more images, walk the noise, see what D sees, check for copying';
      buttons.append(explore);
      const a = document.createElement('a');
      a.href = `/api/runs/${encodeURIComponent(r.name)}/generator/model.json`;
      a.textContent = 'generator (model.json)';
      a.download = '';
      const w = document.createElement('a');
      w.href = `/api/runs/${encodeURIComponent(r.name)}/generator/weights.bin`;
      w.textContent = 'weights.bin';
      w.download = '';
      buttons.append(a, w);
    }
    li.append(title, meta, buttons);
    list.append(li);
  }
}

async function continueRun(name: string): Promise<void> {
  const r = await post(`/api/runs/${encodeURIComponent(name)}/resume`, {});
  if (!r.ok) {
    $('start-error').textContent = r.json.error ?? 'the run did not continue';
    return;
  }
  followLive(r.json.name!);
}

async function refresh(): Promise<void> {
  const r = await call('/api/state');
  if (!r.ok) return;
  const s = r.json as unknown as State;
  const first = state === null;
  state = s;
  if (first) buildForm(s);
  renderRuns(s.runs);
  if (first && s.live) followLive(s.live.name);
  updateControls();
}

// ---- one step, up close ----

function drawStage(): void {
  const section = $('probe-section');
  if (!probe) {
    section.hidden = true;
    return;
  }
  section.hidden = false;
  const stages = stagesOf(probe, view.last);
  stage = Math.max(0, Math.min(stage, stages.length - 1));
  const s = stages[stage];
  $('probe-text').textContent = s.text;
  $('probe-stage').textContent = `${s.title} (stage ${stage + 1} of ${stages.length})`;
  const canvas = $<HTMLCanvasElement>('probe');
  canvas.hidden = s.rows.length === 0;
  if (s.rows.length > 0) drawScored(canvas, s.title, s.rows, probe.before);
  $<HTMLButtonElement>('probe-back').disabled = stage === 0;
  $<HTMLButtonElement>('probe-next').disabled = stage === stages.length - 1;
}

// ---- drawing, once per frame at most ----

const seconds = (s: number) =>
  s >= 3600
    ? `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`
    : s >= 60
      ? `${Math.floor(s / 60)}m ${Math.round(s % 60)}s`
      : `${Math.round(s)}s`;

function drawNumbers(): void {
  const last = view.last;
  const cells: [string, string][] = last
    ? [
        ['step', `${last.step.toLocaleString('en-US')} / ${view.totalSteps.toLocaleString('en-US')}`],
        ['epoch', `${last.epoch} / ${view.epochs}`],
        ['D loss', last.dLoss.toFixed(3)],
        ['G loss', last.gLoss.toFixed(3)],
        ['D accuracy', `${Math.round(50 * (last.dAccReal + last.dAccFake))}%`],
        ['images/s', Math.round(view.samplesPerSec()).toLocaleString('en-US')],
        ['time left', view.ended ? 'done' : seconds(view.secondsLeft())],
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
  const label = lost
    ? `${shownName ? `${shownName}: ` : ''}the server is not answering`
    : liveState === 'replay' || liveState === 'replayed'
      ? `${liveState === 'replay' ? 'replaying' : 'replayed'} ${shownName}`
      : shownName
        ? `${shownName}: ${liveState}`
        : 'no run yet';
  $('status').innerHTML = '<span class="state"></span>';
  $('status').children[0].textContent = label;
}

function drawWarnings(): void {
  const box = $('warnings');
  if (view.warnings.length === 0) {
    box.innerHTML = '<span class="hint">None so far: D and G are keeping each other in check.</span>';
    return;
  }
  box.replaceChildren(
    ...view.warnings.map((w) => {
      const card = document.createElement('div');
      card.className = 'card';
      card.innerHTML = '<b></b> <span></span>';
      card.children[0].textContent = `${w.kind} at step ${w.step.toLocaleString('en-US')} (epoch ${w.epoch})`;
      card.children[1].textContent = `\n${w.message}`;
      return card;
    }),
  );
}

function drawScrubbed(): void {
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
const painters: Painter[] = [
  { key: () => `${view.version}`, every: 250, draw: drawNumbers },
  { key: () => `${view.snapshots.length}:${scrubbed}`, every: 0, draw: drawScrubbed },
  {
    key: () => `${view.last?.step}:${view.warnings.length}:${view.ended !== null}`,
    every: 1000,
    draw: () => drawCurves($<HTMLCanvasElement>('curves'), view),
  },
  { key: () => view.milestones.length, every: 0, draw: () => drawMilestones($<HTMLCanvasElement>('milestones'), view) },
  {
    key: () => view.quality.length,
    every: 0,
    draw: () => {
      drawHistogram($<HTMLCanvasElement>('histogram'), view);
      drawQuality($<HTMLCanvasElement>('quality'), view);
    },
  },
  { key: () => view.comparison, every: 0, draw: () => drawRealVsFake($<HTMLCanvasElement>('real-vs-fake'), view) },
  { key: () => view.warnings.length, every: 0, draw: drawWarnings },
  // The runs folder's listing, at each epoch end of the run shown (its step count and status change).
  {
    key: () => view.lastEpoch?.epoch,
    every: 5000,
    draw: () => {
      if (liveState !== 'replay') void refresh();
    },
  },
];
let paintedView: RunView | null = null;

function frame(now: number): void {
  if (paintedView !== view) {
    paintedView = view;
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

$('probe-back').onclick = () => {
  stage--;
  drawStage();
};
$('probe-next').onclick = () => {
  stage++;
  drawStage();
};
$('start').onclick = () => void start();
$('pause').onclick = () => void control('pause');
$('play').onclick = () => void control('play');
$('step').onclick = () => void control('step', 1);
$('step10').onclick = () => void control('step', 10);
$('step-d').onclick = () => void control('step', 1, 'd');
$('step-g').onclick = () => void control('step', 1, 'g');
$('stop').onclick = () => void control('stop');
$('compare').onclick = () =>
  void compare(Array.from(document.querySelectorAll<HTMLInputElement>('.pick:checked')).map((c) => c.value));
$<HTMLInputElement>('scrub').oninput = (e) => {
  const scrub = e.target as HTMLInputElement;
  scrubbed = Number(scrub.value) >= Number(scrub.max) ? null : Number(scrub.value);
  drawScrubbed();
};
void refresh();
requestAnimationFrame(frame);
// With no live connection to notice a lost server, a look every few seconds does (call() raises the banner).
const HEARTBEAT_MS = 5000;
window.setInterval(() => {
  if (!source && !lost) void call('/api/state');
}, HEARTBEAT_MS);
