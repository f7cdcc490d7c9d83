/**
 * One Adam update of one variable in a single pass over its memory, instead of the thirteen
 * elementwise kernels (each reading and writing the whole array) that the same formula takes as
 * tfjs ops. Inputs: variable, m, v, gradient; outputs: the new variable, m and v.
 *   m' = b1 m + (1 - b1) g,  v' = b2 v + (1 - b2) g²,  p' = p - stepSize m' / (sqrt(secondCorrection v') + epsilon)
 * Arithmetic in float64, stored as float32: within float32 rounding of the op-by-op result
 * (tests/kernels.test.ts). Registered through tfjs's kernel registry for the wasm and cpu backends.
 */
import * as tf from '@tensorflow/tfjs';
import { floatMemory } from './memory.ts';

export const FUSED_ADAM = 'GanstreamAdam';

export interface AdamConstants {
  readonly beta1: number;
  readonly beta2: number;
  /** lr / (1 - beta1^t). */
  readonly stepSize: number;
  /** 1 / (1 - beta2^t). */
  readonly secondCorrection: number;
  readonly epsilon: number;
}

function adamLoop(p: Float32Array, m: Float32Array, v: Float32Array, g: Float32Array, out: Float32Array[], c: AdamConstants): void {
  const [pOut, mOut, vOut] = out;
  const { beta1, beta2, stepSize, secondCorrection, epsilon } = c;
  const a1 = 1 - beta1, a2 = 1 - beta2;
  for (let i = 0; i < p.length; i++) {
    const gi = g[i];
    const mi = beta1 * m[i] + a1 * gi;
    const vi = beta2 * v[i] + a2 * gi * gi;
    mOut[i] = mi;
    vOut[i] = vi;
    pOut[i] = p[i] - (stepSize * mi) / (Math.sqrt(vi * secondCorrection) + epsilon);
  }
}

/** Registers the kernel for `backendName` (wasm or cpu); the names registered. Idempotent. */
export function installFusedAdam(backendName: string): string[] {
  if (tf.getKernel(FUSED_ADAM, backendName) || (backendName !== 'wasm' && backendName !== 'cpu')) return [];
  tf.registerKernel({
    kernelName: FUSED_ADAM,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { variable, m, v, gradient } = inputs as Record<string, tf.TensorInfo>;
      for (const [name, t] of Object.entries({ m, v, gradient })) {
        if (t.shape.join() !== variable.shape.join()) throw new Error(`${FUSED_ADAM}: ${name} has shape [${t.shape}], expected the variable's [${variable.shape}]`);
      }
      const memory = floatMemory(backendName, backend)!;
      const shape = variable.shape;
      const { inputs: [p, mv, vv, g], outputs, outputViews } = memory.allocate([shape, shape, shape], [variable, m, v, gradient]);
      adamLoop(p, mv, vv, g, outputViews, attrs as unknown as AdamConstants);
      return outputs;
    },
  });
  return [FUSED_ADAM];
}

/** The update through the kernel when the current backend has it, else as tfjs ops (tensorflow backend). */
export function adamUpdate(p: tf.Tensor, m: tf.Tensor, v: tf.Tensor, g: tf.Tensor, c: AdamConstants): [tf.Tensor, tf.Tensor, tf.Tensor] {
  if (tf.getKernel(FUSED_ADAM, tf.getBackend())) {
    return tf.engine().runKernel(FUSED_ADAM, { variable: p, m, v, gradient: g }, c as unknown as tf.NamedAttrMap) as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
  }
  return adamUpdateAsOps(p, m, v, g, c);
}

/** The same update written with tfjs ops: the reference the kernel is tested against. */
export function adamUpdateAsOps(p: tf.Tensor, m: tf.Tensor, v: tf.Tensor, g: tf.Tensor, c: AdamConstants): [tf.Tensor, tf.Tensor, tf.Tensor] {
  return tf.tidy(() => {
    const m2 = tf.add(tf.mul(m, c.beta1), tf.mul(g, 1 - c.beta1));
    const v2 = tf.add(tf.mul(v, c.beta2), tf.mul(tf.square(g), 1 - c.beta2));
    const update = tf.div(tf.mul(m2, c.stepSize), tf.add(tf.sqrt(tf.mul(v2, c.secondCorrection)), c.epsilon));
    return [tf.sub(p, update), m2, v2];
  });
}
