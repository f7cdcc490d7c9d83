/**
 * Images to evaluate, from files: an IDX images file (any GAN can write one), or a PNG grid of
 * 28x28 cells separated by uniform padding lines (ganstream's epoch_<N>.png and final grids).
 * Images come back in [-1, 1], image after image.
 */

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as E from 'fp-ts/lib/Either.js';
import { imagesOf, scaled } from '../data/dataset.ts';
import { loadIdxDataset } from '../data/load.ts';

export interface Samples {
  readonly images: Float32Array;
  readonly count: number;
  /** The classes the images were drawn as (a conditional generator's, from the labels file beside an IDX file). */
  readonly labels?: Uint8Array;
}

export async function readSamples(path: string): Promise<E.Either<string, Samples>> {
  if (!existsSync(path)) return E.left(`--samples: no such file: ${path} (expected an IDX images file or a PNG grid)`);
  if (/\.png$/i.test(path)) return readPngGrid(path);
  const d = loadIdxDataset(path);
  if (E.isLeft(d)) return E.left(`--samples: ${d.left}`);
  if (d.right.rows !== 28 || d.right.cols !== 28)
    return E.left(`--samples: ${path} holds images of ${d.right.rows}x${d.right.cols}, expected 28x28`);
  return E.right({
    images: imagesOf(d.right),
    count: d.right.count,
    ...(d.right.labels ? { labels: d.right.labels } : {}),
  });
}

/** Runs of indices whose line is entirely the padding value. */
function contentRuns(isPad: (i: number) => boolean, length: number): [number, number][] {
  const runs: [number, number][] = [];
  let start = -1;
  for (let i = 0; i <= length; i++) {
    const pad = i === length || isPad(i);
    if (!pad && start < 0) start = i;
    if (pad && start >= 0) {
      runs.push([start, i]);
      start = -1;
    }
  }
  return runs;
}

/** Cells of a grey grid: the padding is the top-left pixel's value, cells are the blocks between full padding lines. */
export function cellsOfGrid(grey: Uint8Array, width: number, height: number): E.Either<string, Samples> {
  const pad = grey[0];
  const rowIsPad = (y: number) => {
    for (let x = 0; x < width; x++) if (grey[y * width + x] !== pad) return false;
    return true;
  };
  const colIsPad = (x: number) => {
    for (let y = 0; y < height; y++) if (grey[y * width + x] !== pad) return false;
    return true;
  };
  const rows = contentRuns(rowIsPad, height),
    cols = contentRuns(colIsPad, width);
  const sizes = new Set([...rows, ...cols].map(([a, b]) => b - a));
  const size = [...sizes][0];
  if (rows.length === 0 || sizes.size !== 1 || size % 28 !== 0) {
    return E.left(
      `cells of ${[...sizes].join(', ') || 'no'} pixels between padding lines, expected square cells of 28 pixels times a whole scale`,
    );
  }
  const scale = size / 28;
  const count = rows.length * cols.length;
  const images = new Float32Array(count * 784);
  let n = 0;
  for (const [y0] of rows)
    for (const [x0] of cols) {
      for (let r = 0; r < 28; r++)
        for (let c = 0; c < 28; c++) {
          images[n * 784 + r * 28 + c] = scaled(grey[(y0 + r * scale) * width + x0 + c * scale]);
        }
      n++;
    }
  return E.right({ images, count });
}

async function readPngGrid(path: string): Promise<E.Either<string, Samples>> {
  let canvas: {
    loadImage(b: Buffer): Promise<{ width: number; height: number }>;
    createCanvas(w: number, h: number): { getContext(t: '2d'): CanvasRenderingContext2D };
  };
  try {
    canvas = createRequire(import.meta.url)('canvas');
  } catch (e) {
    return E.left(
      `--samples: reading PNG needs node-canvas, which did not load (${(e as Error).message.split('\n')[0]}); give an IDX file instead`,
    );
  }
  let img: { width: number; height: number };
  try {
    img = await canvas.loadImage(readFileSync(path));
  } catch (e) {
    return E.left(`--samples: ${path} is not a readable PNG (${(e as Error).message})`);
  }
  const ctx = canvas.createCanvas(img.width, img.height).getContext('2d');
  ctx.drawImage(img as unknown as CanvasImageSource, 0, 0);
  const rgba = ctx.getImageData(0, 0, img.width, img.height).data;
  const grey = new Uint8Array(img.width * img.height);
  for (let i = 0; i < grey.length; i++) grey[i] = Math.round((rgba[i * 4] + rgba[i * 4 + 1] + rgba[i * 4 + 2]) / 3);
  return E.mapLeft((why: string) => `--samples: ${path}: ${why}`)(cellsOfGrid(grey, img.width, img.height));
}
