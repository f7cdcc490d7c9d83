/** Loading a saved generator (layers format: model.json + weights) from a run folder or a model folder; generator-model.ts has what is done with it. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as E from 'fp-ts/lib/Either.js';
import { readModelArtifacts } from '../model/read-model-folder.ts';
import { DatasetIdentity } from '../streams/dataset-identity.ts';
import { generatorOf, type SavedGenerator } from './generator-model.ts';

export * from './generator-model.ts';

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
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(tf.io.fromMemory(readModelArtifacts(json.right)));
  } catch (e) {
    return E.left(
      `--model: ${json.right} is not a loadable TensorFlow.js layers model (${(e as Error).message.split('\n')[0]})`,
    );
  }
  return E.mapLeft((why: string) => `--model: ${json.right} ${why}`)(generatorOf(model));
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

/** The data a run trained on, as its record's configuration names it. */
export interface TrainedOn {
  readonly dataset: string;
  readonly limit: number | null;
  /** A folder of images: its --image-size and --channels (null: as the images were). */
  readonly imageSize: number | null;
  readonly channels: 1 | 3 | null;
  /** What the run recorded of its data (a folder's hash among it): a changed folder is refused. */
  readonly recorded?: DatasetIdentity;
}

/** What the run folder holding a generator trained on (its record's first line), or null outside a run folder. */
export function trainedOn(path: string): TrainedOn | null {
  if (!existsSync(path)) return null;
  const dir = statSync(path).isDirectory() ? path : dirname(path);
  for (const metrics of [join(dir, 'metrics.ndjson'), join(dirname(dir), 'metrics.ndjson')]) {
    if (!existsSync(metrics)) continue;
    try {
      const started = JSON.parse(readFileSync(metrics, 'utf8').split('\n')[0]);
      const config = started.config;
      const recorded = DatasetIdentity.decode(started.dataset);
      if (typeof config?.dataset === 'string')
        return {
          dataset: config.dataset,
          limit: typeof config.limit === 'number' ? config.limit : null,
          imageSize: typeof config.imageSize === 'number' ? config.imageSize : null,
          channels: config.channels === 1 || config.channels === 3 ? config.channels : null,
          ...(E.isRight(recorded) ? { recorded: recorded.right } : {}),
        };
    } catch {
      return null;
    }
  }
  return null;
}
