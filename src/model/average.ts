/**
 * An exponential moving average of the generator's weights (Yazıcı et al. 2019, "The unusual
 * effectiveness of averaging in GAN training"): the averaged generator draws the milestone grids
 * and is the one saved, because single GAN iterates wobble and leave speckle noise.
 * decay_t = min(decay, (1 + t) / (10 + t)) so that early averages do not drag the start along.
 */
import * as tf from '@tensorflow/tfjs';
import { allVariables, variableOf, type Layer, type Network } from './network.ts';

export interface Average {
  readonly network: Network;
  readonly decay: number;
  /** Updates so far (t). */
  updates: number;
}

let cloned = 0;

/** A network with the same layers and new variables holding copies of the source's values. */
export function cloneNetwork(source: Network, name: string): Network {
  const id = `${name}${cloned++}`;
  const copy = (v: tf.Variable, path: string) => variableOf(v.clone(), v.trainable, `${id}/${path}`);
  const layers = source.layers.map((l, i): Layer => {
    if (!l.params) return l;
    const params = Object.fromEntries(Object.entries(l.params).map(([k, v]) => [k, copy(v as tf.Variable, `${i}/${k}`)]));
    return { ...l, params } as unknown as Layer;
  });
  return { name, inputSize: source.inputSize, layers };
}

export const createAverage = (source: Network, decay: number): Average => ({ network: cloneNetwork(source, `${source.name}-average`), decay, updates: 0 });

export const decayAt = (decay: number, t: number): number => Math.min(decay, (1 + t) / (10 + t));

/** Moves the average towards the source: trainable weights by the decay, BatchNorm statistics copied. */
export function updateAverage(avg: Average, source: Network): void {
  const d = decayAt(avg.decay, avg.updates);
  const targets = allVariables(avg.network);
  const values = allVariables(source);
  tf.tidy(() => {
    targets.forEach((a, i) => a.assign(a.trainable ? tf.add(tf.mul(a, d), tf.mul(values[i], 1 - d)) : values[i]));
  });
  avg.updates++;
}
