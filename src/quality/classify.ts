/**
 * The evaluator's classifier: a small convolutional network (LeNet-like) for images in [-1, 1],
 * 28x28 grey digits or clothes (ten classes), or an image folder's own size, channels and classes.
 * Its penultimate layer ('features') gives the feature space of the Fréchet distance and of
 * precision/recall; its softmax gives the class probabilities. Trained by
 * scripts/train-classifier.ts; the committed weights live in models/classifier-<set>/, a folder's
 * in classifiers/ (classifier.ts reads them; a page or a worker fetches them). Imports nothing
 * from node:.
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

/** What a classifier takes and tells apart. */
export interface ClassifierShape {
  readonly rows: number;
  readonly cols: number;
  readonly channels: 1 | 3;
  readonly classes: number;
}

/** The digits' and clothes' classifiers: 28x28 grey, ten classes. */
export const DIGITS_SHAPE: ClassifierShape = { rows: 28, cols: 28, channels: 1, classes: CLASSES };

/**
 * The network, untrained, seeded; with `reject`, one more output for images of none of the
 * classes. At 28x28 grey with ten classes, the committed classifiers' layers exactly; any other
 * shape pads its convolutions and poolings ('same'), so that images down to 1x1 pass through.
 */
export function buildClassifier(seed: number, reject = false, shape: ClassifierShape = DIGITS_SHAPE): tf.Sequential {
  const init = (k: number) => tf.initializers.heNormal({ seed: seed * 16 + k });
  const padding = shape === DIGITS_SHAPE ? 'valid' : 'same';
  const m = tf.sequential({ name: 'classifier' });
  m.add(
    tf.layers.conv2d({
      inputShape: [shape.rows, shape.cols, shape.channels],
      filters: 16,
      kernelSize: 5,
      activation: 'relu',
      padding,
      kernelInitializer: init(1),
    }),
  );
  m.add(tf.layers.maxPooling2d({ poolSize: 2, padding }));
  m.add(tf.layers.conv2d({ filters: 32, kernelSize: 5, activation: 'relu', padding, kernelInitializer: init(2) }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2, padding }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dropout({ rate: 0.3, seed }));
  m.add(tf.layers.dense({ units: FEATURES, activation: 'relu', kernelInitializer: init(3), name: FEATURE_LAYER }));
  m.add(
    tf.layers.dense({
      units: reject ? shape.classes + 1 : shape.classes,
      activation: 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 16 + 4 }),
    }),
  );
  return m;
}

/** A loaded classifier, as the evaluator uses it. */
export interface Classifier {
  readonly name: string;
  /** Images [n, rows, cols, channels] in [-1, 1] to [features [n, FEATURES], outputs [n, classes (+ 1 with a reject class)]]. */
  readonly model: tf.LayersModel;
  /** The images it takes, and how many classes it tells apart. */
  readonly shape: ClassifierShape;
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
  /** A classifier of an image folder's classes: which folder, at which size, and its split. */
  readonly folder?: FolderClassifierAbout;
}

export interface FolderClassifierAbout {
  readonly path: string;
  /** The images' hash (src/data/image-folder.ts): a changed folder needs a classifier of its own. */
  readonly hash: string;
  readonly imageSize: number;
  readonly channels: 1 | 3;
  /** The class names, the subfolders', in label order. */
  readonly classes: readonly string[];
  readonly trainCount: number;
  /** The images it never trained on (the last share of each class): the judge's real images. */
  readonly heldOutCount: number;
}

/** A classifier from its model (as trained) and about.json: its shape read off both. */
export function classifierOf(name: string, trained: tf.LayersModel, about: ClassifierAbout): Classifier {
  const [, rows, cols, channels] = trained.inputs[0].shape as number[];
  const classes = about.folder?.classes.length ?? CLASSES;
  return {
    name,
    model: withFeatures(trained),
    about,
    shape: { rows, cols, channels: channels === 3 ? 3 : 1, classes },
  };
}

/** Features and probabilities of a trained classifier, from one forward pass. */
export function withFeatures(m: tf.LayersModel): tf.LayersModel {
  return tf.model({ inputs: m.inputs, outputs: [m.getLayer(FEATURE_LAYER).output as tf.SymbolicTensor, m.outputs[0]] });
}

/**
 * The classes' probabilities from a classifier's outputs [n, width]: with a reject class (width
 * classes + 1) they sum to 1 minus its probability, so an image of none of the classes has no
 * class at 90% (not recognisable).
 */
export function classProbabilities(outputs: Float32Array, n: number, width: number, classes = CLASSES): Float32Array {
  if (width === classes) return outputs;
  const probs = new Float32Array(n * classes);
  for (let i = 0; i < n; i++) probs.set(outputs.subarray(i * width, i * width + classes), i * classes);
  return probs;
}

/** Features and class probabilities ([n * classes]) of images ([n * rows * cols * channels] in [-1, 1]), in batches. */
export function classify(
  c: Classifier,
  images: Float32Array,
  count: number,
  batch = 500,
): { features: Float32Array; probs: Float32Array } {
  const { rows, cols, channels, classes } = c.shape;
  const pixels = rows * cols * channels;
  if (images.length < count * pixels)
    throw new Error(`classify: ${count} images of ${pixels} values need ${count * pixels}, got ${images.length}`);
  const features = new Float32Array(count * FEATURES);
  const probs = new Float32Array(count * classes);
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    const [f, p] = valuesOfEach(
      () =>
        c.model.predict(
          tf.tensor4d(images.subarray(start * pixels, (start + n) * pixels), [n, rows, cols, channels]),
        ) as tf.Tensor[],
    );
    features.set(f, start * FEATURES);
    probs.set(classProbabilities(p, n, p.length / n, classes), start * classes);
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
    return E.right(classifierOf(name, model, about as ClassifierAbout));
  } catch (e) {
    return E.left(`classifier at ${name} does not load: ${(e as Error).message.split('\n')[0]}`);
  }
}
