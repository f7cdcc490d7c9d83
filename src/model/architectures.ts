/**
 * The networks ganstream can train, by name, as plain data. Shapes come from the reference
 * projects; `mlp-gbn` is the default because it learns (see README, "Why the default is not
 * reference 000").
 */

export type LayerSpec =
  | { readonly kind: 'dense'; readonly units: number | 'pixels' }
  | { readonly kind: 'leakyRelu'; readonly alpha: number }
  | { readonly kind: 'relu' }
  | { readonly kind: 'tanh' }
  | { readonly kind: 'batchNorm' }
  | { readonly kind: 'dropout'; readonly rate: number };

export interface Architecture {
  readonly name: string;
  readonly summary: string;
  readonly noiseDim: number;
  /** Learning rate the source project used (for mlp-gbn: chosen by measurement); --lr overrides it. */
  readonly lr: number;
  /** One-sided label smoothing by default (0 for the references, which do not smooth); --label-smoothing overrides it. */
  readonly labelSmoothing: number;
  /** Ends with a dense layer of `pixels` units and tanh: images in [-1, 1]. */
  readonly generator: readonly LayerSpec[];
  /** Ends with a dense layer of one unit: a logit (bce) or a score (lsgan). */
  readonly discriminator: readonly LayerSpec[];
}

const dense = (units: number | 'pixels'): LayerSpec => ({ kind: 'dense', units });
const leaky = (alpha: number): LayerSpec => ({ kind: 'leakyRelu', alpha });
const bn: LayerSpec = { kind: 'batchNorm' };
const relu: LayerSpec = { kind: 'relu' };
const dropout = (rate: number): LayerSpec => ({ kind: 'dropout', rate });
const tanhOut: readonly LayerSpec[] = [dense('pixels'), { kind: 'tanh' }];

/** Dense, then each of `after`, for every width. */
const blocks = (widths: number[], ...after: LayerSpec[]): LayerSpec[] => widths.flatMap((w) => [dense(w), ...after]);

/** Reference 000's generator: 100-256-512-1024-pixels, LeakyReLU 0.2 then BatchNorm. */
const generatorWithBatchNorm = [...blocks([256, 512, 1024], leaky(0.2), bn), ...tanhOut];

export const ARCHITECTURES: Readonly<Record<string, Architecture>> = {
  'mlp-gbn': {
    name: 'mlp-gbn',
    summary: "default: reference 000's BatchNorm generator with reference 004's dropout discriminator (no BatchNorm in D), lr 4e-4, label smoothing 0.1",
    noiseDim: 100,
    lr: 4e-4,
    labelSmoothing: 0.1,
    generator: generatorWithBatchNorm,
    discriminator: [...blocks([1024, 512, 256], leaky(0.2), dropout(0.3)), dense(1)],
  },
  'mlp-bn': {
    name: 'mlp-bn',
    summary: 'reference 000: LeakyReLU 0.2 and BatchNorm in both networks (D cannot learn: see README)',
    noiseDim: 100,
    lr: 2e-4,
    labelSmoothing: 0,
    generator: generatorWithBatchNorm,
    discriminator: [...blocks([1024, 512, 256], leaky(0.2), bn), dense(1)],
  },
  'mlp-dropout': {
    name: 'mlp-dropout',
    summary: "reference 001: reference 000's generator, D 512-256-128 with LeakyReLU 0.2, BatchNorm and Dropout 0.3",
    noiseDim: 100,
    lr: 2e-4,
    labelSmoothing: 0,
    generator: generatorWithBatchNorm,
    discriminator: [...blocks([512, 256, 128], leaky(0.2), bn, dropout(0.3)), dense(1)],
  },
  'mlp-small': {
    name: 'mlp-small',
    summary: 'reference 002: noise 96, G 1024-1024 ReLU, D 256-256 LeakyReLU 0.01, lr 1e-3',
    noiseDim: 96,
    lr: 1e-3,
    labelSmoothing: 0,
    generator: [...blocks([1024, 1024], relu), ...tanhOut],
    discriminator: [...blocks([256, 256], leaky(0.01)), dense(1)],
  },
  mlp: {
    name: 'mlp',
    summary: 'reference 004: no BatchNorm, G 256-512-1024 LeakyReLU 0.2, D 1024-512-256 with Dropout 0.3',
    noiseDim: 100,
    lr: 2e-4,
    labelSmoothing: 0,
    generator: [...blocks([256, 512, 1024], leaky(0.2)), ...tanhOut],
    discriminator: [...blocks([1024, 512, 256], leaky(0.2), dropout(0.3)), dense(1)],
  },
};

export const ARCHITECTURE_NAMES = Object.keys(ARCHITECTURES);
export const DEFAULT_ARCHITECTURE = 'mlp-gbn';
