/**
 * Reading a tensor's values out of a tidy scope. tf.tidy walks whatever its function returns to
 * find the tensors to keep, and walks a typed array value by value (a Set insertion each): a
 * Float32Array of 784,000 values returned from tf.tidy costs seconds. So the tensor leaves the
 * scope, and its values are read after it.
 */
import * as tf from '@tensorflow/tfjs';

/** The values of the tensor `make` returns; every tensor made on the way, and that one, freed. */
export function valuesOf(make: () => tf.Tensor): Float32Array {
  const t = tf.tidy(make);
  try {
    return t.dataSync() as Float32Array;
  } finally {
    t.dispose();
  }
}

/** The values of each tensor `make` returns, in order; all of them freed. */
export function valuesOfEach(make: () => tf.Tensor[]): Float32Array[] {
  const ts = tf.tidy(make);
  try {
    return ts.map((t) => t.dataSync() as Float32Array);
  } finally {
    tf.dispose(ts);
  }
}
