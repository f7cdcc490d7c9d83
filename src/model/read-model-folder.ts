/** A saved layers model read back from its folder: model.json and the weight files it names, in memory. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';

/** A layers-format model.json and the weight files it names, read into memory for tf.loadLayersModel(tf.io.fromMemory(...)). Throws on unreadable files. */
export function readModelArtifacts(jsonPath: string): tf.io.ModelArtifacts {
  const spec = JSON.parse(readFileSync(jsonPath, 'utf8'));
  const manifest = spec.weightsManifest as { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  const buffers = manifest.flatMap((group) => group.paths.map((p) => readFileSync(join(dirname(jsonPath), p))));
  const weightData = new Uint8Array(buffers.reduce((n, b) => n + b.length, 0));
  let o = 0;
  for (const b of buffers) {
    weightData.set(b, o);
    o += b.length;
  }
  return {
    modelTopology: spec.modelTopology,
    weightSpecs: manifest.flatMap((g) => g.weights),
    weightData: weightData.buffer,
  };
}
