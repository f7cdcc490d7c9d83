/**
 * The canvas sink: draws each milestone grid (epoch_<N>.png, 8 x 8) and, when the run ends, the
 * final 4 x 4 grid (final_results.png) with node-canvas-webgl's canvas.
 */
import { join } from 'node:path';
import type { Observable, Subscription } from 'rxjs';
import { drawGrid, gridSize, type GridLayout } from '../../render/grid.ts';
import { createNodeCanvas } from '../../render/node-canvas.ts';
import { unpackPixels, type Milestone, type TrainingEvent } from '../events.ts';
import { writeFileAtomic } from './atomic-write.ts';

export const milestoneFile = (epoch: number) => `epoch_${epoch}.png`;
export const FINAL_FILE = 'final_results.png';

/** A PNG of a grid of grey images. */
export function gridPng(grey: Uint8Array, layout: GridLayout): Uint8Array {
  const { width, height } = gridSize(layout);
  const canvas = createNodeCanvas(width, height);
  drawGrid(canvas.getContext('2d'), grey, layout);
  return canvas.toBuffer('image/png');
}

export function canvasSink(events$: Observable<TrainingEvent>, dir: string): Subscription {
  let last: Milestone | null = null;
  return events$.subscribe((e) => {
    if (e.type === 'milestone') {
      last = e;
      writeFileAtomic(join(dir, milestoneFile(e.epoch)), gridPng(unpackPixels(e), { count: e.count, rows: e.rows, cols: e.cols, gridCols: 8, scale: 2, pad: 2 }));
    }
    if (e.type === 'run-ended' && last) {
      const count = Math.min(16, last.count);
      const grey = unpackPixels(last).subarray(0, count * last.rows * last.cols);
      writeFileAtomic(join(dir, FINAL_FILE), gridPng(grey, { count, rows: last.rows, cols: last.cols, gridCols: 4, scale: 4, pad: 4 }));
    }
  });
}
