/** G's images from fixed noise as the fields of a grid event (milestones and snapshots share them). */
import type { Gan } from '../../model/gan.ts';
import { generate } from '../../model/steps.ts';
import { colourField, packPixels, toGreyLevels } from '../events.ts';

export interface GridSource {
  /** The fixed noise, and a conditional generator's label for each noise vector. */
  readonly noise: Float32Array;
  readonly labels?: Uint8Array;
  readonly rows: number;
  readonly cols: number;
}

/** The grid's fields after a step, and its levels (0-255) for whoever measures them. */
export function generatedGrid(gan: Gan, o: GridSource, at: { readonly epoch: number; readonly step: number }) {
  const levels = toGreyLevels(generate(gan, o.noise, { labels: o.labels }));
  const grid = {
    epoch: at.epoch,
    step: at.step,
    rows: o.rows,
    cols: o.cols,
    ...colourField(gan.channels),
    count: o.noise.length / gan.noiseDim,
    pixels: packPixels(levels),
  };
  return { grid, levels };
}
