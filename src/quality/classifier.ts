/**
 * The evaluator's classifiers as saved in models/classifier-<set>/ (model.json, weights.bin,
 * about.json), read from there; the classifier itself is classify.ts's.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as E from 'fp-ts/lib/Either.js';
import { readModelArtifacts } from '../model/read-model-folder.ts';
import { type Classifier, type ClassifierAbout, classifierOf } from './classify.ts';

export * from './classify.ts';

export const CLASSIFIERS_DIR = new URL('../../models/', import.meta.url).pathname;
export const classifierDir = (set: 'digits' | 'mnist' | 'fashion') => join(CLASSIFIERS_DIR, `classifier-${set}`);

/** Reads model.json, weights.bin and about.json from a folder. */
export async function loadClassifier(dir: string): Promise<E.Either<string, Classifier>> {
  const json = join(dir, 'model.json');
  if (!existsSync(json))
    return E.left(`no classifier at ${dir} (expected ${json}; train one with scripts/train-classifier.ts)`);
  try {
    const model = await tf.loadLayersModel(tf.io.fromMemory(readModelArtifacts(json)));
    const about = JSON.parse(readFileSync(join(dir, 'about.json'), 'utf8')) as ClassifierAbout;
    return E.right(classifierOf(dir, model, about));
  } catch (e) {
    return E.left(`classifier at ${dir} does not load: ${(e as Error).message.split('\n')[0]}`);
  }
}
