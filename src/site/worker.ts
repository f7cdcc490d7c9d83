/**
 * The training worker: a run trained in a Web Worker, off the page's thread, by the same
 * training$ as the CLI and the studio. The flags are decoded by the CLI's codecs, the dataset is
 * read from the bytes the page sent and fitted to the flags with the CLI's messages, and every
 * event goes back to the page as a record line. Imports nothing from node:.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { Subscription } from 'rxjs';
import { pixelsOf } from '../data/dataset.ts';
import { datasetFromBytes } from '../data/from-bytes.ts';
import { ARCHITECTURES } from '../model/architectures.ts';
import { createGan, disposeGan } from '../model/gan.ts';
import { fitDataset } from '../plan/fit-dataset.ts';
import { decodeTrainArgs } from '../plan/train-options.ts';
import { encodeEvent } from '../streams/events.ts';
import { training$ } from '../streams/training.ts';
import { chooseBrowserBackend } from './browser-backend.ts';
import { argvOf, type FromWorker, type ToWorker } from './worker-messages.ts';

const post = (m: FromWorker) => (self as unknown as Worker).postMessage(m);
const fail = (message: string) => post({ type: 'state', state: 'failed', message });

let running: Subscription | null = null;
let stopRequested = false;

async function start(m: Extract<ToWorker, { type: 'start' }>): Promise<void> {
  if (running) return fail('a run is already training in this worker: stop it first');
  const args = decodeTrainArgs(argvOf(m.flags));
  if (E.isLeft(args)) return fail(args.left);
  if (args.right.help) return fail('--help has no place in a run');
  const config = args.right.config;
  const loaded = await datasetFromBytes(m.dataset.images, m.dataset.labels, m.dataset.name);
  if (E.isLeft(loaded)) return fail(`--dataset: ${loaded.left}`);
  const data = fitDataset(config, loaded.right);
  if (E.isLeft(data)) return fail(data.left);
  const backend = await chooseBrowserBackend(config.backend);
  if (E.isLeft(backend)) return fail(backend.left);
  post({ type: 'backend', name: backend.right.name });
  const gan = createGan(ARCHITECTURES[config.arch], { ...config, pixels: pixelsOf(data.right) });
  stopRequested = false;
  post({ type: 'state', state: 'playing', message: null });
  running = training$(gan, data.right, config, backend.right, { stop: () => stopRequested }).subscribe({
    next: (e) => post({ type: 'event', line: encodeEvent(e) }),
    complete: () => {
      running = null;
      disposeGan(gan);
      post({ type: 'state', state: 'ended', message: null });
    },
    error: (e: Error) => {
      running = null;
      disposeGan(gan);
      fail(e.message);
    },
  });
}

self.onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  if (m.type === 'start') void start(m).catch((err: Error) => fail(`internal: ${err.message}`));
  else if (m.type === 'stop') stopRequested = true;
};
