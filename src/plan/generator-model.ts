/**
 * A saved generator once loaded (by saved-generator.ts from a folder, by a page from memory): its
 * shapes checked, and images drawn from it. Imports nothing from node:.
 */
import * as tf from '@tensorflow/tfjs';
import * as E from 'fp-ts/lib/Either.js';
import { normals, type Random } from '../data/random.ts';
import { CLASSES, cyclingLabels } from '../model/condition.ts';
import { valuesOf } from '../model/values.ts';

export interface SavedGenerator {
  readonly model: tf.LayersModel;
  readonly noiseDim: number;
  readonly rows: number;
  readonly cols: number;
  /** 1 grey, 3 colour. */
  readonly channels: number;
  /** A conditional generator (inputs noise and label): the number of classes; else 0. */
  readonly classes: number;
}

/** A loaded layers model as a generator, once its inputs and output have a generator's shapes (else why not; the model is disposed). */
export function generatorOf(model: tf.LayersModel): E.Either<string, SavedGenerator> {
  const input = model.inputs[0].shape;
  const output = model.outputs[0].shape;
  const label = model.inputs[1]?.shape;
  const labelOk = model.inputs.length === 1 || (model.inputs.length === 2 && label?.length === 2 && label[1] === 1);
  if (input.length !== 2 || output.length !== 4 || (output[3] !== 1 && output[3] !== 3) || !labelOk) {
    model.dispose();
    return E.left(
      `maps ${model.inputs.map((i) => JSON.stringify(i.shape)).join(' and ')} to ${JSON.stringify(output)}, expected a generator from noise [null, n] (and a label [null, 1]) to images [null, rows, cols, 1 or 3]`,
    );
  }
  return E.right({
    model,
    noiseDim: input[1]!,
    rows: output[1]!,
    cols: output[2]!,
    channels: output[3]!,
    classes: model.inputs.length === 2 ? CLASSES : 0,
  });
}

/**
 * A saved conditional generator as it learned: its label input is ten classes wide whatever the
 * data had, and on a folder of images it learned the folder's `classes` only (model/condition.ts
 * classCount), so those are the ones to draw. An unconditional generator as it is.
 */
export const learnedClasses = (g: SavedGenerator, classes: number): SavedGenerator =>
  g.classes > 0 ? { ...g, classes } : g;

/** Images in [-1, 1] ([n * rows * cols * channels]) of noise [n * noiseDim], and for a conditional generator their classes. */
export function drawFrom(g: SavedGenerator, noise: Float32Array, n: number, labels?: ArrayLike<number>): Float32Array {
  return valuesOf(() => {
    const z = tf.tensor2d(noise, [n, g.noiseDim]);
    const input = g.classes > 0 ? [z, tf.tensor2d(Array.from(labels ?? new Uint8Array(n)), [n, 1])] : z;
    return g.model.predict(input) as tf.Tensor;
  });
}

/**
 * n samples in [-1, 1] ([n * rows * cols * channels]), their noise drawn from `rng` in batches of 500; a
 * conditional generator draws every class in equal shares (0, 1, ..., 9, 0, ...), given as labels.
 */
export function drawSamples(g: SavedGenerator, n: number, rng: Random): { images: Float32Array; labels?: Uint8Array } {
  const images = new Float32Array(n * g.rows * g.cols * g.channels);
  const labels = g.classes > 0 ? cyclingLabels(n, g.classes) : undefined;
  for (let start = 0; start < n; start += 500) {
    const m = Math.min(500, n - start);
    images.set(
      drawFrom(g, normals(rng, m * g.noiseDim), m, labels?.subarray(start, start + m)),
      start * g.rows * g.cols * g.channels,
    );
  }
  return labels ? { images, labels } : { images };
}
