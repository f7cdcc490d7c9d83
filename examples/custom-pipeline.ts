// Compose your own pipeline: ganstream's training stream, one RxJS operator of yours, two sinks.
import { mkdirSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import { connectable, filter, lastValueFrom, map } from 'rxjs';
import {
  ARCHITECTURES,
  createGan,
  fileSink,
  limitDataset,
  loadDataset,
  selectBackend,
  trainConfig,
  training$,
} from '../src/index.ts';

const out = process.argv[2] ?? 'runs/custom-pipeline';
const backend = await selectBackend('auto');
const digits = loadDataset('mnist');
if (E.isLeft(backend) || E.isLeft(digits)) throw new Error('no backend or no data');

const data = limitDataset(digits.right, 1024);
const config = trainConfig({ epochs: 3, batchSize: 64, milestones: [], out });
const gan = createGan(ARCHITECTURES[config.arch], {
  pixels: 784,
  seed: config.seed,
  lr: config.lr,
  beta1: config.beta1,
  ema: config.ema,
});

const events$ = connectable(training$(gan, data, config, backend.right));

// Your operator: how far apart D holds real and generated images, once per epoch.
const margins$ = events$.pipe(
  filter((e) => e.type === 'epoch'),
  map((e) => `epoch ${e.epoch}: D(x) - D(G(z)) = ${(e.means.dReal - e.means.dFake).toFixed(3)}`),
);
margins$.subscribe((line) => console.log(line));

mkdirSync(out, { recursive: true });
fileSink(events$, out); // metrics.ndjson and summary.json, as scripts/train.ts writes them

const done = lastValueFrom(events$);
events$.connect();
await done;
console.log(`wrote ${out}/metrics.ndjson`);
