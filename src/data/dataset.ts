/**
 * A set of grey or colour images with optional labels. Pixels are kept as the bytes the files hold
 * (0-255, one byte a channel: MNIST's 60,000 training digits take 47 MB, not 188 as float32) and
 * scaled to [-1, 1], the range of the generator's tanh, only for the images a step or a check uses.
 */
export interface Dataset {
  readonly name: string;
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
  /** 1: grey levels; 3: red, green and blue of each pixel, side by side. */
  readonly channels: Channels;
  /** count * rows * cols * channels levels (0 dark, 255 bright), image after image, row after row, pixel after pixel. */
  readonly bytes: Uint8Array;
  /** count class labels, or null when the set has none. */
  readonly labels: Uint8Array | null;
  /** What each label means, when the data names its classes (an image folder's subfolders); else null. */
  readonly classes?: readonly string[] | null;
  /** For a folder of images: where they came from, as the run records it. */
  readonly source?: ImageSource;
}

export interface ImageSource {
  /** The folder or archive, as the user named it. */
  readonly path: string;
  /** A hash of the image files (image-folder.ts): the same files give the same hash. */
  readonly hash: string;
  /** Files that were passed over, each with why. */
  readonly skipped: readonly string[];
}

export type Channels = 1 | 3;

/** The values of one image: rows * cols, times 3 in colour. */
export const pixelsOf = (d: Pick<Dataset, 'rows' | 'cols'> & { readonly channels?: Channels }): number =>
  d.rows * d.cols * (d.channels ?? 1);

/** A grey level as the networks see it: 0 -> -1, 255 -> 1. */
export const scaled = (grey: number): number => grey / 127.5 - 1;

/** Image `index` of the dataset, scaled to [-1, 1], written into `out` at image position `at`. */
export function copyImage(d: Dataset, index: number, out: Float32Array, at: number): void {
  const p = pixelsOf(d);
  const from = index * p,
    to = at * p;
  for (let i = 0; i < p; i++) out[to + i] = scaled(d.bytes[from + i]);
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
    bytes: d.bytes.subarray(from * p, to * p),
    labels: d.labels ? d.labels.subarray(from, to) : null,
  };
}

/** The first n images of a dataset (n <= count): a view, no copy. */
export function limitDataset(d: Dataset, n: number): Dataset {
  return n >= d.count ? d : sliceDataset(d, 0, n);
}
