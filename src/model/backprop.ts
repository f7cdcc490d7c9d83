/**
 * The training pass of a network, written out by hand: a forward pass that keeps what its
 * backward pass needs, and the backward pass itself, each layer's part in its kind's file
 * (layers/). Same numbers as tfjs's automatic differentiation of `forward`
 * (tests/backprop.test.ts), but with the work a GAN step needs and no more: no tape, no copies of
 * saved tensors, no input gradient for a batch of data, no parameter gradients for the network
 * that is not being trained.
 *
 * `groups` splits the batch into equal row blocks that BatchNorm normalises separately: D sees
 * the real and the generated batch in one pass (bigger, faster matrix products) while each keeps
 * its own batch statistics, exactly as two separate passes would.
 *
 * Call both inside tf.tidy.
 */
import type * as tf from '@tensorflow/tfjs';
import { type BatchMoments, type KindName, kindOf, type LayerOf } from './layers/index.ts';
import type { Pass, SavedOf, Wanted } from './layers/kind.ts';
import { eachLayer, type Network } from './network.ts';

/** What one layer's training step kept, with the layer it belongs to. */
interface Kept<K extends KindName> {
  readonly layer: LayerOf<K>;
  readonly saved: SavedOf<K>;
}

export interface TrainingPass {
  readonly output: tf.Tensor2D;
  /** Per layer, in order: what its backward pass needs. */
  readonly kept: readonly Kept<KindName>[];
  readonly groups: number;
}

export interface TrainingPassOptions {
  /** Equal row blocks with their own BatchNorm statistics (default 1). */
  readonly groups?: number;
  /** Seed for this pass's dropout masks. */
  readonly dropoutSeed?: number;
  /** When given, BatchNorm layers push their batch moments here (one per group, in order), kept out of tidy. */
  readonly moments?: BatchMoments[];
}

/** Runs the network in training mode on [n, inputSize] and keeps what `backward` needs. */
export function forwardForTraining(net: Network, input: tf.Tensor2D, o: TrainingPassOptions = {}): TrainingPass {
  const groups = o.groups ?? 1;
  const [rows] = input.shape;
  if (rows % groups !== 0) throw new Error(`batch of ${rows} rows cannot be split into ${groups} equal groups`);
  const pass: Pass = { training: true, dropoutSeed: o.dropoutSeed ?? 0, groups, moments: o.moments };
  const kept: Kept<KindName>[] = [];
  let x = input;
  eachLayer(net, (layer, at) => {
    const step = kindOf(layer).train(layer, x, { pass, ...at });
    kept.push({ layer, saved: step.saved });
    x = step.output;
  });
  return { output: x, kept, groups };
}

export interface BackwardOptions {
  /** Gradients of the network's trainable variables (false: only pass the gradient on). */
  readonly params: boolean;
  /** The gradient with respect to the input batch. */
  readonly input: boolean;
}

export interface Gradients {
  /** By variable name, as tf.Optimizer.applyGradients takes them; empty unless asked for. */
  readonly params: tf.NamedTensorMap;
  readonly input: tf.Tensor2D | null;
}

const backwardOf = <K extends KindName>({ layer, saved }: Kept<K>, dy: tf.Tensor2D, wanted: Wanted) =>
  kindOf(layer).backward(layer, saved, dy, wanted);

/** Back-propagates dOutput (the loss gradient at the pass's output) through the pass. */
export function backward(net: Network, pass: TrainingPass, dOutput: tf.Tensor2D, o: BackwardOptions): Gradients {
  const params: tf.NamedTensorMap = {};
  let dy = dOutput;
  // Below the first layer with parameters the gradient is only needed when asked for.
  const lowest = o.input
    ? 0
    : Math.max(
        0,
        net.layers.findIndex((l) => l.params !== null),
      );
  for (let i = net.layers.length - 1; i >= lowest; i--) {
    const g = backwardOf(pass.kept[i], dy, { params: o.params, input: i !== lowest || o.input });
    for (const [variable, gradient] of g.params) params[variable.name] = gradient;
    if (g.input) dy = g.input;
  }
  return { params, input: o.input ? dy : null };
}
