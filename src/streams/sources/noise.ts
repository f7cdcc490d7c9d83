/**
 * The noise source: seeded standard normal noise, one pair of batches per training step (one for
 * the D step, one for the G step), without end.
 */
import { fromState, normals, type RandomState, Streams, seeded } from '../../data/random.ts';

export interface NoiseBatch {
  /** dSteps x batchSize x noiseDim values for the D steps. */
  readonly forD: Float32Array;
  /** batchSize x noiseDim values for the G step. */
  readonly forG: Float32Array;
  /** A conditional GAN's requested labels, drawn uniformly: one per D noise vector, one per G noise vector. */
  readonly labelsForD?: Uint8Array;
  readonly labelsForG?: Uint8Array;
  /** The generator's state after this pair: where the stream continues. */
  readonly after: RandomState;
}

export interface NoiseOptions {
  readonly batchSize: number;
  readonly noiseDim: number;
  readonly seed: number;
  /** D steps per G step (default 1): the D noise holds that many batches. */
  readonly dSteps?: number;
  /** Classes to draw labels from (a conditional GAN); 0 or absent: no labels. */
  readonly classes?: number;
}

/** From the seed, or continuing from a saved state. */
export function* noise(o: NoiseOptions, start?: RandomState): Generator<NoiseBatch> {
  const rng = start ? fromState(start) : seeded(o.seed, Streams.noise);
  const size = o.batchSize * o.noiseDim;
  const classes = o.classes ?? 0;
  const labels = (n: number) => Uint8Array.from({ length: n }, () => rng.int(classes));
  for (;;) {
    const forD = normals(rng, size * (o.dSteps ?? 1));
    const forG = normals(rng, size);
    if (classes === 0) {
      yield { forD, forG, after: rng.state() };
      continue;
    }
    const labelsForD = labels(o.batchSize * (o.dSteps ?? 1));
    const labelsForG = labels(o.batchSize);
    yield { forD, forG, labelsForD, labelsForG, after: rng.state() };
  }
}

/** The fixed noise of the milestone grids: the same latent points at every milestone. */
export const milestoneNoise = (seed: number, count: number, noiseDim: number): Float32Array =>
  normals(seeded(seed, Streams.milestoneNoise), count * noiseDim);
