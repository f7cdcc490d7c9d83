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
import { loadGenerator, softLabelGenerator } from '../src/cli/saved-generator.ts';
import { intAtLeast, intIn, intList, nonEmptyString, oneOf } from '../src/cli/values.ts';
import { CLASSES } from '../src/model/condition.ts';
import { encodeIdx } from '../src/data/idx.ts';
import { normals, seeded, Streams } from '../src/data/random.ts';
import { BACKENDS, selectBackend } from '../src/model/backend.ts';
import { toGreyLevels } from '../src/streams/events.ts';
import { writeFileAtomic } from '../src/streams/sinks/atomic-write.ts';
import { gridPng } from '../src/streams/sinks/canvas.ts';

const HELP = `Usage: npm run generate -- --model <run folder | generator folder> [flags]

  --count N            images to draw (default 32); for a conditional generator, images per class
                       (default --cols)
  --cols N             images per grid row (default 8)
  --digit N            a conditional generator's class to draw (0-9): every image of that class
  --digits LIST        a conditional generator's classes, one grid row each, the same noise in every
                       row (default: all ten, 0 to 9)
  --seed N             noise seed (default 1)
  --interpolate A,B    a conditional generator's label moved from class A to class B in --steps images,
                       the noise held still: a strip (--count, --digit and --digits do not apply)
  --steps N            images in the --interpolate strip (default 8)
  --format png|idx     a PNG grid, or an IDX file of raw 0-255 samples (default png); for a conditional
                       generator, the labels file beside it too (<name>-labels-idx1-ubyte)
  --out FILE           where to write (default generated.png or generated-images-idx3-ubyte)
  --backend NAME       auto | tensorflow | wasm | cpu (default auto)
`;

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(2);
}
process.on('uncaughtException', (e) => { process.stderr.write(`error: internal: ${e.stack ?? e.message}\n`); process.exit(1); });

const FLAGS = {
  model: nonEmptyString, count: intAtLeast(1), cols: intAtLeast(1), seed: intAtLeast(0), format: oneOf(['png', 'idx'] as const), out: nonEmptyString, backend: oneOf(BACKENDS),
  digit: intIn(0, CLASSES - 1), digits: intList(0), interpolate: intList(0), steps: intIn(2, 1000),
};
const raw = parseFlags(process.argv.slice(2), Object.keys(FLAGS), ['help']);
if (E.isLeft(raw)) fail(raw.left);
if (raw.right.help) { process.stdout.write(HELP); process.exit(0); }
const get = <K extends keyof typeof FLAGS>(k: K, fallback?: t.TypeOf<(typeof FLAGS)[K]>): t.TypeOf<(typeof FLAGS)[K]> => {
  const v = raw.right[k];
  if (v === undefined) return fallback ?? fail(`--${k} is required (see --help)`);
  return pipe((FLAGS[k] as t.Type<t.TypeOf<(typeof FLAGS)[K]>, string, unknown>).decode(v), E.getOrElseW(() => fail(`--${k}: expected ${FLAGS[k].name}, got '${v}'`)));
};
const modelPath = get('model');
const cols = get('cols', 8);
const seed = get('seed', 1);
const format = get('format', 'png');
const out = get('out', format === 'png' ? 'generated.png' : 'generated-images-idx3-ubyte');

const backend = await selectBackend(get('backend', 'auto'));
if (E.isLeft(backend)) fail(backend.left);
const loaded = await loadGenerator(modelPath);
if (E.isLeft(loaded)) fail(loaded.left);
const { model, noiseDim, rows, cols: width, classes } = loaded.right;
if (raw.right.digit !== undefined && raw.right.digits !== undefined) fail('--digit and --digits: give one of them');
if (raw.right.interpolate !== undefined) {
  const ends = get('interpolate');
  if (classes === 0) fail(`--interpolate: ${modelPath} holds an unconditional generator (one input, noise): expected a generator trained with --arch cgan or acgan`);
  if (ends.length !== 2 || ends.some((c) => c >= classes)) fail(`--interpolate: expected two classes from 0 to ${classes - 1}, got '${raw.right.interpolate}'`);
  if (raw.right.digit !== undefined || raw.right.digits !== undefined || raw.right.count !== undefined) fail('--interpolate: --count, --digit and --digits do not apply (the strip has --steps images)');
  const steps = get('steps', 8);
  const soft = softLabelGenerator(loaded.right)!;
  const z = normals(seeded(seed, Streams.noise), noiseDim);
  const images = tf.tidy(() => {
    const mix = tf.tensor2d(Array.from({ length: steps * classes }, (_, i) => {
      const [row, c] = [Math.floor(i / classes), i % classes];
      const t = row / (steps - 1);
      return (c === ends[0] ? 1 - t : 0) + (c === ends[1] ? t : 0);
    }), [steps, classes]);
    const noise = tf.tensor2d(Array.from({ length: steps * noiseDim }, (_, i) => z[i % noiseDim]), [steps, noiseDim]);
    return (soft.predict([noise, mix]) as tf.Tensor).dataSync() as Float32Array;
  });
  const grey = toGreyLevels(images);
  mkdirSync(dirname(resolve(out)), { recursive: true });
  writeFileAtomic(out, format === 'png' ? gridPng(grey, { count: steps, rows, cols: width, gridCols: steps, scale: 2, pad: 2 }) : encodeIdx([steps, rows, width], grey));
  process.stdout.write(`wrote ${steps} images of ${rows}x${width}, the label moving from class ${ends[0]} to class ${ends[1]} with the noise held still, to ${resolve(out)}\n`);
  process.exit(0);
}
const asked = raw.right.digit !== undefined ? [get('digit')] : raw.right.digits !== undefined ? get('digits') : null;
if (asked && classes === 0) fail(`--${raw.right.digit !== undefined ? 'digit' : 'digits'}: ${modelPath} holds an unconditional generator (one input, noise): expected a generator trained with --arch cgan or acgan`);
const bad = asked?.find((d) => d >= classes);
if (bad !== undefined) fail(`--digits: class ${bad}, expected classes from 0 to ${classes - 1}`);

// A conditional generator: one row per class (or every image of --digit), the same noise in each row.
const rowClasses = classes === 0 ? null : raw.right.digit !== undefined ? null : asked ?? Array.from({ length: classes }, (_, i) => i);
const perRow = classes === 0 ? 0 : get('count', cols);
const count = classes === 0 ? get('count', 32) : rowClasses ? rowClasses.length * perRow : perRow;
const labels = classes === 0 ? null
  : rowClasses ? Uint8Array.from({ length: count }, (_, i) => rowClasses[Math.floor(i / perRow)])
  : new Uint8Array(count).fill(asked![0]);
const base = normals(seeded(seed, Streams.noise), (rowClasses ? perRow : count) * noiseDim);
const noise = rowClasses ? Float32Array.from({ length: count * noiseDim }, (_, i) => base[i % (perRow * noiseDim)]) : base;
const images = tf.tidy(() => {
  const z = tf.tensor2d(noise, [count, noiseDim]);
  const input = labels ? [z, tf.tensor2d(Array.from(labels), [count, 1])] : z;
  return (model.predict(input) as tf.Tensor).dataSync() as Float32Array;
});
const grey = toGreyLevels(images);
mkdirSync(dirname(resolve(out)), { recursive: true });
writeFileAtomic(out, format === 'png'
  ? gridPng(grey, { count, rows, cols: width, gridCols: rowClasses ? perRow : Math.min(cols, count), scale: 2, pad: 2 })
  : encodeIdx([count, rows, width], grey));
const labelsFile = labels && format === 'idx' ? labelsFileFor(out) : null;
if (labelsFile) writeFileAtomic(labelsFile, encodeIdx([count], labels!));
const what = labels ? (rowClasses ? `, one row per class (${rowClasses.join(', ')})` : `, all of class ${asked![0]}`) : '';
process.stdout.write(`wrote ${count} images of ${rows}x${width}${what} to ${resolve(out)}${labelsFile ? ` and their labels to ${resolve(labelsFile)}` : ''}\n`);

/** The labels file beside an images file, by the IDX naming: x-images-idx3-ubyte -> x-labels-idx1-ubyte. */
function labelsFileFor(images: string): string {
  return images.includes('images-idx3') ? images.replace(/images-idx3(?!.*images-idx3)/, 'labels-idx1') : `${images}-labels-idx1-ubyte`;
}
