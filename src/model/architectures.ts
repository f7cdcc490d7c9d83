import type { Conditioning } from './condition.ts';
import type { ImageShape, LayerSpec } from './layers/index.ts';
import { CLASSES } from './names.ts';

export type { ImageShape, LayerSpec } from './layers/index.ts';

/**
 * The networks ganstream can train, by name, as plain data. Shapes come from the reference
 * projects; `mlp-gbn` is the default because it learns (see README, "Why the default is not
 * reference 000").
 */

export interface Architecture {
  readonly name: string;
  readonly summary: string;
  readonly noiseDim: number;
  /** Learning rate the source project used (for mlp-gbn: chosen by measurement); --lr overrides it. */
  readonly lr: number;
  /** One-sided label smoothing by default (0 for the references, which do not smooth); --label-smoothing overrides it. */
  readonly labelSmoothing: number;
  /** Ends with `pixels` units (a dense layer, or a one-filter convolution of the full-size image) and tanh: images in [-1, 1]. */
  readonly generator: readonly LayerSpec[];
  /** Ends with a dense layer of one unit: a logit (bce) or a score (lsgan); an auxiliary-classifier D, of 1 + CLASSES units. */
  readonly discriminator: readonly LayerSpec[];
  /** Conditioning on the class label (condition.ts); absent: none. */
  readonly conditional?: Exclude<Conditioning, 'none'>;
}

const dense = (units: number | 'pixels'): LayerSpec => ({ kind: 'dense', units });
const leaky = (alpha: number): LayerSpec => ({ kind: 'leakyRelu', alpha });
const bn: LayerSpec = { kind: 'batchNorm' };
const relu: LayerSpec = { kind: 'relu' };
const dropout = (rate: number): LayerSpec => ({ kind: 'dropout', rate });
const tanhOut: readonly LayerSpec[] = [dense('pixels'), { kind: 'tanh' }];
const conv = (filters: number | 'channels', kernel: number): LayerSpec => ({ kind: 'conv', filters, kernel });
const reshape = (shape: ImageShape | 'image'): LayerSpec => ({ kind: 'reshape', shape });
const upsample: LayerSpec = { kind: 'upsample' };
const avgPool: LayerSpec = { kind: 'avgPool' };

/** Dense, then each of `after`, for every width. */
const blocks = (widths: number[], ...after: LayerSpec[]): LayerSpec[] => widths.flatMap((w) => [dense(w), ...after]);

/**
 * A small DCGAN-style pair (Radford et al. 2015) for 28x28 images, `c` filters at 28x28: G
 * upsamples 7x7 -> 14x14 -> 28x28 with 3x3 convolutions, BatchNorm and ReLU; D mirrors it with
 * average pooling and LeakyReLU, then a dense layer of 512 (without it D was too weak to teach G:
 * it judged most real images fake). Stride-1 convolutions only: their gradients are
 * convolutions, which the wasm backend runs fast (layers/conv.ts).
 */
const dcgan = (c: number): Pick<Architecture, 'generator' | 'discriminator'> => ({
  generator: [
    dense(7 * 7 * 2 * c),
    bn,
    relu,
    reshape([7, 7, 2 * c]),
    upsample,
    conv(c, 3),
    bn,
    relu,
    upsample,
    conv('channels', 3),
    { kind: 'tanh' },
  ],
  discriminator: [
    reshape('image'),
    conv(c, 3),
    leaky(0.2),
    avgPool,
    conv(2 * c, 3),
    leaky(0.2),
    avgPool,
    dense(512),
    leaky(0.2),
    dense(1),
  ],
});

/**
 * DCGAN's discriminator as Radford et al. built it: stride-2 3x3 convolutions (`c` then 2c
 * filters) halve the image instead of pooling, then dense 512, LeakyReLU 0.2 throughout; with
 * dcgan's generator at 16 filters. Its convolutions run at the halved sizes: cheaper per image
 * than dcgan's stride-1 D at full size, and with OpenBLAS their gradients are computed directly.
 */
const dcganStrided = (c: number): Pick<Architecture, 'generator' | 'discriminator'> => ({
  generator: dcgan(16).generator,
  discriminator: [
    reshape('image'),
    { kind: 'stridedConv', filters: c, kernel: 3 },
    leaky(0.2),
    { kind: 'stridedConv', filters: 2 * c, kernel: 3 },
    leaky(0.2),
    dense(512),
    leaky(0.2),
    dense(1),
  ],
});

/** Reference 000's generator: 100-256-512-1024-pixels, LeakyReLU 0.2 then BatchNorm. */
const generatorWithBatchNorm = [...blocks([256, 512, 1024], leaky(0.2), bn), ...tanhOut];

/** The default's discriminator body: 1024-512-256 with LeakyReLU 0.2 and dropout 0.3, no BatchNorm. */
const dropoutBody = blocks([1024, 512, 256], leaky(0.2), dropout(0.3));

export const ARCHITECTURES: Readonly<Record<string, Architecture>> = {
  'mlp-gbn': {
    name: 'mlp-gbn',
    summary:
      "default: reference 000's BatchNorm generator with reference 004's dropout discriminator (no BatchNorm in D), lr 4e-4, label smoothing 0.1",
    noiseDim: 100,
    lr: 4e-4,
    labelSmoothing: 0.1,
    generator: generatorWithBatchNorm,
    discriminator: [...dropoutBody, dense(1)],
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
  dcgan: {
    name: 'dcgan',
    summary:
      'convolutional, 28x28 images only: G dense 7x7x32, upsample + 3x3 conv to 14x14x16, upsample + 3x3 conv to 28x28x1 (BatchNorm, ReLU); D 3x3 convs of 16 and 32 filters with average pooling, dense 512, LeakyReLU 0.2',
    noiseDim: 100,
    lr: 2e-4,
    labelSmoothing: 0.1,
    ...dcgan(16),
  },
  'dcgan-64': {
    name: 'dcgan-64',
    summary:
      'convolutional at the width DCGAN uses on MNIST, 28x28 images only: G dense 7x7x128, upsample + 3x3 conv to 14x14x64, upsample + 3x3 conv to 28x28x1 (BatchNorm, ReLU); D 3x3 convs of 64 and 128 filters with average pooling, dense 512, LeakyReLU 0.2',
    noiseDim: 100,
    lr: 2e-4,
    labelSmoothing: 0.1,
    ...dcgan(64),
  },
  'dcgan-strided': {
    name: 'dcgan-strided',
    summary:
      "convolutional, 28x28 images only: G as dcgan's; D stride-2 3x3 convs of 32 and 64 filters (28 to 14 to 7), dense 512, LeakyReLU 0.2",
    noiseDim: 100,
    lr: 2e-4,
    labelSmoothing: 0.1,
    ...dcganStrided(32),
  },
  cgan: {
    name: 'cgan',
    summary:
      "conditional (Mirza & Osindero 2014): mlp-gbn's networks with the label, one-hot, joined to G's noise and to D's image; lr 4e-4, label smoothing 0.1",
    noiseDim: 100,
    lr: 4e-4,
    labelSmoothing: 0.1,
    conditional: 'input',
    generator: generatorWithBatchNorm,
    discriminator: [...dropoutBody, dense(1)],
  },
  acgan: {
    name: 'acgan',
    summary: `conditional (AC-GAN, Odena et al. 2017): G as cgan's; D sees the image alone and also classifies it (${CLASSES} more outputs, cross-entropy added to both losses); lr 4e-4, label smoothing 0.1`,
    noiseDim: 100,
    lr: 4e-4,
    labelSmoothing: 0.1,
    conditional: 'auxiliary',
    generator: generatorWithBatchNorm,
    discriminator: [...dropoutBody, dense(1 + CLASSES)],
  },
};

export const ARCHITECTURE_NAMES = Object.keys(ARCHITECTURES);
export const DEFAULT_ARCHITECTURE = 'mlp-gbn';
