/**
 * Images that are not digits (nor clothes), for outlier exposure (Hendrycks, Mazeika and Dietterich,
 * "Deep Anomaly Detection with Outlier Exposure", ICLR 2019): the evaluator's classifier is trained
 * to give them a uniform output, so that "recognisable" (one class at 90% or more) and the feature
 * space of precision and recall stop calling noise a digit. A softmax classifier trained on digits
 * alone is confident far from its data: uniform noise came out as "8" with 100% recognisable.
 *
 * Every kind is a pure function of a seeded random source: images [n * rows * cols] in [-1, 1].
 * Training draws them with one set of seeds, the tests with others.
 */
import { normals, type Random } from '../data/random.ts';
import { ARCHITECTURES } from '../model/architectures.ts';
import { createGan, disposeGan } from '../model/gan.ts';
import { generate } from '../model/steps.ts';

export const OUTLIER_KINDS = ['uniform', 'gaussian', 'blobs', 'smooth', 'shuffled', 'constant'] as const;
export type OutlierKind = (typeof OUTLIER_KINDS)[number];

const clip = (v: number) => (v < -1 ? -1 : Math.min(v, 1));

/** Each pixel uniform in [-1, 1]. */
function uniform(rng: Random, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = 2 * rng.uniform() - 1;
}

/** Each pixel normal around a level of the image's own (its mean and spread drawn per image), clipped. */
function gaussian(rng: Random, out: Float32Array): void {
  const mean = 2 * rng.uniform() - 1;
  const spread = 0.1 + rng.uniform();
  for (let i = 0; i < out.length; i++) out[i] = clip(mean + spread * rng.normal());
}

/** One to six round blobs of ink of random sizes on the background: smooth, but no strokes. */
function blobs(rng: Random, out: Float32Array, rows: number, cols: number): void {
  out.fill(0);
  const count = 1 + rng.int(6);
  for (let b = 0; b < count; b++) {
    const cy = rng.uniform() * rows,
      cx = rng.uniform() * cols;
    const sigma = 1 + rng.uniform() * 6;
    const ink = 0.5 + rng.uniform() * 2;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++)
        out[r * cols + c] += ink * Math.exp(-((r - cy) ** 2 + (c - cx) ** 2) / (2 * sigma * sigma));
    }
  }
  for (let i = 0; i < out.length; i++) out[i] = clip(2 * out[i] - 1);
}

/** Coarse noise (a 4x4 to 10x10 grid of random levels) stretched smoothly over the image: clouds. */
function smooth(rng: Random, out: Float32Array, rows: number, cols: number): void {
  const g = 4 + rng.int(7);
  const grid = Float32Array.from({ length: (g + 1) * (g + 1) }, () => 2 * rng.uniform() - 1);
  const contrast = 0.5 + rng.uniform() * 1.5;
  for (let r = 0; r < rows; r++) {
    const y = (r / (rows - 1)) * g,
      y0 = Math.min(g - 1, Math.floor(y)),
      fy = y - y0;
    for (let c = 0; c < cols; c++) {
      const x = (c / (cols - 1)) * g,
        x0 = Math.min(g - 1, Math.floor(x)),
        fx = x - x0;
      const at = (yy: number, xx: number) => grid[yy * (g + 1) + xx];
      const v =
        (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) +
        fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
      out[r * cols + c] = clip(contrast * v);
    }
  }
}

/** A real image's pixels in a random order: its ink, none of its shape. */
function shuffled(rng: Random, out: Float32Array, real: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = real[i];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
}

/** One level everywhere: a blank page (-1), a full one (1), or a grey in between. */
function constant(rng: Random, out: Float32Array): void {
  const pick = rng.uniform();
  out.fill(pick < 0.4 ? -1 : pick < 0.6 ? 1 : 2 * rng.uniform() - 1);
}

/**
 * `n` images of one kind. `real` (images [m * rows * cols] in [-1, 1]) is what 'shuffled' shuffles,
 * a random one for each image; the other kinds ignore it.
 */
export function outliers(
  kind: OutlierKind,
  rng: Random,
  n: number,
  rows: number,
  cols: number,
  real?: { images: Float32Array; count: number },
): Float32Array {
  const pixels = rows * cols;
  const out = new Float32Array(n * pixels);
  if (kind === 'shuffled' && (!real || real.count === 0))
    throw new Error('outliers: shuffled images need real images to shuffle');
  for (let k = 0; k < n; k++) {
    const image = out.subarray(k * pixels, (k + 1) * pixels);
    if (kind === 'uniform') uniform(rng, image);
    else if (kind === 'gaussian') gaussian(rng, image);
    else if (kind === 'blobs') blobs(rng, image, rows, cols);
    else if (kind === 'smooth') smooth(rng, image, rows, cols);
    else if (kind === 'constant') constant(rng, image);
    else {
      const i = rng.int(real!.count);
      shuffled(rng, image, real!.images.subarray(i * pixels, (i + 1) * pixels));
    }
  }
  return out;
}

/** `n` images of kinds taken in turn (the training mix). */
export function mixedOutliers(
  rng: Random,
  n: number,
  rows: number,
  cols: number,
  real: { images: Float32Array; count: number },
): Float32Array {
  const pixels = rows * cols;
  const out = new Float32Array(n * pixels);
  for (let k = 0; k < n; k++)
    out.set(outliers(OUTLIER_KINDS[k % OUTLIER_KINDS.length], rng, 1, rows, cols, real), k * pixels);
  return out;
}

/**
 * `n` images of one kind in `channels` (pixels side by side, as Dataset holds them). In colour,
 * each channel is an image of the kind of its own (colour blobs, colour clouds, a page of one
 * colour); shuffled images shuffle every value of a real colour image.
 */
export function outliersIn(
  channels: 1 | 3,
  kind: OutlierKind,
  rng: Random,
  n: number,
  rows: number,
  cols: number,
  real?: { images: Float32Array; count: number },
): Float32Array {
  if (channels === 1 || kind === 'shuffled') return outliers(kind, rng, n, rows, cols * channels, real);
  const pixels = rows * cols;
  const planes = outliers(kind, rng, n * channels, rows, cols);
  const out = new Float32Array(n * pixels * channels);
  for (let k = 0; k < n; k++)
    for (let ch = 0; ch < channels; ch++) {
      const plane = planes.subarray((k * channels + ch) * pixels, (k * channels + ch + 1) * pixels);
      for (let i = 0; i < pixels; i++) out[(k * pixels + i) * channels + ch] = plane[i];
    }
  return out;
}

/** Architectures whose untrained generators make the 'untrained G' outliers: what a run's first quality check sees. */
export const UNTRAINED_ARCHS = ['mlp-gbn', 'mlp-bn', 'mlp', 'mlp-small', 'mlp-dropout', 'dcgan', 'acgan'] as const;

/** `n` images of an untrained generator of `arch`, its weights drawn from `seed`, its noise from `rng` (28x28 grey, or `pixels` values for a fully connected arch). */
export function untrainedGeneratorImages(
  arch: (typeof UNTRAINED_ARCHS)[number],
  seed: number,
  rng: Random,
  n: number,
  pixels = 28 * 28,
): Float32Array {
  const gan = createGan(ARCHITECTURES[arch], { pixels, seed, lr: 2e-4, beta1: 0.5 });
  try {
    return generate(gan, normals(rng, n * gan.noiseDim));
  } finally {
    disposeGan(gan);
  }
}
