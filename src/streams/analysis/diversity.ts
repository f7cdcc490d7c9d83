/**
 * Pixel-space diversity of a set of images: the mean distance between every pair, as a root mean
 * square difference of grey levels in [0, 1]. Identical images give 0; a generator that has
 * collapsed onto a few outputs gives far less than real digits do.
 */
export function pairwiseDiversity(grey: Uint8Array, count: number): number {
  const per = grey.length / count;
  let total = 0,
    pairs = 0;
  for (let i = 0; i < count; i++) {
    for (let j = i + 1; j < count; j++) {
      let sq = 0;
      for (let p = 0; p < per; p++) {
        const d = grey[i * per + p] - grey[j * per + p];
        sq += d * d;
      }
      total += Math.sqrt(sq / per) / 255;
      pairs++;
    }
  }
  return pairs ? total / pairs : 0;
}
