/** Loading a saved generator (layers format: model.json + weights) from a run folder or a model folder. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as E from 'fp-ts/lib/Either.js';
import { normals, type Random } from '../data/random.ts';
import { CLASSES, cyclingLabels } from '../model/condition.ts';
import { readModelArtifacts } from '../model/read-model-folder.ts';
import { valuesOf } from '../model/values.ts';

export interface SavedGenerator {
  readonly model: tf.LayersModel;
  readonly noiseDim: number;
  readonly rows: number;
  readonly cols: number;
  /** A conditional generator (inputs noise and label): the number of classes; else 0. */
  readonly classes: number;
}

/** model.json of `path` when it is a run folder, a model folder or the file itself. */
export function generatorJson(path: string): E.Either<string, string> {
  if (!existsSync(path)) return E.left(`--model: no such file or folder: ${path}`);
  if (!statSync(path).isDirectory()) return E.right(path);
  for (const candidate of [join(path, 'generator', 'model.json'), join(path, 'model.json')])
    if (existsSync(candidate)) return E.right(candidate);
  return E.left(
    `--model: ${path} holds no generator (expected ${join(path, 'generator', 'model.json')} or ${join(path, 'model.json')})`,
  );
}

export async function loadGenerator(path: string): Promise<E.Either<string, SavedGenerator>> {
  const json = generatorJson(path);
  if (E.isLeft(json)) return json;
  try {
    const model = await tf.loadLayersModel(tf.io.fromMemory(readModelArtifacts(json.right)));
    const input = model.inputs[0].shape;
    const output = model.outputs[0].shape;
    const label = model.inputs[1]?.shape;
    const labelOk = model.inputs.length === 1 || (model.inputs.length === 2 && label?.length === 2 && label[1] === 1);
    if (input.length !== 2 || output.length !== 4 || output[3] !== 1 || !labelOk) {
      model.dispose();
      return E.left(
        `--model: ${json.right} maps ${model.inputs.map((i) => JSON.stringify(i.shape)).join(' and ')} to ${JSON.stringify(output)}, expected a generator from noise [null, n] (and a label [null, 1]) to images [null, rows, cols, 1]`,
      );
    }
    return E.right({
      model,
      noiseDim: input[1]!,
      rows: output[1]!,
      cols: output[2]!,
      classes: model.inputs.length === 2 ? CLASSES : 0,
    });
  } catch (e) {
    return E.left(
      `--model: ${json.right} is not a loadable TensorFlow.js layers model (${(e as Error).message.split('\n')[0]})`,
    );
  }
}

/** Images in [-1, 1] ([n * rows * cols]) of noise [n * noiseDim], and for a conditional generator their classes. */
export function drawFrom(g: SavedGenerator, noise: Float32Array, n: number, labels?: ArrayLike<number>): Float32Array {
  return valuesOf(() => {
    const z = tf.tensor2d(noise, [n, g.noiseDim]);
    const input = g.classes > 0 ? [z, tf.tensor2d(Array.from(labels ?? new Uint8Array(n)), [n, 1])] : z;
    return g.model.predict(input) as tf.Tensor;
  });
}

/**
 * n samples in [-1, 1] ([n * rows * cols]), their noise drawn from `rng` in batches of 500; a
 * conditional generator draws every class in equal shares (0, 1, ..., 9, 0, ...), given as labels.
 */
export function drawSamples(g: SavedGenerator, n: number, rng: Random): { images: Float32Array; labels?: Uint8Array } {
  const images = new Float32Array(n * g.rows * g.cols);
  const labels = g.classes > 0 ? cyclingLabels(n, g.classes) : undefined;
  for (let start = 0; start < n; start += 500) {
    const m = Math.min(500, n - start);
    images.set(
      drawFrom(g, normals(rng, m * g.noiseDim), m, labels?.subarray(start, start + m)),
      start * g.rows * g.cols,
    );
  }
  return labels ? { images, labels } : { images };
}

/** A run folder's saved discriminator (discriminator/model.json), as stock tfjs loads it. */
export async function loadDiscriminator(run: string): Promise<E.Either<string, tf.LayersModel>> {
  const json = join(run, 'discriminator', 'model.json');
  if (!existsSync(json))
    return E.left(`${run} holds no discriminator (expected ${json}: saved when a run ends or stops)`);
  try {
    return E.right(await tf.loadLayersModel(tf.io.fromMemory(readModelArtifacts(json))));
  } catch (e) {
    return E.left(`${json} is not a loadable TensorFlow.js layers model (${(e as Error).message.split('\n')[0]})`);
  }
}

/** What the run folder holding a generator trained on (its record's first line), or null outside a run folder. */
export function trainedOn(path: string): { dataset: string; limit: number | null } | null {
  if (!existsSync(path)) return null;
  const dir = statSync(path).isDirectory() ? path : dirname(path);
  for (const metrics of [join(dir, 'metrics.ndjson'), join(dirname(dir), 'metrics.ndjson')]) {
    if (!existsSync(metrics)) continue;
    try {
      const config = JSON.parse(readFileSync(metrics, 'utf8').split('\n')[0]).config;
      if (typeof config?.dataset === 'string')
        return { dataset: config.dataset, limit: typeof config.limit === 'number' ? config.limit : null };
    } catch {
      return null;
    }
  }
  return null;
}
