/**
 * The training worker: a run trained in a Web Worker, off the page's thread, by the same
 * training$ as the CLI and the studio. The flags are decoded by the CLI's codecs, the dataset is
 * fetched from the site's data folder and fitted to the flags with the CLI's messages, the
 * controls are the studio's (RunControl), and every event goes back to the page as a record line.
 * Imports nothing from node:.
 */
import * as E from 'fp-ts/lib/Either.js';
import { Subject, type Subscription } from 'rxjs';
import { type Dataset, pixelsOf } from '../data/dataset.ts';
import { datasetFromBytes } from '../data/from-bytes.ts';
import { ARCHITECTURES } from '../model/architectures.ts';
import { restore } from '../model/checkpoint.ts';
import { createGan, disposeGan } from '../model/gan.ts';
import { networkFiles } from '../model/persistence.ts';
import { fitDataset } from '../plan/fit-dataset.ts';
import { type ResumePoint, resumedConfig, resumePointOf } from '../plan/resume.ts';
import { decodeTrainArgs } from '../plan/train-options.ts';
import { classifierFromFiles } from '../quality/classify.ts';
import { judgeOf } from '../quality/judge.ts';
import { splitDigits } from '../quality/sets.ts';
import { CHECKPOINT_FILE } from '../streams/checkpoint-run.ts';
import { qualityEpochs, type TrainConfig } from '../streams/config.ts';
import { encodeEvent, isCheckpointTaken, type RunStarted, type TrainingEvent } from '../streams/events.ts';
import type { Judge } from '../streams/operators/quality-checks.ts';
import { training$ } from '../streams/training.ts';
import { probeInputs, StepCloseUps } from '../studio/probe.ts';
import { RunControl, stepCountProblem } from '../studio/run-control.ts';
import { chooseBrowserBackend } from './browser-backend.ts';
import { JUDGE_OF_DATASET, SITE_DATASETS, SITE_JUDGES, type SiteDataset } from './site-files.ts';
import { argvOf, type FromWorker, type ToWorker } from './worker-messages.ts';

const post = (m: FromWorker) => (self as unknown as Worker).postMessage(m);
const fail = (message: string) => post({ type: 'state', state: 'failed', message });

let running: Subscription | null = null;
let control = new RunControl();
let closeUps: StepCloseUps | null = null;
/** Asks the run for a checkpoint between steps: on pause, and when a student's steps are done. */
let checkpointNow = new Subject<void>();
const announce = () => post({ type: 'state', state: control.state, message: null });

/** A file of the site, fetched beside this worker's script. */
async function siteFile(path: string): Promise<E.Either<string, { name: string; bytes: Uint8Array }>> {
  const url = new URL(path, self.location.href);
  try {
    const response = await fetch(url);
    if (!response.ok) return E.left(`${path} answered ${response.status}`);
    return E.right({ name: path, bytes: new Uint8Array(await response.arrayBuffer()) });
  } catch (e) {
    return E.left(`${path} could not be fetched (${(e as Error).message})`);
  }
}

/** The dataset a run's --dataset names, from the site's data folder. */
async function siteDataset(flag: string): Promise<E.Either<string, Dataset>> {
  const known: SiteDataset | undefined = SITE_DATASETS[flag];
  if (!known)
    return E.left(`--dataset ${flag}: in a browser tab, expected one of ${Object.keys(SITE_DATASETS).join(', ')}`);
  const [images, labels] = await Promise.all([siteFile(known.images), siteFile(known.labels)]);
  if (E.isLeft(images)) return E.left(`--dataset ${flag}: this site does not carry it (${images.left})`);
  if (E.isLeft(labels)) return E.left(`--dataset ${flag}: this site does not carry it (${labels.left})`);
  const loaded = await datasetFromBytes(images.right, labels.right, known.name);
  return E.mapLeft((why: string) => `--dataset ${flag}: ${why}`)(loaded);
}

/** What a start message asks for: a new run's configuration, or a resumed one's with its resume point. */
function planOf(
  m: Extract<ToWorker, { type: 'start' }>,
): E.Either<string, { config: TrainConfig; resumed: ResumePoint | null }> {
  const args = decodeTrainArgs(argvOf(m.flags));
  if (E.isLeft(args)) return args;
  if (args.right.help) return E.left('--help has no place in a run');
  if (!m.resume) return E.right({ config: args.right.config, resumed: null });
  const point = resumePointOf(m.resume.checkpoint, m.resume.record, CHECKPOINT_FILE);
  if (E.isLeft(point)) return point;
  const started = point.right.history[0] as RunStarted;
  const config = resumedConfig(point.right.run.config, args.right.given, point.right.run.step, started.stepsPerEpoch);
  return E.isLeft(config) ? config : E.right({ config: config.right, resumed: point.right });
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/**
 * The judge of the quality checks, from the site: the classifier of the dataset's set and its
 * held-out real images (t10k; for mnist-small, the held-out fifth of `full`, as under Node).
 */
async function siteJudge(flag: string, full: Dataset): Promise<E.Either<string, Judge>> {
  const set = JUDGE_OF_DATASET[flag];
  if (!set) return E.left(`no classifier judges --dataset ${flag}`);
  const files = SITE_JUDGES[set];
  const [model, weights, about] = await Promise.all(
    [files.classifier.model, files.classifier.weights, files.classifier.about].map(siteFile),
  );
  if (E.isLeft(model)) return model;
  if (E.isLeft(weights)) return weights;
  if (E.isLeft(about)) return about;
  let parsed: [unknown, unknown];
  try {
    parsed = [JSON.parse(text(model.right.bytes)), JSON.parse(text(about.right.bytes))];
  } catch (e) {
    return E.left(`${files.classifier.model} is not JSON (${(e as Error).message})`);
  }
  const classifier = await classifierFromFiles(files.classifier.model, parsed[0], weights.right.bytes, parsed[1]);
  if (E.isLeft(classifier)) return classifier;
  let real: E.Either<string, Dataset> = E.right(splitDigits(full).test);
  if (files.heldOut) {
    const [images, labels] = await Promise.all([siteFile(files.heldOut.images), siteFile(files.heldOut.labels)]);
    if (E.isLeft(images)) return images;
    if (E.isLeft(labels)) return labels;
    real = await datasetFromBytes(images.right, labels.right, files.heldOut.name);
  }
  return E.isLeft(real) ? real : E.right(judgeOf(classifier.right, set, real.right));
}

async function start(m: Extract<ToWorker, { type: 'start' }>): Promise<void> {
  if (running) return post({ type: 'refused', message: 'a run is already training in this tab: stop it first' });
  const plan = planOf(m);
  if (E.isLeft(plan)) return fail(plan.left);
  const { config, resumed } = plan.right;
  const loaded = await siteDataset(config.dataset);
  if (E.isLeft(loaded)) return fail(loaded.left);
  const data = fitDataset(config, loaded.right);
  if (E.isLeft(data)) return fail(data.left);
  // tfjs-backend-wasm's .wasm files are beside this script.
  const backend = await chooseBrowserBackend(config.backend, new URL('./', self.location.href).href);
  if (E.isLeft(backend)) return fail(backend.left);
  post({ type: 'backend', name: backend.right.name, why: backend.right.why });
  const gan = createGan(ARCHITECTURES[config.arch], { ...config, pixels: pixelsOf(data.right) });
  if (resumed) {
    const restored = restore(gan, resumed.checkpoint);
    if (E.isLeft(restored)) {
      disposeGan(gan);
      return fail(`--resume: ${restored.left}`);
    }
  }
  // Quality checks need the evaluator's classifier; without it the run trains on and says why, as the CLI does.
  let judge: Judge | undefined;
  if (qualityEpochs(config).length > 0) {
    const loadedJudge = await siteJudge(config.dataset, loaded.right);
    if (E.isRight(loadedJudge)) judge = loadedJudge.right;
    else post({ type: 'note', message: `no quality checks (${loadedJudge.left})` });
  }
  if (resumed) post({ type: 'kept', lines: resumed.keptLines });
  control = new RunControl();
  checkpointNow = new Subject<void>();
  const ups = new StepCloseUps(gan, probeInputs(gan, data.right, config), resumed?.run.step ?? 0);
  closeUps = ups;
  announce();
  const steering = {
    stop: control.shouldStop,
    hold: control.hold,
    only: control.only,
    resume: resumed ? { run: resumed.run, history: resumed.history } : undefined,
    judge,
    checkpointNow,
  };
  let ended: TrainingEvent | null = null;
  const finish = async (end: () => void) => {
    running = null;
    closeUps = null;
    try {
      // As the CLI saves them: the networks of a run that ended without diverging, for explore, generate and evaluate.
      if (ended?.type === 'run-ended' && ended.status !== 'diverged')
        post({ type: 'networks', files: await networkFiles(gan, data.right.rows, data.right.cols, config.loss) });
    } finally {
      disposeGan(gan);
      end();
    }
  };
  // A resumed run's stream opens with the history the tab kept already: those events are not sent again.
  let recorded = resumed?.history.length ?? 0;
  running = training$(gan, data.right, config, backend.right, steering).subscribe({
    next: (e) => {
      if (recorded > 0) {
        recorded--;
        return;
      }
      ended = e;
      post({ type: 'event', line: encodeEvent(e) });
      if (isCheckpointTaken(e)) post({ type: 'checkpoint', step: e.step, bytes: e.snapshot });
      if (e.type !== 'step') return;
      const probe = ups.stepped(e.step, control.stepsAllowed);
      if (probe) post({ type: 'probe', probe });
      if (control.stepsAllowed === 0) {
        announce();
        // The student's steps are done and the run holds: a checkpoint once this step's events have passed.
        setTimeout(() => checkpointNow.next(), 0);
      }
    },
    complete: () => void finish(() => post({ type: 'state', state: 'ended', message: null })),
    error: (e: Error) => void finish(() => fail(e.message)),
  });
}

self.onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  if (m.type === 'start') {
    void start(m).catch((err: Error) => fail(`internal: ${err.message}`));
    return;
  }
  if (m.type === 'check') {
    const point = resumePointOf(m.checkpoint, m.record, CHECKPOINT_FILE);
    post({ type: 'checked', problem: E.isLeft(point) ? point.left.replace(/^--resume: /, '') : null });
    return;
  }
  const refuse = (message: string) => post({ type: 'refused', message });
  if (!running) return refuse(`no run is training: nothing to ${m.type}`);
  if (m.type === 'step') {
    const problem = stepCountProblem(m.steps);
    if (problem) return refuse(problem);
    closeUps?.asked(m.steps, m.only ?? 'both');
    control.step(m.steps, m.only ?? 'both');
  } else if (m.type === 'pause') {
    control.pause();
    // Between steps (this handler runs between the worker's turns): the state after the last step trained.
    checkpointNow.next();
  } else if (m.type === 'play') control.play();
  else control.stop();
  announce();
};
