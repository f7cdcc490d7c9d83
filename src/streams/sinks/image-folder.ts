/**
 * Images as a folder of PNG files, one an image, in one subfolder per class when they have
 * classes: the layout --dataset reads, so generated images can be trained on or compared with
 * another folder. Written beside the target and renamed into place at the end: a failed write
 * leaves nothing half-written.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { encodePng } from '../../render/png.ts';

export interface ImageLayout {
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
  readonly channels: number;
}

/** Image `n` of `levels` (grey or colour) as the RGBA a PNG holds. */
function rgbaOf(levels: Uint8Array, n: number, l: ImageLayout): Uint8Array {
  const pixels = l.rows * l.cols;
  const rgba = new Uint8Array(pixels * 4);
  for (let p = 0; p < pixels; p++) {
    const at = (n * pixels + p) * l.channels;
    const [r, g, b] =
      l.channels === 3 ? [levels[at], levels[at + 1], levels[at + 2]] : [levels[at], levels[at], levels[at]];
    rgba.set([r, g, b, 255], p * 4);
  }
  return rgba;
}

/** Writes `l.count` images to folder `dir` (new or empty): 0001.png ..., or <class>/0001.png with labels. */
export function writeImageFolder(dir: string, levels: Uint8Array, l: ImageLayout, labels: Uint8Array | null): void {
  const staging = join(dirname(dir), `.${dir.split(/[/\\]/).pop()}.partial-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  try {
    for (let n = 0; n < l.count; n++) {
      const folder = labels ? join(staging, String(labels[n])) : staging;
      mkdirSync(folder, { recursive: true });
      writeFileSync(
        join(folder, `${String(n + 1).padStart(4, '0')}.png`),
        encodePng(l.cols, l.rows, rgbaOf(levels, n, l)),
      );
    }
    rmSync(dir, { recursive: true, force: true }); // new or empty: checked before anything was drawn
    renameSync(staging, dir);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}
