/**
 * Adam (Kingma & Ba 2015) over a network's trainable variables, with its whole state in the open:
 * the step count, the learning rate and two moment variables per parameter, so a checkpoint can
 * save it and a resumed run continue exactly. Same update as tf.train.adam:
 *   m = b1 m + (1 - b1) g,  v = b2 v + (1 - b2) g²,  p -= lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 */
import * as tf from '@tensorflow/tfjs';
import { FUSED_ADAM, type FusedAdamAttrs } from './kernels/fused-adam.ts';
import { backendHas } from './kernels/intermediates.ts';
import { variableOf } from './network.ts';

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

export interface AdamOptions {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
}

export function createAdam(variables: readonly tf.Variable[], o: AdamOptions): Adam {
  const slots = new Map(
    variables.map((variable) => [
      variable.name,
      {
        variable,
        m: variableOf(tf.zerosLike(variable), false, `${variable.name}/adam_m`),
        v: variableOf(tf.zerosLike(variable), false, `${variable.name}/adam_v`),
      },
    ]),
  );
  return { ...o, iterations: 0, slots };
}

/** m', v' and w' by tfjs operations. */
export function opByOp(slot: AdamSlot, g: tf.Tensor, a: FusedAdamAttrs): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const m = tf.add(tf.mul(slot.m, a.beta1), tf.mul(g, 1 - a.beta1));
  const v = tf.add(tf.mul(slot.v, a.beta2), tf.mul(tf.square(g), 1 - a.beta2));
  const update = tf.div(tf.mul(m, a.stepSize), tf.add(tf.sqrt(tf.mul(v, a.secondCorrection)), a.epsilon));
  return [m, v, tf.sub(slot.variable, update)];
}

/** One update from gradients named by variable, at `lrFactor` times the learning rate (a schedule's); variables without a gradient are left alone. */
export function applyAdam(adam: Adam, grads: tf.NamedTensorMap, lrFactor = 1): void {
  const t = adam.iterations + 1;
  const stepSize = (adam.lr * lrFactor) / (1 - adam.beta1 ** t);
  const secondCorrection = 1 / (1 - adam.beta2 ** t);
  const attrs: FusedAdamAttrs = {
    beta1: adam.beta1,
    beta2: adam.beta2,
    stepSize,
    secondCorrection,
    epsilon: adam.epsilon,
  };
  // One pass over memory where the backend has ganstream's fused kernel (wasm), else op by op: same numbers.
  const fused = backendHas(FUSED_ADAM);
  tf.tidy(() => {
    for (const [name, g] of Object.entries(grads)) {
      const slot = adam.slots.get(name);
      if (!slot) throw new Error(`Adam: no variable named ${name}`);
      const [m, v, w] = fused
        ? (tf
            .engine()
            .runKernel(FUSED_ADAM, { g, m: slot.m, v: slot.v, w: slot.variable }, { ...attrs }) as tf.Tensor[])
        : opByOp(slot, g, attrs);
      slot.m.assign(m);
      slot.v.assign(v);
      slot.variable.assign(w);
    }
  });
  adam.iterations = t;
}

export function disposeAdam(adam: Adam): void {
  for (const s of adam.slots.values()) {
    s.m.dispose();
    s.v.dispose();
  }
}
