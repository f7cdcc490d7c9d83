/**
 * What a layer kind is: every kind of layer ganstream's networks use is one value of this
 * interface, in one file of this folder, holding side by side how the layer is built, its
 * forward pass, its training pass (which keeps what the backward pass needs), its backward pass,
 * and the stock tfjs layer it is saved as. index.ts lists them all: the layer table.
 *
 * Networks are flat batches [n, width]: a layer that works on images reads each row as an image
 * [height, width, channels] in tfjs's NHWC order (`Shape.image`).
 */
import type * as tf from '@tensorflow/tfjs';
import type { FusedActivation } from './activations.ts';
import type { BatchNormParams, BatchNormSaved } from './batch-norm.ts';
import type { LinearParams, LinearSaved } from './dense.ts';
import type { DropoutSaved } from './dropout.ts';

/** [height, width, channels], stored row-major per sample as a flat vector of h*w*c. */
export type ImageShape = readonly [number, number, number];

/** What passes between two layers: values per sample, and the image they hold (null: a plain vector). */
export interface Shape {
  readonly width: number;
  readonly image: ImageShape | null;
}

/** The input of a layer that works on images. */
export interface ImageInput extends Shape {
  readonly image: ImageShape;
}

/**
 * Each kind's spec (as architectures.ts writes it), parameters and saved tensors. A new kind is a
 * file in this folder, a row here and a row in index.ts's LAYER_KINDS.
 */
export interface LayerTypes {
  dense: {
    spec: { readonly kind: 'dense'; readonly units: number | 'pixels' };
    input: Shape;
    params: LinearParams;
    saved: LinearSaved;
  };
  /** 'same' convolution with stride 1 and an odd kernel over the current image. */
  conv: {
    /** filters 'channels': as many as the data's images have (a generator's last convolution). */
    spec: { readonly kind: 'conv'; readonly filters: number | 'channels'; readonly kernel: number };
    input: ImageInput;
    params: LinearParams;
    saved: LinearSaved;
  };
  /** 'same' convolution with stride 2 and an odd kernel: half the height and width (rounded up). */
  stridedConv: {
    spec: { readonly kind: 'stridedConv'; readonly filters: number; readonly kernel: number };
    input: ImageInput;
    params: LinearParams;
    saved: LinearSaved;
  };
  leakyRelu: {
    spec: { readonly kind: 'leakyRelu'; readonly alpha: number };
    input: Shape;
    params: null;
    saved: tf.Tensor2D;
  };
  relu: { spec: { readonly kind: 'relu' }; input: Shape; params: null; saved: tf.Tensor2D };
  tanh: { spec: { readonly kind: 'tanh' }; input: Shape; params: null; saved: tf.Tensor2D };
  batchNorm: { spec: { readonly kind: 'batchNorm' }; input: Shape; params: BatchNormParams; saved: BatchNormSaved };
  dropout: {
    spec: { readonly kind: 'dropout'; readonly rate: number };
    input: Shape;
    params: null;
    saved: DropoutSaved;
  };
  /** From here on the flat width is an image ('image': the data's [side, side, 1]). */
  reshape: {
    spec: { readonly kind: 'reshape'; readonly shape: ImageShape | 'image' };
    input: Shape;
    params: null;
    saved: null;
  };
  /** Nearest-neighbour upsampling by 2 in height and width. */
  upsample: { spec: { readonly kind: 'upsample' }; input: ImageInput; params: null; saved: null };
  /** Mean of each 2x2 block: half the height and width. */
  avgPool: { spec: { readonly kind: 'avgPool' }; input: ImageInput; params: null; saved: null };
}

export type KindName = keyof LayerTypes;
export type SpecOf<K extends KindName> = LayerTypes[K]['spec'];
export type InputOf<K extends KindName> = LayerTypes[K]['input'];
export type ParamsOf<K extends KindName> = LayerTypes[K]['params'];
export type SavedOf<K extends KindName> = LayerTypes[K]['saved'];

/** One layer of the networks in architectures.ts. */
export type LayerSpec = SpecOf<KindName>;

/** A built layer of kind K: its spec, its variables (null for a kind without any) and the shapes it maps between. */
export interface LayerOf<K extends KindName> {
  readonly kind: K;
  readonly spec: SpecOf<K>;
  readonly params: ParamsOf<K>;
  /** The layer's place in its network (names its variables and seeds its dropout). */
  readonly index: number;
  readonly input: InputOf<K>;
  readonly output: Shape;
}

/** A built layer of any kind (narrow it by `kind`). */
export type Layer = { [K in KindName]: LayerOf<K> }[KindName];

/** What `build` gets besides the spec: the shape coming in, and the means to make variables and errors. */
export interface BuildTools {
  readonly input: Shape;
  /** The data's values per image (a generator's last dense layer has `units: 'pixels'`). */
  readonly pixels: number;
  /** The data's channels per pixel: 1 grey, 3 colour (a generator's last convolution has `filters: 'channels'`). */
  readonly channels: number;
  /** A variable named after the network, the layer and `param`, holding `init` (freed). */
  variable(init: tf.Tensor, param: string, trainable?: boolean): tf.Variable;
  /** Glorot-uniform values of `shape` from the network's random stream (Keras's default kernel initialiser). */
  glorot(shape: number[], fanIn: number, fanOut: number): tf.Tensor;
  /** The error for a spec that does not fit its input, naming the network and the layer. */
  fail(why: string): Error;
}

/** Batch statistics a BatchNorm layer saw in training mode, for its moving averages. */
export interface BatchMoments {
  readonly layer: number;
  readonly mean: tf.Tensor;
  readonly variance: tf.Tensor;
}

/** One pass through a network. */
export interface Pass {
  /** Training mode: dropout drops and BatchNorm uses the batch's statistics. */
  readonly training: boolean;
  /** Seeds this pass's dropout masks. */
  readonly dropoutSeed: number;
  /** Equal row blocks that BatchNorm normalises separately (training passes; 1 for `forward`). */
  readonly groups: number;
  /** When given, BatchNorm layers push their batch moments here (one per group, in order), kept out of tidy. */
  readonly moments?: BatchMoments[];
}

/** One layer's part of a pass. */
export interface At {
  readonly pass: Pass;
  /** The activation of the next layer, when this kind runs it inside its own kernel (`fusesActivation`). */
  readonly fuse: FusedActivation;
  /** This layer's activation was already applied by the layer before it. */
  readonly fused: boolean;
}

/** What a backward pass asks of one layer. */
export interface Wanted {
  /** Gradients of its trainable variables. */
  readonly params: boolean;
  /** The gradient at its input (false only for the lowest layer that has variables, when nobody needs it). */
  readonly input: boolean;
}

export interface LayerGradients {
  /** Each trainable variable with its gradient (empty unless asked for). */
  readonly params: readonly (readonly [tf.Variable, tf.Tensor])[];
  /** The gradient at the layer's input; null when not asked for. */
  readonly input: tf.Tensor2D | null;
}

export interface LayerKind<K extends KindName> {
  /** The input it accepts (`tools.input`, checked), its output shape and its variables; throws `tools.fail(...)` when the input does not fit. */
  build(
    spec: SpecOf<K>,
    tools: BuildTools,
  ): { readonly input: InputOf<K>; readonly output: Shape; readonly params: ParamsOf<K> };
  /** Its variables in the order a Keras/tfjs layer lists its weights (saving, checkpoints, averaging). */
  variables(params: ParamsOf<K>): tf.Variable[];
  /** True when the (leaky) ReLU after it runs inside its kernel (`At.fuse`). */
  readonly fusesActivation: boolean;
  /** The output on a batch (inference, or training without a backward pass). Call inside tf.tidy. */
  forward(layer: LayerOf<K>, x: tf.Tensor2D, at: At): tf.Tensor2D;
  /** The training output, with what `backward` needs. Call inside tf.tidy. */
  train(layer: LayerOf<K>, x: tf.Tensor2D, at: At): { readonly output: tf.Tensor2D; readonly saved: SavedOf<K> };
  /** Gradients from the gradient `dy` at its output (pre-activation when the activation was fused). Call inside tf.tidy. */
  backward(layer: LayerOf<K>, saved: SavedOf<K>, dy: tf.Tensor2D, wanted: Wanted): LayerGradients;
  /** Stock tfjs layers computing the same, for model.json; the last one holds the variables. */
  mirror(layer: LayerOf<K>): tf.layers.Layer[];
}

/** The value of a kind without variables. */
export const NO_GRADIENTS = (input: tf.Tensor2D): LayerGradients => ({ params: [], input });
