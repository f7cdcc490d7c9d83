/**
 * The canvas sink, drawing on the canvas render/node-canvas.ts picks (node-canvas-webgl or @napi-rs/canvas):
 * - step_<N>.png, epoch_<N>.png: each milestone grid (8 x 8), and final_results.png (4 x 4) when the run ends;
 * - progress.png: every milestone grid so far, side by side, labelled with its step or epoch;
 * - real_vs_fake.png: real images beside generated ones with D's score under each;
 * - training_history.png: loss and accuracy curves, redrawn at every epoch end and at the end.
 * - quality_history.png: FID, recognisable share and class coverage at each quality check.
 * The pictures with text need a real canvas; under the raster fallback only the grids are drawn.
 */
import { join } from 'node:path';
import type { Observable, Subscription } from 'rxjs';
import { drawGrid, eightAcross, type GridLayout, gridSize, imagesIn, scaleLike28 } from '../../render/grid.ts';
import {
  drawComparison,
  drawHistory,
  drawQualityHistory,
  type QualityPoint,
  type RunCurves,
  warningMark,
} from '../../render/history-plot.ts';
import {
  drawNamedRows,
  drawProgress,
  drawScoredRows,
  namedRowsSize,
  progressSize,
  type ScoredRow,
  scoredRowsSize,
} from '../../render/labelled-grids.ts';
import { canvasKind, createNodeCanvas, type NodeCanvas } from '../../render/node-canvas.ts';
import { History } from '../analysis/history.ts';
import { milestoneEpochs } from '../config.ts';
import {
  type Comparison,
  channelsOf,
  type Milestone,
  milestoneFile,
  milestoneLabel,
  type QualityChecked,
  type RunStarted,
  type TrainingEvent,
  unpackPixels,
  type Warning,
} from '../events.ts';
import { writeFileAtomic } from './atomic-write.ts';

export const FINAL_FILE = 'final_results.png';
export const HISTORY_FILE = 'training_history.png';
export const PROGRESS_FILE = 'progress.png';
export const COMPARISON_FILE = 'real_vs_fake.png';
export const HISTORY_SIZE = { width: 960, height: 640 } as const;
export const QUALITY_FILE = 'quality_history.png';

/** Draws on a new canvas of the given size and returns the PNG. */
export function renderPng(
  width: number,
  height: number,
  draw: (ctx: CanvasRenderingContext2D, canvas: NodeCanvas) => void,
): Uint8Array {
  const canvas = createNodeCanvas(width, height);
  draw(canvas.getContext('2d'), canvas);
  return canvas.toBuffer('image/png');
}

export const gridPng = (grey: Uint8Array, layout: GridLayout): Uint8Array => {
  const { width, height } = gridSize(layout);
  return renderPng(width, height, (ctx) => drawGrid(ctx, grey, layout));
};

/** Text and lines need a real canvas (node-canvas-webgl or @napi-rs/canvas); the raster fallback draws image grids only. */
const canWrite = () => canvasKind().name !== 'raster';

export function historyPng(history: History, run: RunStarted, warnings: readonly Warning[] = []): Uint8Array {
  return renderPng(HISTORY_SIZE.width, HISTORY_SIZE.height, (ctx) =>
    drawHistory(ctx, history.points(), {
      ...HISTORY_SIZE,
      stepsPerEpoch: run.stepsPerEpoch,
      marks: warnings.map((w) => warningMark(w, run.stepsPerEpoch)),
      milestones: milestoneEpochs(run.config.milestones, run.config.epochs),
      title: `${run.config.arch} on ${run.dataset.name}: D and G losses, D accuracy`,
    }),
  );
}

export function qualityPng(
  points: readonly QualityPoint[],
  run: RunStarted,
  check: Pick<QualityChecked, 'classifier' | 'samples'>,
): Uint8Array {
  return renderPng(HISTORY_SIZE.width, HISTORY_SIZE.height, (ctx) =>
    drawQualityHistory(ctx, points, {
      ...HISTORY_SIZE,
      title: `${run.config.arch} on ${run.dataset.name}: sample quality by the ${check.classifier} classifier (${check.samples} samples)`,
    }),
  );
}

/** comparison.png of replay --compare: several runs' curves in one picture. */
export function runsComparisonPng(runs: readonly RunCurves[]): Uint8Array {
  return renderPng(HISTORY_SIZE.width, HISTORY_SIZE.height, (ctx) =>
    drawComparison(ctx, runs, {
      ...HISTORY_SIZE,
      title: `${runs.map((r) => r.name).join(' vs ')}: D loss (solid), G loss (dashed), D accuracy`,
    }),
  );
}

/** A milestone's grid, 8 images a row; a conditional run's rows named by class (where text can be drawn). */
export function milestonePng(m: Milestone): Uint8Array {
  const layout = eightAcross({ count: m.count, rows: m.rows, cols: m.cols, channels: channelsOf(m) }, 2, 2);
  if (!m.rowLabels || !canWrite()) return gridPng(unpackPixels(m), layout);
  const { width, height } = namedRowsSize(layout, m.rowLabels);
  return renderPng(width, height, (ctx) => drawNamedRows(ctx, unpackPixels(m), m.rowLabels!, layout));
}

export function progressPng(milestones: readonly Milestone[]): Uint8Array {
  const m = milestones[0];
  const layout = eightAcross({ count: m.count, rows: m.rows, cols: m.cols, channels: channelsOf(m) }, 1, 1);
  const { width, height } = progressSize(milestones.length, layout);
  return renderPng(width, height, (ctx) =>
    drawProgress(
      ctx,
      milestones.map((x) => ({ grey: unpackPixels(x), label: milestoneLabel(x) })),
      layout,
    ),
  );
}

/** Titled rows of images with a caption under each (scores, distances); without a text-capable canvas, the images alone. */
export function scoredRowsPng(
  title: string,
  rows: readonly ScoredRow[],
  layout: Omit<GridLayout, 'count' | 'gridCols'>,
): Uint8Array {
  const count = rows[0] ? imagesIn(rows[0].grey, layout) : 0;
  if (!canWrite())
    return gridPng(Uint8Array.from(rows.flatMap((r) => Array.from(r.grey))), {
      ...layout,
      count: count * rows.length,
      gridCols: count,
    });
  const { width, height } = scoredRowsSize(count, rows.length, layout);
  return renderPng(width, height, (ctx) => drawScoredRows(ctx, title, rows, layout));
}

export function comparisonPng(c: Comparison): Uint8Array {
  const layout = { rows: c.rows, cols: c.cols, channels: channelsOf(c), scale: scaleLike28(3, c.rows, c.cols), pad: 6 };
  const { width, height } = scoredRowsSize(c.count, 2, layout);
  return renderPng(width, height, (ctx) =>
    drawScoredRows(
      ctx,
      `Real or fake? D's belief that each image is real, after epoch ${c.epoch}`,
      [
        { title: 'real', grey: unpackPixels({ pixels: c.real }), scores: c.realScores },
        { title: 'generated', grey: unpackPixels({ pixels: c.fake }), scores: c.fakeScores },
      ],
      layout,
    ),
  );
}

export function canvasSink(events$: Observable<TrainingEvent>, dir: string): Subscription {
  const milestones: Milestone[] = [];
  const history = new History();
  const quality: QualityPoint[] = [];
  const warnings: Warning[] = [];
  let run: RunStarted | null = null;
  const write = (file: string, png: () => Uint8Array) => writeFileAtomic(join(dir, file), png());
  return events$.subscribe((e) => {
    switch (e.type) {
      case 'run-started':
        run = e;
        break;
      case 'step':
        history.add(e);
        break;
      case 'rolled-back':
        history.rollBack(e.step);
        break;
      case 'quality':
        quality.push({
          epoch: e.epoch,
          fid: e.fid,
          recognisable: e.recognisable,
          covered: e.covered,
          classes: e.histogram.length,
          ...(e.intended !== undefined ? { intended: e.intended } : {}),
        });
        if (run && canWrite()) write(QUALITY_FILE, () => qualityPng(quality, run!, e));
        break;
      case 'epoch':
        if (run && canWrite()) write(HISTORY_FILE, () => historyPng(history, run!, warnings));
        break;
      case 'milestone':
        milestones.push(e);
        write(milestoneFile(e), () => milestonePng(e));
        if (canWrite()) write(PROGRESS_FILE, () => progressPng(milestones));
        break;
      case 'comparison':
        if (canWrite()) write(COMPARISON_FILE, () => comparisonPng(e));
        break;
      case 'run-ended': {
        if (run && canWrite() && history.points().step.length > 0)
          write(HISTORY_FILE, () => historyPng(history, run!, warnings));
        const last = milestones[milestones.length - 1];
        if (!last) break;
        const count = Math.min(16, last.count);
        const channels = channelsOf(last);
        const levels = unpackPixels(last).subarray(0, count * last.rows * last.cols * channels);
        write(FINAL_FILE, () =>
          gridPng(levels, {
            count,
            rows: last.rows,
            cols: last.cols,
            channels,
            gridCols: 4,
            scale: scaleLike28(4, last.rows, last.cols),
            pad: 4,
          }),
        );
        break;
      }
      case 'warning':
        warnings.push(e);
        break;
    }
  });
}
