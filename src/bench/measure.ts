/** Times a training step: warm-up steps, then timed ones; tensor counts and memory around them. */
import * as tf from '@tensorflow/tfjs';

export interface Timing {
  readonly msPerStep: number;
  readonly samplesPerSec: number;
  readonly numTensorsBefore: number;
  readonly numTensorsAfter: number;
  readonly rssMB: number;
}

export function timeSteps(step: (i: number) => void, o: { steps: number; warmup: number; batchSize: number }): Timing {
  for (let i = 0; i < o.warmup; i++) step(i);
  const numTensorsBefore = tf.memory().numTensors;
  const t0 = performance.now();
  for (let i = 0; i < o.steps; i++) step(o.warmup + i);
  const ms = (performance.now() - t0) / o.steps;
  return {
    msPerStep: Math.round(ms * 100) / 100,
    samplesPerSec: Math.round((o.batchSize * 1000 * 10) / ms) / 10,
    numTensorsBefore,
    numTensorsAfter: tf.memory().numTensors,
    rssMB: Math.round(process.memoryUsage().rss / 1e6),
  };
}
