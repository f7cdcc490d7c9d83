/**
 * Is the generator copying its training images? Compare how far its images lie from the nearest
 * training image with how far real images it never saw (held out) lie from it. A generator that
 * learned the distribution makes images as new as unseen real ones: its distances look like the
 * held-out ones. A generator that memorised sits far below: many distances near zero. Plain
 * TypeScript over distances (neighbours.ts measures them).
 */

/** Generated and held-out images a novelty figure compares, by default (a few seconds against 60,000 training images). */
export const NOVELTY_SAMPLES = 1000;

export interface Novelty {
  /** Median distance to the nearest training image. */
  readonly generatedMedian: number;
  readonly heldOutMedian: number;
  /** generatedMedian / heldOutMedian: about 1 or above for new images, near 0 for copies. */
  readonly ratio: number;
  /**
   * Share of generated images closer to a training image than 95% of held-out real images are
   * (below the held-out 5th percentile): 5% expected of a generator as novel as real unseen
   * digits; a copier scores near 100%.
   */
  readonly closeShare: number;
  /** The held-out 5th percentile distance. */
  readonly closeDistance: number;
  readonly generatedCount: number;
  readonly heldOutCount: number;
  /** What the real side measured, when not held-out real images: a folder's training images, each to its nearest other. */
  readonly against?: string;
}

/** The q-quantile (0-1) of values, linearly interpolated. */
export function quantile(values: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return NaN;
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (at - lo) * (sorted[hi] - sorted[lo]);
}

export function novelty(generated: ArrayLike<number>, heldOut: ArrayLike<number>): Novelty {
  const generatedMedian = quantile(generated, 0.5);
  const heldOutMedian = quantile(heldOut, 0.5);
  const closeDistance = quantile(heldOut, 0.05);
  let close = 0;
  for (let i = 0; i < generated.length; i++) if (generated[i] < closeDistance) close++;
  return {
    generatedMedian,
    heldOutMedian,
    ratio: generatedMedian / heldOutMedian,
    closeShare: generated.length ? close / generated.length : NaN,
    closeDistance,
    generatedCount: generated.length,
    heldOutCount: heldOut.length,
  };
}

/** Counts of values in `bins` equal bins over [lo, hi] (values outside clamp to the end bins). */
export function histogram(values: ArrayLike<number>, bins: number, lo: number, hi: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  const width = (hi - lo) / bins || 1;
  for (let i = 0; i < values.length; i++)
    counts[Math.max(0, Math.min(bins - 1, Math.floor((values[i] - lo) / width)))]++;
  return counts;
}

/** One line: the figure a report prints. */
export const formatNovelty = (n: Novelty): string =>
  `novelty: generated images' median distance to the nearest training image ${n.generatedMedian.toFixed(2)}, ${n.against ? `${n.against}: ` : "held-out real images' "}${n.heldOutMedian.toFixed(2)} (ratio ${n.ratio.toFixed(2)}; a copier's is near 0); ` +
  `${(100 * n.closeShare).toFixed(1)}% of generated images are closer than 95% of ${n.against ? 'those' : 'held-out ones'} (about 5% expected, a copier's near 100%)`;
