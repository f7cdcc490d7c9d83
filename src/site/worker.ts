/**
 * The training worker: a run trained in a Web Worker, off the page's thread, by the same
 * training$ as the CLI and the studio. The flags are decoded by the CLI's codecs, the dataset is
 * fetched from the site's data folder and fitted to the flags with the CLI's messages, the
 * controls are the studio's (RunControl), and every event goes back to the page as a record line.
 * Imports nothing from node:.
 */
import * as E from 'fp-ts/lib/Either.js';
import { Subject, type Subscription } from 'rxjs';
import { pixelsOf } from '../data/dataset.ts';
import { ARCHITECTURES } from '../model/architectures.ts';
import { restore } from '../model/checkpoint.ts';
import { createGan, disposeGan } from '../model/gan.ts';
import { networkFiles } from '../model/persistence.ts';
import { fitDataset } from '../plan/fit-dataset.ts';
import { type ResumePoint, resumedConfig, resumePointOf } from '../plan/resume.ts';
import { decodeTrainArgs } from '../plan/train-options.ts';
import { judgeOf } from '../quality/judge.ts';
import { CHECKPOINT_FILE } from '../streams/checkpoint-run.ts';
import { qualityEpochs, type TrainConfig } from '../streams/config.ts';
import { datasetChange, datasetIdentity } from '../streams/dataset-identity.ts';
import { encodeEvent, isCheckpointTaken, type RunStarted, type TrainingEvent } from '../streams/events.ts';
import type { Judge } from '../streams/operators/quality-checks.ts';
import { training$ } from '../streams/training.ts';
import { probeInputs, StepCloseUps } from '../studio/probe.ts';
import { RunControl, stepCountProblem } from '../studio/run-control.ts';
import { chooseBrowserBackend } from './browser-backend.ts';
import { imagesInBrowser } from './browser-images.ts';
import { siteClassifier, siteDataset } from './site-data.ts';
import { argvOf, type FromWorker, type ToWorker } from './worker-messages.ts';

const post = (m: FromWorker) => (self as unknown as Worker).postMessage(m);
const fail = (message: string) => post({ type: 'state', state: 'failed', message });

let running: Subscription | null = null;
let control = new RunControl();
let closeUps: StepCloseUps | null = null;
/** Asks the run for a checkpoint between steps: on pause, and when a student's steps are done. */
let checkpointNow = new Subject<void>();
const announce = () => post({ type: 'state', state: control.state, message: null });

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

async function start(m: Extract<ToWorker, { type: 'start' }>): Promise<void> {
  if (running) return post({ type: 'refused', message: 'a run is already training in this tab: stop it first' });
  const plan = planOf(m);
  if (E.isLeft(plan)) return fail(plan.left);
  const { config, resumed } = plan.right;
  const loaded = m.images
    ? await imagesInBrowser(m.images.name, m.images.files, {
        imageSize: config.imageSize ?? null,
        channels: config.channels ?? null,
      })
    : await siteDataset(config.dataset, resumed?.run.dataset.source !== undefined);
  if (E.isLeft(loaded)) return fail(m.images ? `--dataset ${m.images.name}: ${loaded.left}` : loaded.left);
  for (const why of loaded.right.source?.skipped ?? []) post({ type: 'note', message: `skipped ${why}` });
  const data = fitDataset(config, loaded.right);
  if (E.isLeft(data)) return fail(data.left);
  const change = resumed ? datasetChange(resumed.run.dataset, datasetIdentity(data.right)) : null;
  if (change) return fail(`--resume: ${change}`);
  // tfjs-backend-wasm's .wasm files are beside this script.
  const backend = await chooseBrowserBackend(config.backend, new URL('./', self.location.href).href);
  if (E.isLeft(backend)) return fail(backend.left);
  post({ type: 'backend', name: backend.right.name, why: backend.right.why });
  const gan = createGan(ARCHITECTURES[config.arch], {
    ...config,
    pixels: pixelsOf(data.right),
    channels: data.right.channels,
  });
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
    const found = loaded.right.source
      ? E.left(
          'your own images: recognisable share, coverage and FID need a classifier of their own classes, and none has been trained on them',
        )
      : await siteClassifier(config.dataset, loaded.right);
    if (E.isRight(found)) judge = judgeOf(found.right.classifier, found.right.set, found.right.real);
    else post({ type: 'note', message: `no quality checks (${found.left})` });
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
