#!/usr/bin/env -S npx tsx
/**
 * Trains a GAN and writes a run folder. `npm run train -- --help` lists the flags.
 * Runs under Node (tsx) and Deno from the same source.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { connectable, lastValueFrom } from 'rxjs';
import * as E from 'fp-ts/lib/Either.js';
import { prepareDataset } from '../src/cli/prepare.ts';
import { decodeTrainArgs, HELP } from '../src/cli/train-options.ts';
import { pixelsOf } from '../src/data/dataset.ts';
import { ARCHITECTURES } from '../src/model/architectures.ts';
import { selectBackend } from '../src/model/backend.ts';
import { createGan } from '../src/model/gan.ts';
import { modelFiles } from '../src/model/persistence.ts';
import { training$ } from '../src/streams/training.ts';
import { canvasSink } from '../src/streams/sinks/canvas.ts';
import { consoleSink } from '../src/streams/sinks/console.ts';
import { fileSink } from '../src/streams/sinks/file.ts';
import { writeModelFolder } from '../src/streams/sinks/model-folder.ts';
import { canvasKind } from '../src/render/node-canvas.ts';

function fail(message: string, code = 2): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(code);
}
// One line for anything unexpected too (the wasm module would otherwise print its whole source line).
process.on('uncaughtException', (e) => fail(`internal: ${e.stack ?? e.message}`, 1));
process.on('unhandledRejection', (e) => fail(`internal: ${e instanceof Error ? e.stack ?? e.message : String(e)}`, 1));

const args = decodeTrainArgs(process.argv.slice(2));
if (E.isLeft(args)) fail(args.left);
if (args.right.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const config = args.right.config;
const dataset = prepareDataset(config);
if (E.isLeft(dataset)) fail(dataset.left);
const backend = await selectBackend(config.backend);
if (E.isLeft(backend)) fail(backend.left);

const data = dataset.right;
const dir = config.out;
try {
  mkdirSync(dir, { recursive: true });
} catch (e) {
  fail(`--out: cannot create folder ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
}

const gan = createGan(ARCHITECTURES[config.arch], { pixels: pixelsOf(data), seed: config.seed, lr: config.lr, beta1: config.beta1, noiseDim: config.noiseDim, ema: config.ema });
const events$ = connectable(training$(gan, data, config, backend.right));
consoleSink(events$, { write: (s) => process.stdout.write(s), live: Boolean(process.stdout.isTTY) });
fileSink(events$, dir);
canvasSink(events$, dir);
const done = lastValueFrom(events$);
events$.connect();
await done;

for (const role of ['generator', 'discriminator'] as const) {
  writeModelFolder(join(dir, role), await modelFiles(gan, role, data.rows, data.cols, config.loss));
}
const canvas = canvasKind();
if (canvas.name === 'raster') process.stdout.write(`note: image grids drawn with ganstream's raster fallback, plots skipped (node-canvas-webgl did not load: ${canvas.why})\n`);
process.stdout.write(`run folder: ${resolve(dir)}\n  metrics.ndjson summary.json final_results.png epoch_<N>.png progress.png real_vs_fake.png training_history.png generator/ discriminator/\n`);
