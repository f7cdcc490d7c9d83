/**
 * Walks through a generator's noise space: the points between two noise vectors, in a straight
 * line (linear) or along the great circle (spherical, "slerp": White 2016). A Gaussian noise
 * vector of 100 dimensions lies near the sphere of radius 10; the straight line's midpoint falls
 * well inside it (radius about 7), where G never drew during training, so its images can fade.
 * The spherical path keeps the radius. Plain TypeScript: the page and the scripts share it.
 */

export const PATHS = ['linear', 'spherical'] as const;
export type Path = (typeof PATHS)[number];

export function lerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
  return Float32Array.from(a, (x, i) => (1 - t) * x + t * b[i]);
}

/** The angle between a and b, in radians. */
export function angleBetween(a: Float32Array, b: Float32Array): number {
  let ab = 0,
    aa = 0,
    bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  if (aa === 0 || bb === 0) return 0;
  return Math.acos(Math.max(-1, Math.min(1, ab / Math.sqrt(aa * bb))));
}

/** Spherical interpolation; t = 0 and t = 1 give a and b exactly. Falls back to linear for (nearly) parallel vectors. */
export function slerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
  const omega = angleBetween(a, b);
  const sin = Math.sin(omega);
  if (sin < 1e-6) return lerp(a, b, t);
  const wa = Math.sin((1 - t) * omega) / sin;
  const wb = Math.sin(t * omega) / sin;
  return Float32Array.from(a, (x, i) => wa * x + wb * b[i]);
}

export const interpolate = (path: Path): ((a: Float32Array, b: Float32Array, t: number) => Float32Array) =>
  path === 'linear' ? lerp : slerp;

/** `steps` points from a to b (both included), evenly spaced in t. */
export function between(a: Float32Array, b: Float32Array, steps: number, path: Path): Float32Array[] {
  if (!Number.isInteger(steps) || steps < 2)
    throw new RangeError(`between: steps ${steps}, expected an integer of at least 2`);
  const f = interpolate(path);
  return Array.from({ length: steps }, (_, i) => f(a, b, i / (steps - 1)));
}

/**
 * An n x n square of points with the four corners at its corners (row-major: top-left, top-right,
 * bottom-left, bottom-right): each row walks between its ends on the left and right edges.
 */
export function square(
  corners: readonly [Float32Array, Float32Array, Float32Array, Float32Array],
  n: number,
  path: Path,
): Float32Array[] {
  const [tl, tr, bl, br] = corners;
  const left = between(tl, bl, n, path);
  const right = between(tr, br, n, path);
  return left.flatMap((l, row) => between(l, right[row], n, path));
}

/** The points as one [count * dim] array, the layout a generator's input takes. */
export function stacked(points: readonly Float32Array[]): Float32Array {
  const dim = points[0]?.length ?? 0;
  const out = new Float32Array(points.length * dim);
  points.forEach((p, i) => {
    out.set(p, i * dim);
  });
  return out;
}
