/**
 * A set of grey images with optional labels. Pixels are kept as the bytes the files hold (0-255,
 * one byte a pixel: MNIST's 60,000 training digits take 47 MB, not 188 as float32) and scaled to
 * [-1, 1], the range of the generator's tanh, only for the images a step or a check uses.
 */
export interface Dataset {
  readonly name: string;
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
  /** count * rows * cols grey levels (0 black, 255 white), image after image, row after row. */
  readonly grey: Uint8Array;
  /** count class labels, or null when the set has none. */
  readonly labels: Uint8Array | null;
}

export const pixelsOf = (d: Pick<Dataset, 'rows' | 'cols'>): number => d.rows * d.cols;

/** A grey level as the networks see it: 0 -> -1, 255 -> 1. */
export const scaled = (grey: number): number => grey / 127.5 - 1;

/** Image `index` of the dataset, scaled to [-1, 1], written into `out` at image position `at`. */
export function copyImage(d: Dataset, index: number, out: Float32Array, at: number): void {
  const p = pixelsOf(d);
  const from = index * p,
    to = at * p;
  for (let i = 0; i < p; i++) out[to + i] = scaled(d.grey[from + i]);
}

/** Images from..to of a dataset, scaled to [-1, 1]: a new array (use it for sets of a few thousand, not for training data). */
export function imagesOf(d: Dataset, from = 0, to = d.count): Float32Array {
  const out = new Float32Array((to - from) * pixelsOf(d));
  for (let i = from; i < to; i++) copyImage(d, i, out, i - from);
  return out;
}

/** Chosen images of a dataset, scaled to [-1, 1], in the order given. */
export function imagesAt(d: Dataset, indices: ArrayLike<number>): Float32Array {
  const out = new Float32Array(indices.length * pixelsOf(d));
  for (let i = 0; i < indices.length; i++) copyImage(d, indices[i], out, i);
  return out;
}

/** Images from..to of a dataset (0 <= from <= to <= count): a view, no copy. */
export function sliceDataset(d: Dataset, from: number, to: number): Dataset {
  const p = pixelsOf(d);
  return {
    ...d,
    count: to - from,
    grey: d.grey.subarray(from * p, to * p),
    labels: d.labels ? d.labels.subarray(from, to) : null,
  };
}

/** The first n images of a dataset (n <= count): a view, no copy. */
export function limitDataset(d: Dataset, n: number): Dataset {
  return n >= d.count ? d : sliceDataset(d, 0, n);
}
