/**
 * Adam (Kingma & Ba 2015) over a network's trainable variables, with its whole state in the open:
 * the step count, the learning rate and two moment variables per parameter, so a checkpoint can
 * save it and a resumed run continue exactly. Same update as tf.train.adam:
 *   m = b1 m + (1 - b1) g,  v = b2 v + (1 - b2) g²,  p -= lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 */
import * as tf from '@tensorflow/tfjs';

export interface AdamSlot {
  readonly variable: tf.Variable;
  readonly m: tf.Variable;
  readonly v: tf.Variable;
}

export interface Adam {
  /** Mutable: a rollback halves it. */
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** Updates applied so far (t). */
  iterations: number;
  /** By variable name. */
  readonly slots: ReadonlyMap<string, AdamSlot>;
}

export interface AdamOptions { readonly lr: number; readonly beta1: number; readonly beta2: number; readonly epsilon: number }

export function createAdam(variables: readonly tf.Variable[], o: AdamOptions): Adam {
  const slots = new Map(variables.map((variable) => [variable.name, {
    variable,
    m: tf.variable(tf.zerosLike(variable), false),
    v: tf.variable(tf.zerosLike(variable), false),
  }]));
  return { ...o, iterations: 0, slots };
}

/** One update from gradients named by variable; variables without a gradient are left alone. */
export function applyAdam(adam: Adam, grads: tf.NamedTensorMap): void {
  const t = adam.iterations + 1;
  const stepSize = adam.lr / (1 - adam.beta1 ** t);
  const secondCorrection = 1 / (1 - adam.beta2 ** t);
  tf.tidy(() => {
    for (const [name, g] of Object.entries(grads)) {
      const slot = adam.slots.get(name);
      if (!slot) throw new Error(`Adam: no variable named ${name}`);
      const m = tf.add(tf.mul(slot.m, adam.beta1), tf.mul(g, 1 - adam.beta1));
      const v = tf.add(tf.mul(slot.v, adam.beta2), tf.mul(tf.square(g), 1 - adam.beta2));
      const update = tf.div(tf.mul(m, stepSize), tf.add(tf.sqrt(tf.mul(v, secondCorrection)), adam.epsilon));
      slot.m.assign(m);
      slot.v.assign(v);
      slot.variable.assign(tf.sub(slot.variable, update));
    }
  });
  adam.iterations = t;
}

export function disposeAdam(adam: Adam): void {
  for (const s of adam.slots.values()) { s.m.dispose(); s.v.dispose(); }
}
