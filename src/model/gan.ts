/** A GAN: the two networks of an architecture and an Adam optimizer for each. */
import * as tf from '@tensorflow/tfjs';
import { seeded, Streams } from '../data/random.ts';
import type { Architecture } from './architectures.ts';
import { buildNetwork, type Network } from './network.ts';

export interface Gan {
  readonly arch: Architecture;
  readonly pixels: number;
  readonly noiseDim: number;
  readonly generator: Network;
  readonly discriminator: Network;
  readonly gOptimizer: tf.Optimizer;
  readonly dOptimizer: tf.Optimizer;
}

export interface GanOptions {
  readonly pixels: number;
  readonly seed: number;
  readonly lr: number;
  readonly beta1: number;
  /** Defaults to the architecture's. */
  readonly noiseDim?: number;
}

export const ADAM_BETA2 = 0.999;
export const ADAM_EPSILON = 1e-8;

export function createGan(arch: Architecture, o: GanOptions): Gan {
  const rng = seeded(o.seed, Streams.init);
  const noiseDim = o.noiseDim ?? arch.noiseDim;
  return {
    arch,
    pixels: o.pixels,
    noiseDim,
    generator: buildNetwork('generator', arch.generator, noiseDim, o.pixels, rng),
    discriminator: buildNetwork('discriminator', arch.discriminator, o.pixels, o.pixels, rng),
    gOptimizer: tf.train.adam(o.lr, o.beta1, ADAM_BETA2, ADAM_EPSILON),
    dOptimizer: tf.train.adam(o.lr, o.beta1, ADAM_BETA2, ADAM_EPSILON),
  };
}

/** Frees every variable of the GAN, optimizer state included. */
export function disposeGan(gan: Gan): void {
  gan.gOptimizer.dispose();
  gan.dOptimizer.dispose();
  for (const net of [gan.generator, gan.discriminator]) {
    for (const l of net.layers) if (l.params) Object.values(l.params).forEach((v: tf.Variable) => v.dispose());
  }
}
