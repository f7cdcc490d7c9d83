/**
 * Saving in the standard TensorFlow.js layers format (model.json + weights.bin), so that stock
 * `tf.loadLayersModel` loads the generator in a browser or in Node. The functional network is
 * mirrored as a tf.layers Sequential model with the same weights; this module returns the two
 * files' contents and writes nothing (read-model-folder.ts reads them back from a folder). Imports
 * nothing from node:.
 */
import * as tf from '@tensorflow/tfjs';
import { CLASSES, type Conditioning } from './condition.ts';
import { drawingGenerator, type Gan } from './gan.ts';
import { type KindName, kindOf, type LayerOf } from './layers/index.ts';
import type { LossName } from './losses.ts';
import { networkPaths, WEIGHTS_FILE } from './names.ts';
import { layerVariables, type Network } from './network.ts';

export interface ModelFiles {
  /** model.json, as an object. */
  readonly modelJson: Record<string, unknown>;
  /** weights.bin. */
  readonly weights: Uint8Array;
}

/** Stock tfjs layers computing what `layer` computes (its kind's mirror). */
const mirrorLayer = <K extends KindName>(layer: LayerOf<K>): tf.layers.Layer[] => kindOf(layer).mirror(layer);

/** The network's layers as stock tfjs layers, in order; with `weights`, holding the network's values once built. */
export function addMirroredLayers(model: tf.Sequential, net: Network, weights: boolean): void {
  for (const layer of net.layers) {
    const mirrored = mirrorLayer(layer);
    mirrored.forEach((m) => {
      model.add(m);
    });
    // Per layer: a model lists all trainable weights before the non-trainable ones.
    if (weights && layer.params) mirrored.at(-1)!.setWeights(layerVariables(layer));
  }
}

/**
 * A conditional GAN's networks as two-input functional models: (noise [noiseDim], label [1]) for
 * the generator, (image, label) for a cGAN's discriminator. The label, a class number, goes
 * through a fixed identity embedding: the one-hot vector the networks were trained with.
 */
function mirrorConditional(
  net: Network,
  role: 'generator' | 'discriminator',
  conditioning: Conditioning,
  rows: number,
  cols: number,
  channels: number,
  loss: LossName,
): tf.LayersModel {
  const main =
    role === 'generator'
      ? tf.input({ shape: [net.inputSize - CLASSES], name: 'noise' })
      : tf.input({ shape: [rows, cols, channels], name: 'image' });
  const inputs = [main];
  let x: tf.SymbolicTensor = role === 'generator' ? main : (tf.layers.flatten().apply(main) as tf.SymbolicTensor);
  if (role === 'generator' || conditioning === 'input') {
    const label = tf.input({ shape: [1], name: 'label' });
    inputs.push(label);
    const embedding = tf.layers.embedding({
      inputDim: CLASSES,
      outputDim: CLASSES,
      trainable: false,
      name: 'label_one_hot',
    });
    const oneHot = tf.layers.flatten().apply(embedding.apply(label)) as tf.SymbolicTensor;
    embedding.setWeights([tf.eye(CLASSES)]);
    x = tf.layers.concatenate().apply([x, oneHot]) as tf.SymbolicTensor;
  }
  for (const layer of net.layers) {
    const mirrored = mirrorLayer(layer);
    for (const m of mirrored) x = m.apply(x) as tf.SymbolicTensor;
    if (layer.params) mirrored.at(-1)!.setWeights(layerVariables(layer));
  }
  // An AC-GAN's D keeps its raw outputs: the realness logit, then the class logits.
  if (role === 'generator')
    x = tf.layers.reshape({ targetShape: [rows, cols, channels] }).apply(x) as tf.SymbolicTensor;
  else if (conditioning === 'input' && loss === 'bce')
    x = tf.layers.activation({ activation: 'sigmoid' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs, outputs: x, name: role });
}

/**
 * The generator maps [n, noiseDim] to images [n, rows, cols, channels]; the discriminator maps images
 * [n, rows, cols, channels] to D's belief that they are real (sigmoid for bce, the raw score for lsgan).
 */
function mirror(
  net: Network,
  role: 'generator' | 'discriminator',
  rows: number,
  cols: number,
  channels: number,
  loss: LossName,
): tf.Sequential {
  const model = tf.sequential({ name: role });
  if (role === 'discriminator') model.add(tf.layers.flatten({ inputShape: [rows, cols, channels] }));
  else model.add(tf.layers.inputLayer({ inputShape: [net.inputSize] }));
  addMirroredLayers(model, net, true);
  if (role === 'generator') model.add(tf.layers.reshape({ targetShape: [rows, cols, channels] }));
  else if (loss === 'bce') model.add(tf.layers.activation({ activation: 'sigmoid' }));
  return model;
}

export async function modelFiles(
  gan: Gan,
  role: 'generator' | 'discriminator',
  rows: number,
  cols: number,
  loss: LossName,
): Promise<ModelFiles> {
  const net = role === 'generator' ? drawingGenerator(gan) : gan.discriminator;
  const model =
    gan.conditioning === 'none'
      ? mirror(net, role, rows, cols, gan.channels, loss)
      : mirrorConditional(net, role, gan.conditioning, rows, cols, gan.channels, loss);
  try {
    return await layersModelFiles(model);
  } finally {
    model.dispose();
  }
}

/** Any layers model as model.json + weights.bin, in memory. */
export async function layersModelFiles(model: tf.LayersModel): Promise<ModelFiles> {
  let files: ModelFiles | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      files = {
        modelJson: {
          format: 'layers-model',
          generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs} (ganstream)`,
          convertedBy: null,
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs }],
        },
        weights: new Uint8Array(artifacts.weightData as ArrayBuffer),
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return files!;
}

/** Both networks as a run folder holds them: generator/ and discriminator/, each model.json and weights.bin. */
export async function networkFiles(
  gan: Gan,
  rows: number,
  cols: number,
  loss: LossName,
): Promise<Record<string, Uint8Array>> {
  const files: Record<string, Uint8Array> = {};
  for (const role of ['generator', 'discriminator'] as const) {
    const saved = await modelFiles(gan, role, rows, cols, loss);
    // Weights before model.json: a folder written in this order with model.json holds its weights.
    const paths = networkPaths(role);
    files[paths.weights] = saved.weights;
    files[paths.json] = new TextEncoder().encode(JSON.stringify(saved.modelJson));
  }
  return files;
}
