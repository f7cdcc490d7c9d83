/**
 * The noise source: seeded standard normal noise, one pair of batches per training step (one for
 * the D step, one for the G step), without end.
 */
import type { Observable } from 'rxjs';
import { normals, seeded, Streams } from '../../data/random.ts';
import { paced } from './paced.ts';

export interface NoiseBatch {
  /** batchSize x noiseDim values for the D step. */
  readonly forD: Float32Array;
  /** batchSize x noiseDim values for the G step. */
  readonly forG: Float32Array;
}

export interface NoiseOptions {
  readonly batchSize: number;
  readonly noiseDim: number;
  readonly seed: number;
}

export function* noise(o: NoiseOptions): Generator<NoiseBatch> {
  const rng = seeded(o.seed, Streams.noise);
  const size = o.batchSize * o.noiseDim;
  for (;;) yield { forD: normals(rng, size), forG: normals(rng, size) };
}

/** The fixed noise of the milestone grids: the same latent points at every milestone. */
export const milestoneNoise = (seed: number, count: number, noiseDim: number): Float32Array =>
  normals(seeded(seed, Streams.milestoneNoise), count * noiseDim);

export const noise$ = (o: NoiseOptions): Observable<NoiseBatch> => paced(noise(o));
