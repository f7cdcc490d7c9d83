/**
 * The evaluator's classifier: a small convolutional network (LeNet-like) for 28x28 grey images in
 * [-1, 1]. Its penultimate layer ('features') gives the feature space of the Fréchet distance and
 * of precision/recall; its softmax gives the class probabilities. Trained by
 * scripts/train-classifier.ts; the trained weights live in models/classifier-<set>/ (classifier.ts
 * reads them from there; a page or a worker fetches them). Imports nothing from node:.
 */
import * as tf from '@tensorflow/tfjs';
import * as E from 'fp-ts/lib/Either.js';
import { artifactsOf } from '../model/model-artifacts.ts';
import { valuesOfEach } from '../model/values.ts';

export const CLASSES = 10;
export const FEATURES = 64;
/** With a reject class, the output after the ten classes: "none of them" (src/quality/outliers.ts). */
export const REJECT = CLASSES;
export const FEATURE_LAYER = 'features';

/** The network, untrained, seeded; with `reject`, an eleventh output for images of none of the classes. */
export function buildClassifier(seed: number, reject = false): tf.Sequential {
  const init = (k: number) => tf.initializers.heNormal({ seed: seed * 16 + k });
  const m = tf.sequential({ name: 'classifier' });
  m.add(
    tf.layers.conv2d({
      inputShape: [28, 28, 1],
      filters: 16,
      kernelSize: 5,
      activation: 'relu',
      kernelInitializer: init(1),
    }),
  );
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 32, kernelSize: 5, activation: 'relu', kernelInitializer: init(2) }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dropout({ rate: 0.3, seed }));
  m.add(tf.layers.dense({ units: FEATURES, activation: 'relu', kernelInitializer: init(3), name: FEATURE_LAYER }));
  m.add(
    tf.layers.dense({
      units: reject ? CLASSES + 1 : CLASSES,
      activation: 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 16 + 4 }),
    }),
  );
  return m;
}

/** A loaded classifier, as the evaluator uses it. */
export interface Classifier {
  readonly name: string;
  /** Images [n, 28, 28, 1] in [-1, 1] to [features [n, FEATURES], probabilities [n, CLASSES]]. */
  readonly model: tf.LayersModel;
  /** What models/<name>/about.json says: how it was trained and its test accuracy. */
  readonly about: ClassifierAbout;
}

export interface ClassifierAbout {
  readonly dataset: string;
  readonly testAccuracy: number;
  readonly testCount: number;
  readonly command: string;
  readonly seed: number;
  /** Outlier images per training image (outlier exposure; absent or 0: trained on the set alone), taught as an eleventh class. */
  readonly outlierExposure?: number;
  /** Share of held-out outlier images of each kind it still calls recognisable. */
  readonly outliersRecognisable?: Readonly<Record<string, number>>;
}

/** Features and probabilities of a trained classifier, from one forward pass. */
export function withFeatures(m: tf.LayersModel): tf.LayersModel {
  return tf.model({ inputs: m.inputs, outputs: [m.getLayer(FEATURE_LAYER).output as tf.SymbolicTensor, m.outputs[0]] });
}

/**
 * The ten classes' probabilities from a classifier's outputs [n, width]: with a reject class
 * (width 11) they sum to 1 minus its probability, so an image of none of the classes has no
 * class at 90% (not recognisable).
 */
export function classProbabilities(outputs: Float32Array, n: number, width: number): Float32Array {
  if (width === CLASSES) return outputs;
  const probs = new Float32Array(n * CLASSES);
  for (let i = 0; i < n; i++) probs.set(outputs.subarray(i * width, i * width + CLASSES), i * CLASSES);
  return probs;
}

/** Features and class probabilities of images ([n * 784] in [-1, 1]), in batches. */
export function classify(
  c: Classifier,
  images: Float32Array,
  count: number,
  batch = 500,
): { features: Float32Array; probs: Float32Array } {
  const features = new Float32Array(count * FEATURES);
  const probs = new Float32Array(count * CLASSES);
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    const [f, p] = valuesOfEach(
      () =>
        c.model.predict(tf.tensor4d(images.subarray(start * 784, (start + n) * 784), [n, 28, 28, 1])) as tf.Tensor[],
    );
    features.set(f, start * FEATURES);
    probs.set(classProbabilities(p, n, p.length / n), start * CLASSES);
  }
  return { features, probs };
}

/**
 * A classifier from its saved files' contents: model.json (parsed), the bytes of its one weights
 * file, and about.json (parsed). `name` says where it came from in messages.
 */
export async function classifierFromFiles(
  name: string,
  modelJson: unknown,
  weights: Uint8Array,
  about: unknown,
): Promise<E.Either<string, Classifier>> {
  try {
    const model = await tf.loadLayersModel(tf.io.fromMemory(artifactsOf(modelJson, weights)));
    return E.right({ name, model: withFeatures(model), about: about as ClassifierAbout });
  } catch (e) {
    return E.left(`classifier at ${name} does not load: ${(e as Error).message.split('\n')[0]}`);
  }
}
