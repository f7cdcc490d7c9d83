/**
 * Conditioning on a class label (conditional GANs). `input` (cGAN, Mirza & Osindero 2014): the
 * label, one-hot, joins G's noise and D's image at their inputs. `auxiliary` (AC-GAN, Odena et al.
 * 2017): G's input as in cGAN; D sees the image alone and has a second head, CLASSES logits that
 * classify every image, real or generated. A one-hot input into a dense layer is a learned
 * embedding of the label: its rows of the weight matrix.
 */
import * as tf from '@tensorflow/tfjs';

/** Classes of every conditional dataset ganstream reads (MNIST digits, Fashion-MNIST items). */
export { CLASSES } from './names.ts';

import { CLASSES } from './names.ts';

export type Conditioning = 'none' | 'input' | 'auxiliary';

/** [n, classes] one-hot rows of `labels`. */
export const oneHot = (labels: Uint8Array, classes = CLASSES): tf.Tensor2D =>
  tf.oneHot(tf.tensor1d(labels, 'int32'), classes).toFloat() as tf.Tensor2D;

/** [x | one-hot(labels)]: the input of a network conditioned at its input. */
export const withLabels = (x: tf.Tensor2D, labels: Uint8Array, classes = CLASSES): tf.Tensor2D =>
  tf.concat([x, oneHot(labels, classes)], 1);

/** The label of each of n images drawn to show every class in turn: 0, 1, ..., 9, 0, 1, ... */
export const cyclingLabels = (n: number, classes = CLASSES): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => i % classes);

/** The classes a conditional GAN draws for this data: an image folder's subfolders (at most CLASSES), else CLASSES. */
export const classCount = (d: { readonly classes?: readonly string[] | null }): number =>
  Math.min(d.classes?.length ?? CLASSES, CLASSES);

/** The first label out of range, as a message, or null. */
export function badLabel(labels: Uint8Array, classes = CLASSES): string | null {
  const i = labels.findIndex((l) => l >= classes);
  return i === -1 ? null : `label ${labels[i]} at position ${i}, expected 0 to ${classes - 1}`;
}
