/** A saved layers model's files, already in memory, as the artifacts tf.io.fromMemory loads. Imports nothing from node:. */
import type * as tf from '@tensorflow/tfjs';

/** A layers-format model.json (parsed) and its one weights file's bytes, for tf.loadLayersModel(tf.io.fromMemory(...)). */
export function artifactsOf(modelJson: unknown, weights: Uint8Array): tf.io.ModelArtifacts {
  const spec = modelJson as { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
  return {
    modelTopology: spec.modelTopology,
    weightSpecs: spec.weightsManifest.flatMap((g) => g.weights),
    weightData: weights.slice().buffer,
  };
}
