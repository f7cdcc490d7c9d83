/** Loading a saved generator (layers format: model.json + weights) from a run folder or a model folder. */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as E from 'fp-ts/lib/Either.js';
import { readModelArtifacts } from '../model/persistence.ts';
import { CLASSES } from '../model/condition.ts';

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
  for (const candidate of [join(path, 'generator', 'model.json'), join(path, 'model.json')]) if (existsSync(candidate)) return E.right(candidate);
  return E.left(`--model: ${path} holds no generator (expected ${join(path, 'generator', 'model.json')} or ${join(path, 'model.json')})`);
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
      return E.left(`--model: ${json.right} maps ${model.inputs.map((i) => JSON.stringify(i.shape)).join(' and ')} to ${JSON.stringify(output)}, expected a generator from noise [null, n] (and a label [null, 1]) to images [null, rows, cols, 1]`);
    }
    return E.right({ model, noiseDim: input[1]!, rows: output[1]!, cols: output[2]!, classes: model.inputs.length === 2 ? CLASSES : 0 });
  } catch (e) {
    return E.left(`--model: ${json.right} is not a loadable TensorFlow.js layers model (${(e as Error).message.split('\n')[0]})`);
  }
}

/**
 * A conditional generator taking its label as a vector of class weights instead of a class number:
 * the same layers after the label's one-hot embedding, so a label halfway between two classes is
 * (e_A + e_B) / 2. Null for an unconditional generator.
 */
export function softLabelGenerator(g: SavedGenerator): tf.LayersModel | null {
  if (g.classes === 0) return null;
  const layers = g.model.layers;
  const join = layers.findIndex((l) => l.getClassName() === 'Concatenate');
  if (join < 0) return null;
  const noise = tf.input({ shape: [g.noiseDim] });
  const label = tf.input({ shape: [g.classes] });
  let x = tf.layers.concatenate().apply([noise, label]) as tf.SymbolicTensor;
  for (const layer of layers.slice(join + 1)) x = layer.apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: [noise, label], outputs: x });
}
