/**
 * Runs trained in this tab (the static site's Trainer): each run in a Web Worker of its own
 * (src/site/worker.ts), its flags checked here first by the studio's own request checks (the same
 * messages beside the same fields), its record kept as the lines the worker sends and, with its
 * last checkpoint, in the browser (tab-store.ts) at every checkpoint and at its end, so that
 * after a reload it is listed and continues from that checkpoint. Its live feed is replayed to the
 * page from the first line, as the studio's server does.
 */
import * as E from 'fp-ts/lib/Either.js';
import { map, merge, Observable, ReplaySubject } from 'rxjs';
import { ARCHITECTURES } from '../../model/architectures.ts';
import { BROWSER_BACKENDS, networkPaths } from '../../model/names.ts';
import type { FromWorker, OwnImages, ToWorker } from '../../site/worker-messages.ts';
import { CHECKPOINT_FILE, METRICS_FILE } from '../../streams/checkpoint-run.ts';
import { decodeEvent, type RunStarted, type TrainingEvent } from '../../streams/events.ts';
import { packRun, unpackRun } from '../../streams/run-archive.ts';
import { isBad, recordLines, textLines } from '../../streams/sources/record-lines.ts';
import type { FormField, LiveState, RunListing, RunState, StepProbe, StudioState } from '../answers.ts';
import { FORM_FLAGS, formFields } from '../form.ts';
import { tabPresets } from '../presets.ts';
import { checkRunName, checkStart } from '../requests.ts';
import { RunControl, stepCountProblem } from '../run-control.ts';
import { runProgress } from '../run-progress.ts';
import { openTabStore, type StoredRun } from './tab-store.ts';
import { failed, type LiveMessage, type Trainer } from './trainer.ts';

/** One run of this tab: its record so far, its state, and the worker training it (until it is over). */
interface TabRun {
  readonly name: string;
  lines: string[];
  /** The last checkpoint's bytes (null before the first), and its step. */
  checkpoint: Uint8Array | null;
  checkpointStep: number | null;
  /** The step of the checkpoint last written to the browser's store (null: none written by this visit). */
  keptStep: number | null;
  /** The saved networks (generator/, discriminator/) once the run has ended; null before. */
  networks: Readonly<Record<string, Uint8Array>> | null;
  started: RunStarted | null;
  /** The events that change the listing (all but steps), and the last step. */
  marks: TrainingEvent[];
  lastStep: TrainingEvent | null;
  state: RunState;
  message: string | null;
  /** The worker's controls, mirrored: the state a control leads to, answered at once. */
  readonly control: RunControl;
  worker: Worker | null;
  readonly record$: ReplaySubject<string>;
  readonly state$: ReplaySubject<LiveState>;
  readonly probe$: ReplaySubject<StepProbe>;
  /** What the run goes on without (no quality checks, not kept in the browser): the page shows the latest. */
  readonly note$: ReplaySubject<string>;
}

/** The engine, in the tab's form: auto (WebGL on a GPU, else WebAssembly, else cpu) or one by name. */
const ENGINE_FIELD: FormField = {
  flag: 'backend',
  label: 'Engine',
  help: 'What does the arithmetic in this tab: auto takes the fastest the browser offers (WebGL on a GPU, else WebAssembly).',
  basic: false,
  placeholder: '',
  choices: ['auto', ...BROWSER_BACKENDS],
  default: 'auto',
};

/** An opened run's saved networks: each model.json there is JSON with its weights beside it (null: it carries none). */
function networksOf(files: Readonly<Record<string, Uint8Array>>): E.Either<string, TabRun['networks']> {
  const kept: Record<string, Uint8Array> = {};
  for (const role of ['generator', 'discriminator'] as const) {
    const paths = networkPaths(role);
    const json = files[paths.json];
    if (!json) continue;
    const weights = files[paths.weights];
    if (!weights) return E.left(`${paths.json} has no ${paths.weights} beside it`);
    try {
      JSON.parse(new TextDecoder().decode(json));
    } catch {
      return E.left(`${paths.json} is not JSON`);
    }
    kept[paths.json] = json;
    kept[paths.weights] = weights;
  }
  return E.right(Object.keys(kept).length ? kept : null);
}

const over = (s: RunState) => s === 'ended' || s === 'failed';

function listing(r: TabRun): RunListing {
  const s = r.started;
  const progress = runProgress(r.lastStep ? [...r.marks, r.lastStep] : r.marks);
  return {
    name: r.name,
    arch: s?.config.arch ?? null,
    dataset: s?.dataset.name ?? null,
    startedAt: s?.startedAt ?? new Date().toISOString(),
    epochs: progress.resumed?.epochs ?? s?.config.epochs ?? 0,
    totalSteps: progress.resumed?.totalSteps ?? s?.totalSteps ?? 0,
    steps: progress.steps,
    status: progress.status,
    resumable: r.checkpoint !== null && over(r.state),
    hasGenerator: r.networks?.[networkPaths('generator').json] !== undefined,
    problem: s || !over(r.state) ? null : (r.message ?? 'the run ended before its first event'),
  };
}

function newRun(
  name: string,
  lines: readonly string[],
  checkpoint: Uint8Array | null,
  state: RunState,
  networks: TabRun['networks'] = null,
): TabRun {
  const run: TabRun = {
    name,
    lines: [],
    checkpoint,
    checkpointStep: null,
    keptStep: null,
    networks,
    started: null,
    marks: [],
    lastStep: null,
    state,
    message: null,
    control: new RunControl(),
    worker: null,
    record$: new ReplaySubject<string>(),
    state$: new ReplaySubject<LiveState>(1),
    probe$: new ReplaySubject<StepProbe>(1),
    note$: new ReplaySubject<string>(1),
  };
  for (const line of lines) addLine(run, line);
  return run;
}

/** How the runs list shows a run kept in the browser (the explore page's header too). */
export const storedListing = (k: StoredRun): RunListing =>
  listing(newRun(k.name, k.lines, k.checkpoint, 'ended', k.networks ?? null));

/** A record line: kept, sent to followers, and noted for the listing. */
function addLine(r: TabRun, line: string): void {
  r.lines.push(line);
  r.record$.next(line);
  const decoded = decodeEvent(line);
  if (E.isLeft(decoded)) return;
  const e = decoded.right;
  if (e.type === 'run-started') r.started = e;
  if (e.type === 'step') r.lastStep = e;
  else r.marks.push(e);
}

/**
 * The tab's trainer. `workerUrl`: the worker's script; `datasets`: the --dataset names this site
 * carries (the form offers those alone).
 */
export function tabTrainer(
  workerUrl: URL,
  datasets: readonly string[],
  ownImages: () => OwnImages | null = () => null,
): Trainer {
  const runs = new Map<string, TabRun>();
  let live: TabRun | null = null;
  const store = openTabStore();
  // The runs kept from earlier visits, listed once they are read.
  const loaded = store
    .then((st) => st.all())
    .then((kept) => {
      for (const k of kept)
        if (!runs.has(k.name)) runs.set(k.name, newRun(k.name, k.lines, k.checkpoint, 'ended', k.networks ?? null));
    })
    .catch((e: Error) => console.warn(`the runs kept in this browser could not be read: ${e.message}`));
  let backend = 'auto: chosen when a run starts';

  // The studio's form, with the datasets this site carries and, since the engine is the student's here, its choice.
  const fields = (): FormField[] => [
    ...formFields(new Date(), true).map((f) =>
      f.flag === 'dataset' ? { ...f, choices: (f.choices ?? []).filter((c) => datasets.includes(c)) } : f,
    ),
    ENGINE_FIELD,
  ];

  const setState = (r: TabRun, state: RunState, message: string | null) => {
    r.state = state;
    r.message = message;
    r.state$.next({ state, message });
    if (!over(state)) return;
    r.worker?.terminate();
    r.worker = null;
    // A run refused before its first event (bad flags, a missing dataset) leaves nothing, as under the server: its name is free again.
    if (r.lines.length === 0 && runs.get(r.name) === r) runs.delete(r.name);
    for (const subject of [r.record$, r.state$, r.probe$, r.note$]) subject.complete();
  };

  /** Writes the run to the browser's store; where that fails (storage full), what was kept before stays and the page says so. */
  const keep = (r: TabRun) =>
    store
      .then(async (st) => {
        const step = r.checkpointStep;
        await st.put({ name: r.name, lines: r.lines, checkpoint: r.checkpoint, networks: r.networks });
        r.keptStep = step;
      })
      .catch((e: Error) => {
        const kept =
          r.keptStep === null ? 'nothing of it was kept before' : `what was kept at step ${r.keptStep} stays`;
        r.note$.next(
          `run '${r.name}' could not be kept in this browser (${e.name}: ${e.message}): ${kept}; Download it to keep the rest`,
        );
      })
      .then(() => undefined);

  const heard = (r: TabRun, m: FromWorker) => {
    if (m.type === 'event') addLine(r, m.line);
    else if (m.type === 'kept') {
      // A resumed run's record, cut at its checkpoint: the followers start from these lines.
      r.lines = [];
      r.marks = [];
      r.lastStep = null;
      for (const line of m.lines) addLine(r, line);
    } else if (m.type === 'checkpoint') {
      r.checkpoint = m.bytes;
      r.checkpointStep = m.step;
      void keep(r);
    } else if (m.type === 'state') {
      // A run over is kept first, so that the page hears if it could not be.
      if (over(m.state) && r.lines.length > 0) void keep(r).then(() => setState(r, m.state, m.message));
      else setState(r, m.state, m.message);
    } else if (m.type === 'networks') r.networks = m.files;
    else if (m.type === 'probe') r.probe$.next(m.probe);
    else if (m.type === 'backend') backend = m.why ? `${m.name} (auto passed over: ${m.why})` : m.name;
    else if (m.type === 'note') r.note$.next(m.message);
    else if (m.type === 'refused') console.warn(`the worker refused: ${m.message}`);
  };

  const post = (r: TabRun, m: ToWorker) => r.worker?.postMessage(m);

  /** Asks a worker of its own whether a checkpoint and a record can be continued: null, or why not. */
  const checkInWorker = (checkpoint: Uint8Array, record: string): Promise<string | null> =>
    new Promise((resolve) => {
      const worker = new Worker(workerUrl);
      worker.addEventListener('message', (e: MessageEvent<FromWorker>) => {
        if (e.data.type !== 'checked') return;
        worker.terminate();
        resolve(e.data.problem);
      });
      worker.addEventListener('error', (e) => {
        worker.terminate();
        resolve(`the checking worker failed: ${e.message}`);
      });
      worker.postMessage({ type: 'check', checkpoint, record } satisfies ToWorker);
    });

  /** The refusal of a second run while one trains (one at a time), or null. */
  const busy = () =>
    live && !over(live.state)
      ? failed(`run '${live.name}' is training in this tab: stop it first (one run at a time)`)
      : null;

  /** A run's worker started, the run listed and followed. */
  const launch = (run: TabRun): TabRun => {
    const worker = new Worker(workerUrl);
    run.worker = worker;
    run.state$.next({ state: 'playing', message: null });
    worker.addEventListener('message', (e: MessageEvent<FromWorker>) => heard(run, e.data));
    worker.addEventListener('error', (e) => setState(run, 'failed', `the training worker failed: ${e.message}`));
    runs.set(run.name, run);
    live = run;
    return run;
  };

  return {
    where: 'tab',
    state: async () => {
      await loaded;
      return {
        ok: true,
        value: {
          live: live ? { name: live.name, state: live.state, message: live.message } : null,
          runs: Array.from(runs.values(), listing).sort((a, b) => b.startedAt.localeCompare(a.startedAt)),
          presets: tabPresets(datasets),
          fields: fields(),
          architectures: Object.fromEntries(Object.values(ARCHITECTURES).map((a) => [a.name, a.summary])),
          backend,
        } satisfies StudioState,
      };
    },

    async start(body) {
      const refusal = busy();
      if (refusal) return refusal;
      const own = ownImages();
      const checked = checkStart(body, (name) => runs.has(name), new Date(), [...FORM_FLAGS, 'backend'], {
        dataset: own ? [own.name] : [],
      });
      if (E.isLeft(checked)) return failed(checked.left.message, checked.left.fields);
      const dataset = checked.right.config.dataset;
      const images = own?.name === dataset ? own : null;
      if (!datasets.includes(dataset) && !images) {
        const message = `--dataset ${dataset}: this site carries ${datasets.join(', ')}; your own images can be added below the form`;
        return failed(message, { dataset: message });
      }
      const run = launch(newRun(checked.right.name, [], null, 'playing'));
      post(run, { type: 'start', flags: body.flags, ...(images ? { images } : {}) });
      return { ok: true, value: { name: run.name } };
    },

    async resume(name) {
      await loaded;
      const refusal = busy();
      if (refusal) return refusal;
      const kept = runs.get(name);
      if (!kept) return failed(`no run '${name}' in this tab`);
      if (!kept.checkpoint)
        return failed(`run '${name}' has no checkpoint (one is kept at each epoch end): nothing to continue from`);
      const run = launch(newRun(name, [], kept.checkpoint, 'playing'));
      // A run of the student's own images continues on them, if the same folder has been added again.
      const own = ownImages();
      const images = own && kept.started?.config.dataset === own.name ? { images: own } : {};
      post(run, {
        type: 'start',
        flags: {},
        resume: { checkpoint: kept.checkpoint, record: kept.lines.join('\n') },
        ...images,
      });
      return { ok: true, value: { name } };
    },

    async control(c) {
      const run = live;
      if (!run || over(run.state)) return failed(`no run is training: nothing to ${c.action}`);
      if (c.action === 'step') {
        const problem = stepCountProblem(c.steps);
        if (problem) return failed(problem);
        run.control.step(c.steps, c.only ?? 'both');
        post(run, { type: 'step', steps: c.steps, ...(c.only ? { only: c.only } : {}) });
      } else {
        run.control[c.action]();
        post(run, { type: c.action });
      }
      return { ok: true, value: { state: run.control.state } };
    },

    record: async (name) => {
      const run = runs.get(name);
      return run ? { ok: true, value: run.lines.join('\n') } : failed(`no run '${name}' in this tab`);
    },

    archive: async (name) => {
      await loaded;
      const run = runs.get(name);
      if (!run || run.lines.length === 0) return failed(`no record of run '${name}' in this tab`);
      const files: Record<string, Uint8Array> = {
        [METRICS_FILE]: new TextEncoder().encode(`${run.lines.join('\n')}\n`),
      };
      if (run.checkpoint) files[CHECKPOINT_FILE] = run.checkpoint;
      Object.assign(files, run.networks ?? {});
      return { ok: true, value: packRun(files) };
    },

    async open(fileName, bytes) {
      await loaded;
      const name = fileName.replace(/\.zip$/i, '');
      const refused = (why: string) => failed(`${fileName}: ${why}; nothing was stored`);
      const checkedName = checkRunName(name);
      if (E.isLeft(checkedName)) return refused(checkedName.left.message);
      if (runs.has(name)) return refused(`a run named '${name}' is in this tab already`);
      const files = unpackRun(bytes, fileName);
      if (E.isLeft(files)) return failed(`${files.left}; nothing was stored`);
      const record = new TextDecoder().decode(files.right[METRICS_FILE]);
      // The one decoder of a record: the first bad line refuses the archive.
      const decoded = Array.from(recordLines(textLines(record)));
      const bad = decoded.find(isBad);
      if (bad) return refused(`${METRICS_FILE} line ${bad.line} is not an event (${bad.reason})`);
      const first = decoded[0];
      if (!first || isBad(first) || first.event.type !== 'run-started')
        return refused(`${METRICS_FILE} does not begin with a run-started event`);
      const lines = record.split('\n').filter((l) => l.trim() !== '');
      const checkpoint = files.right[CHECKPOINT_FILE] ?? null;
      if (checkpoint) {
        // The checkpoint is checked against the record by the worker's own resume rules.
        const problem = await checkInWorker(checkpoint, record);
        if (problem !== null) return refused(problem);
      }
      const networks = networksOf(files.right);
      if (E.isLeft(networks)) return refused(networks.left);
      const run = newRun(name, lines, checkpoint, 'ended', networks.right);
      runs.set(name, run);
      try {
        await (await store).put({ name, lines, checkpoint, networks: networks.right });
      } catch (e) {
        return failed(`${fileName}: opened for this visit, but not kept in the browser (${(e as Error).message})`);
      }
      return { ok: true, value: { name } };
    },

    live: () => {
      const run = live;
      if (!run) return new Observable<LiveMessage>((s) => s.complete());
      return merge(
        run.record$.pipe(map((line): LiveMessage => ({ kind: 'event', line }))),
        run.state$.pipe(map((s): LiveMessage => ({ kind: 'state', ...s }))),
        run.probe$.pipe(map((probe): LiveMessage => ({ kind: 'probe', probe }))),
        run.note$.pipe(map((message): LiveMessage => ({ kind: 'note', message }))),
      );
    },
  };
}
