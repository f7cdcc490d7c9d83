/**
 * What a saved discriminator sees, with stock TensorFlow.js (the page and the scripts share it):
 * its realness logit for images, the probability that goes with it, and the saliency of an image,
 * the gradient of the logit with respect to its pixels, which is the direction the generator's
 * own gradient pushes a fake's pixels.
 *
 * Saved discriminators (src/model/persistence.ts) come in three shapes: image -> sigmoid (bce) or a
 * raw score (lsgan); an AC-GAN's image -> [realness logit, 10 class logits]; a cGAN's
 * (image, label) -> sigmoid. The logit is taken before the sigmoid, where its gradient does not vanish.
 */
import * as tf from '@tensorflow/tfjs';
import { valuesOf } from '../model/values.ts';

export interface Realness {
  /** Images [n, rows, cols, channels] in [-1, 1] (and labels [n, 1] for a cGAN's D) to the realness logit [n]. */
  readonly logit: (images: tf.Tensor4D, labels?: tf.Tensor2D) => tf.Tensor1D;
  /** D takes the label too (a cGAN's). */
  readonly needsLabel: boolean;
  /** Scores pass through a sigmoid (bce) to read as D's probability that an image is real; lsgan's raw scores do not. */
  readonly probability: boolean;
}

/** The realness logit of a saved discriminator, whatever its shape. */
export function realness(d: tf.LayersModel): Realness {
  const last = d.layers[d.layers.length - 1];
  const sigmoidEnd =
    last.getClassName() === 'Activation' && (last.getConfig() as { activation?: string }).activation === 'sigmoid';
  const body = sigmoidEnd
    ? tf.model({ inputs: d.inputs, outputs: d.layers[d.layers.length - 2].output as tf.SymbolicTensor })
    : d;
  const needsLabel = d.inputs.length === 2;
  const units = (body.outputs[0].shape as number[])[1];
  return {
    needsLabel,
    // An AC-GAN's D is trained with bce on its first output, so it reads as a probability too.
    probability: sigmoidEnd || units > 1,
    logit: (images, labels) =>
      tf.tidy(() => {
        if (needsLabel && !labels)
          throw new Error('this discriminator takes a label with each image (a cGAN): give labels');
        const out = body.apply(needsLabel ? [images, labels!] : images) as tf.Tensor2D;
        return out.slice([0, 0], [-1, 1]).reshape([-1]) as tf.Tensor1D;
      }),
  };
}

/** D's score of each image ([count * rows * cols], three values a pixel in colour): its probability of "real" for bce-trained Ds, else the raw score. */
export function scores(
  r: Realness,
  images: Float32Array,
  count: number,
  rows: number,
  cols: number,
  labels?: ArrayLike<number>,
): Float32Array {
  return valuesOf(() => {
    const x = tf.tensor4d(images, [count, rows, cols, images.length / (count * rows * cols)]);
    const y = labels ? tf.tensor2d(Array.from(labels), [count, 1]) : undefined;
    const logit = r.logit(x, y);
    return r.probability ? tf.sigmoid(logit) : logit;
  });
}

/**
 * d(realness logit) / d(pixel) for one image ([rows * cols] in [-1, 1], in colour three values a
 * pixel): positive where making the pixel brighter makes D believe more that the image is real.
 * In colour, a pixel's three gradients summed: [rows * cols] either way.
 */
export function saliency(r: Realness, image: Float32Array, rows: number, cols: number, label?: number): Float32Array {
  const channels = image.length / (rows * cols);
  return valuesOf(() => {
    const y = label === undefined ? undefined : tf.tensor2d([label], [1, 1]);
    const grad = tf.grad((x: tf.Tensor) => r.logit(x as tf.Tensor4D, y).sum());
    return grad(tf.tensor4d(image, [1, rows, cols, channels])).sum(3);
  });
}
