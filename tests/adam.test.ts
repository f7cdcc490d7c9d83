import * as tf from '@tensorflow/tfjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { seeded } from '../src/data/random.ts';
import { applyAdam, createAdam, disposeAdam } from '../src/model/adam.ts';
import { useTestBackend } from './helpers/tf.ts';

await useTestBackend();

test('ganstream Adam takes the same steps as tf.train.adam', () => {
  const rng = seeded(3);
  const start = Float32Array.from({ length: 300 }, () => rng.normal());
  const gradients = Array.from({ length: 6 }, () => Float32Array.from({ length: 300 }, () => rng.normal()));
  const ours = tf.variable(tf.tensor2d(start, [20, 15]), true, 'adam-test/ours');
  const theirs = tf.variable(tf.tensor2d(start, [20, 15]), true, 'adam-test/theirs');
  const adam = createAdam([ours], { lr: 0.01, beta1: 0.5, beta2: 0.999, epsilon: 1e-8 });
  const reference = tf.train.adam(0.01, 0.5, 0.999, 1e-8);
  for (const g of gradients) {
    tf.tidy(() => {
      applyAdam(adam, { [ours.name]: tf.tensor2d(g, [20, 15]) });
      reference.applyGradients([{ name: theirs.name, tensor: tf.tensor2d(g, [20, 15]) }]);
    });
  }
  assert.is(adam.iterations, 6);
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(ours, theirs))).dataSync()[0]);
  const moved = tf.tidy(() => tf.max(tf.abs(tf.sub(ours, tf.tensor2d(start, [20, 15])))).dataSync()[0]);
  assert.ok(moved > 0.01, `moved ${moved}`);
  assert.ok(diff < 1e-6, `differs by ${diff}`);
  disposeAdam(adam);
  reference.dispose();
  ours.dispose();
  theirs.dispose();
});

test('a gradient for an unknown variable is an error, not a silent no-op', () => {
  const v = tf.variable(tf.zeros([2]), true, 'adam-test/known');
  const adam = createAdam([v], { lr: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
  assert.throws(() => applyAdam(adam, { 'adam-test/unknown': tf.ones([2]) }), /no variable named adam-test\/unknown/);
  disposeAdam(adam);
  v.dispose();
});

test.run();
