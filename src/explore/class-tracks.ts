/**
 * Which digit each fixed noise point showed at each milestone: the milestone grids are drawn from
 * the same noise points all run long, so a point whose class keeps changing is mode hopping, and
 * many points settling on one class is collapse. Plain TypeScript: the classifier is a function.
 */
import { scaled } from '../data/dataset.ts';

export interface MilestoneImages {
  /** The milestone's label (epoch 3, step 200). */
  readonly label: string;
  readonly step: number;
  /** count images of `pixels` grey levels each. */
  readonly grey: Uint8Array;
  readonly count: number;
}

export interface ClassTracks {
  readonly labels: readonly string[];
  readonly steps: readonly number[];
  /** classes[point][milestone]: the class the classifier saw; points: the fewest any milestone has. */
  readonly classes: readonly Uint8Array[];
  /** For each point, how many times its class changed from one milestone to the next. */
  readonly changes: readonly number[];
}

/** `classify` takes images in [-1, 1], [count * pixels], and gives each one's class. */
export function classTracks(
  milestones: readonly MilestoneImages[],
  classify: (images: Float32Array, count: number) => Uint8Array,
): ClassTracks {
  const points = milestones.length ? Math.min(...milestones.map((m) => m.count)) : 0;
  const byMilestone = milestones.map((m) => {
    const pixels = m.grey.length / m.count;
    const images = Float32Array.from(m.grey.subarray(0, points * pixels), scaled);
    return classify(images, points);
  });
  const classes = Array.from({ length: points }, (_, p) => Uint8Array.from(byMilestone, (c) => c[p]));
  const changes = classes.map((track) => track.reduce((n, c, i) => n + (i > 0 && c !== track[i - 1] ? 1 : 0), 0));
  return { labels: milestones.map((m) => m.label), steps: milestones.map((m) => m.step), classes, changes };
}

/** Points whose class changed at least once over the last `window` milestones: still hopping late in the run. */
export function stillHopping(t: ClassTracks, window = 3): number {
  const from = Math.max(0, t.labels.length - window);
  return t.classes.filter((track) => track.slice(from).some((c, i, a) => i > 0 && c !== a[i - 1])).length;
}
