#!/usr/bin/env -S node --import tsx
/**
 * New digits from a saved generator: a PNG grid, or raw samples as an IDX file for other tools.
 *   generate.ts --model <run folder | generator folder> [--count 32] [--cols 8] [--seed N] [--out FILE] [--format png|idx]
 */
import { dirname, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { parseFlags } from '../src/cli/flags.ts';
import { loadGenerator } from '../src/cli/saved-generator.ts';
import { intAtLeast, nonEmptyString, oneOf } from '../src/cli/values.ts';
import { encodeIdx } from '../src/data/idx.ts';
import { normals, seeded, Streams } from '../src/data/random.ts';
import { BACKENDS, selectBackend } from '../src/model/backend.ts';
import { toGreyLevels } from '../src/streams/events.ts';
import { writeFileAtomic } from '../src/streams/sinks/atomic-write.ts';
import { gridPng } from '../src/streams/sinks/canvas.ts';

const HELP = `Usage: npm run generate -- --model <run folder | generator folder> [flags]

  --count N            images to draw (default 32)
  --cols N             images per grid row (default 8)
  --seed N             noise seed (default 1)
  --format png|idx     a PNG grid, or an IDX file of raw 0-255 samples (default png)
  --out FILE           where to write (default generated.png or generated-images-idx3-ubyte)
  --backend NAME       auto | tensorflow | wasm | cpu (default auto)
`;

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(2);
}
process.on('uncaughtException', (e) => { process.stderr.write(`error: internal: ${e.stack ?? e.message}\n`); process.exit(1); });

const FLAGS = { model: nonEmptyString, count: intAtLeast(1), cols: intAtLeast(1), seed: intAtLeast(0), format: oneOf(['png', 'idx'] as const), out: nonEmptyString, backend: oneOf(BACKENDS) };
const raw = parseFlags(process.argv.slice(2), Object.keys(FLAGS), ['help']);
if (E.isLeft(raw)) fail(raw.left);
if (raw.right.help) { process.stdout.write(HELP); process.exit(0); }
const get = <K extends keyof typeof FLAGS>(k: K, fallback?: t.TypeOf<(typeof FLAGS)[K]>): t.TypeOf<(typeof FLAGS)[K]> => {
  const v = raw.right[k];
  if (v === undefined) return fallback ?? fail(`--${k} is required (see --help)`);
  return pipe((FLAGS[k] as t.Type<t.TypeOf<(typeof FLAGS)[K]>, string, unknown>).decode(v), E.getOrElseW(() => fail(`--${k}: expected ${FLAGS[k].name}, got '${v}'`)));
};
const modelPath = get('model');
const count = get('count', 32);
const cols = get('cols', 8);
const seed = get('seed', 1);
const format = get('format', 'png');
const out = get('out', format === 'png' ? 'generated.png' : 'generated-images-idx3-ubyte');

const backend = await selectBackend(get('backend', 'auto'));
if (E.isLeft(backend)) fail(backend.left);
const loaded = await loadGenerator(modelPath);
if (E.isLeft(loaded)) fail(loaded.left);
const { model, noiseDim, rows, cols: width } = loaded.right;

const noise = normals(seeded(seed, Streams.noise), count * noiseDim);
const images = tf.tidy(() => (model.predict(tf.tensor2d(noise, [count, noiseDim])) as tf.Tensor).dataSync() as Float32Array);
const grey = toGreyLevels(images);
mkdirSync(dirname(resolve(out)), { recursive: true });
writeFileAtomic(out, format === 'png'
  ? gridPng(grey, { count, rows, cols: width, gridCols: Math.min(cols, count), scale: 2, pad: 2 })
  : encodeIdx([count, rows, width], grey));
process.stdout.write(`wrote ${count} images of ${rows}x${width} to ${resolve(out)}\n`);
