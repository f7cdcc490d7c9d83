/** A set of grey images, scaled to [-1, 1] (the range of the generator's tanh), with optional labels. */
export interface Dataset {
  readonly name: string;
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
  /** count * rows * cols values in [-1, 1], image after image, row after row. */
  readonly images: Float32Array;
  /** count class labels, or null when the set has none. */
  readonly labels: Uint8Array | null;
}

export const pixelsOf = (d: Pick<Dataset, 'rows' | 'cols'>): number => d.rows * d.cols;

/** Images from..to of a dataset (0 <= from <= to <= count): a view, no copy. */
export function sliceDataset(d: Dataset, from: number, to: number): Dataset {
  const p = pixelsOf(d);
  return {
    ...d,
    count: to - from,
    images: d.images.subarray(from * p, to * p),
    labels: d.labels ? d.labels.subarray(from, to) : null,
  };
}

/** The first n images of a dataset (n <= count): a view, no copy. */
export function limitDataset(d: Dataset, n: number): Dataset {
  return n >= d.count ? d : sliceDataset(d, 0, n);
}
