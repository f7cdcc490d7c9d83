/**
 * The layer table: every kind of layer, by name. network.ts builds and runs networks through it,
 * backprop.ts trains them through it, persistence.ts saves them through it; none of them knows a
 * kind by name. To add a kind: a file here with its LayerKind, a row in kind.ts's LayerTypes, a
 * row below.
 */
import { leakyRelu, relu, tanh } from './activations.ts';
import { batchNorm } from './batch-norm.ts';
import { conv } from './conv.ts';
import { dense } from './dense.ts';
import { dropout } from './dropout.ts';
import type { KindName, LayerKind, LayerOf } from './kind.ts';
import { avgPool, upsample } from './resampling.ts';
import { reshape } from './reshape.ts';
import { stridedConv } from './strided-conv.ts';

export const LAYER_KINDS: { readonly [K in KindName]: LayerKind<K> } = {
  dense,
  conv,
  stridedConv,
  leakyRelu,
  relu,
  tanh,
  batchNorm,
  dropout,
  reshape,
  upsample,
  avgPool,
};

/** The kind of a built layer, typed to take that layer. */
export const kindOf = <K extends KindName>(layer: LayerOf<K>): LayerKind<K> => LAYER_KINDS[layer.kind];

export type { BatchMoments, ImageShape, KindName, Layer, LayerOf, LayerSpec, Shape } from './kind.ts';
