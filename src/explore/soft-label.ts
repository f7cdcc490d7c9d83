/**
 * A saved conditional generator (inputs: noise, and a class number through a fixed one-hot
 * embedding) rebuilt to take its label as a vector of class weights: the same layers after the
 * embedding, so the label can move from one class to another (halfway: (e_A + e_B) / 2), and a
 * one-hot weight vector gives exactly what the class number gives. Stock tfjs layers only: the
 * page and the scripts share it. Null for a generator without the embedding's join.
 */
import * as tf from '@tensorflow/tfjs';

export function softLabelGenerator(model: tf.LayersModel, noiseDim: number, classes: number): tf.LayersModel | null {
  if (classes === 0) return null;
  const join = model.layers.findIndex((l) => l.getClassName() === 'Concatenate');
  if (join < 0) return null;
  const noise = tf.input({ shape: [noiseDim] });
  const label = tf.input({ shape: [classes] });
  let x = tf.layers.concatenate().apply([noise, label]) as tf.SymbolicTensor;
  for (const layer of model.layers.slice(join + 1)) x = layer.apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: [noise, label], outputs: x });
}

/** Class weights: one-hot for a class number. */
export const oneHotOf = (c: number, classes: number): Float32Array =>
  Float32Array.from({ length: classes }, (_, i) => (i === c ? 1 : 0));
