/** A GAN: the two networks of an architecture, an Adam optimizer for each, and optionally the generator's weight average. */

import type * as tf from '@tensorflow/tfjs';
import { Streams, seeded } from '../data/random.ts';
import { type Adam, createAdam, disposeAdam } from './adam.ts';
import type { Architecture } from './architectures.ts';
import { type Average, calibrate, createAverage } from './average.ts';
import { CLASSES, type Conditioning } from './condition.ts';
import { ADAM_BETA2, ADAM_EPSILON } from './names.ts';
import { buildNetwork, type Network, outputWidth, trainableVariables } from './network.ts';

export interface Gan {
  readonly arch: Architecture;
  /** How the networks take the class label (condition.ts); 'none' for an unconditional GAN. */
  readonly conditioning: Conditioning;
  /** Values per image: rows * cols * channels. */
  readonly pixels: number;
  /** 1 grey, 3 colour. */
  readonly channels: number;
  readonly noiseDim: number;
  readonly generator: Network;
  readonly discriminator: Network;
  readonly gOptimizer: Adam;
  readonly dOptimizer: Adam;
  /** The generator's weight average, when --ema is on: it draws the milestones and is saved. */
  readonly generatorAverage: Average | null;
}

export interface GanOptions {
  /** Values per image: rows * cols * channels. */
  readonly pixels: number;
  /** 1 grey (absent or null), 3 colour. */
  readonly channels?: number | null;
  readonly seed: number;
  readonly lr: number;
  /** D's and G's own learning rates (absent: lr). */
  readonly lrD?: number;
  readonly lrG?: number;
  readonly beta1: number;
  /** Adam's beta2 (absent: ADAM_BETA2). */
  readonly beta2?: number;
  /** Defaults to the architecture's. */
  readonly noiseDim?: number;
  /** Decay of the generator's weight average; 0 (default) keeps none. */
  readonly ema?: number;
}

export { ADAM_BETA2, ADAM_EPSILON };

/** Throws, with a one-line message naming the architecture, when its networks do not fit images of `pixels`. */
export function createGan(arch: Architecture, o: GanOptions): Gan {
  const rng = seeded(o.seed, Streams.init);
  const noiseDim = o.noiseDim ?? arch.noiseDim;
  const build = (role: string, specs: Architecture['generator'], inputSize: number): Network => {
    try {
      return buildNetwork(role, specs, inputSize, o.pixels, rng, o.channels ?? 1);
    } catch (e) {
      throw new Error(`--arch ${arch.name}: ${(e as Error).message}`);
    }
  };
  const conditioning = arch.conditional ?? 'none';
  const generator = build('generator', arch.generator, noiseDim + (conditioning === 'none' ? 0 : CLASSES));
  const discriminator = build('discriminator', arch.discriminator, o.pixels + (conditioning === 'input' ? CLASSES : 0));
  if (outputWidth(generator) !== o.pixels) {
    throw new Error(
      `--arch ${arch.name}: its generator draws ${outputWidth(generator)} pixels per image, the data has ${o.pixels}: expected images of ${outputWidth(generator)} pixels, or an mlp architecture`,
    );
  }
  const adam = (lr: number) => ({ lr, beta1: o.beta1, beta2: o.beta2 ?? ADAM_BETA2, epsilon: ADAM_EPSILON });
  return {
    arch,
    conditioning,
    pixels: o.pixels,
    channels: o.channels ?? 1,
    noiseDim,
    generator,
    discriminator,
    gOptimizer: createAdam(trainableVariables(generator), adam(o.lrG ?? o.lr)),
    dOptimizer: createAdam(trainableVariables(discriminator), adam(o.lrD ?? o.lr)),
    generatorAverage: o.ema ? createAverage(generator, o.ema, conditioning === 'none' ? 0 : CLASSES) : null,
  };
}

/** Frees every variable of the GAN, optimizer state included. */
export function disposeGan(gan: Gan): void {
  disposeAdam(gan.gOptimizer);
  disposeAdam(gan.dOptimizer);
  const nets = [gan.generator, gan.discriminator, ...(gan.generatorAverage ? [gan.generatorAverage.network] : [])];
  for (const net of nets) {
    for (const l of net.layers)
      if (l.params)
        Object.values(l.params).forEach((v: tf.Variable) => {
          v.dispose();
        });
  }
}

/** The generator that draws and is saved: the weight average when there is one, its BatchNorm statistics measured for its own weights. */
export function drawingGenerator(gan: Gan): Network {
  if (!gan.generatorAverage) return gan.generator;
  calibrate(gan.generatorAverage);
  return gan.generatorAverage.network;
}
