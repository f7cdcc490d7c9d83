/**
 * The page's pictures, drawn by the same src/render functions that draw the run folder's PNGs, so
 * the page and the files agree. Each function sizes its canvas and draws one view of a RunView.
 */

import { fitText } from '../../render/fit-text.ts';
import { drawGrid, eightAcross, gridSize, imagesIn, scaleLike28 } from '../../render/grid.ts';
import {
  drawComparison,
  drawHistory,
  drawQualityHistory,
  type RunCurves,
  warningMark,
} from '../../render/history-plot.ts';
import {
  drawProgress,
  drawScoredRows,
  progressSize,
  type ScoredRow,
  scoredRowsSize,
} from '../../render/labelled-grids.ts';
import { milestoneEpochs } from '../../streams/config.ts';
import { channelsOf, milestoneLabel, type Snapshot, unpackPixels } from '../../streams/events.ts';
import type { RunView } from './run-view.ts';

/** The run folder's plot size (its PNGs); the page draws its plots at their own size on the page. */
export const PLOT = { width: 960, height: 640 } as const;

/** The smallest text a view draws, in CSS pixels: readable on a laptop and a projector. */
export const MIN_TEXT_PX = 12;

/**
 * A plot's canvas sized to its place on the page (the width it is given, a height from it) at the
 * screen's pixel ratio, its context scaled so that the drawing is in CSS pixels: 12px text is 12
 * CSS pixels, sharp on any screen.
 */
function fitted(
  canvas: HTMLCanvasElement,
  heightOf: (width: number) => number,
): { ctx: CanvasRenderingContext2D; width: number; height: number } {
  canvas.classList.add('fit');
  const width = Math.max(280, Math.floor(canvas.getBoundingClientRect().width || PLOT.width));
  const height = Math.round(heightOf(width));
  const ratio = window.devicePixelRatio || 1;
  canvas.style.height = `${height}px`;
  if (canvas.width !== Math.round(width * ratio)) canvas.width = Math.round(width * ratio);
  if (canvas.height !== Math.round(height * ratio)) canvas.height = Math.round(height * ratio);
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return { ctx, width, height };
}

/** A two-panel plot's height for its width: two thirds of it, within what a screen shows. */
const plotHeight = (width: number) => Math.min(560, Math.max(340, width * 0.66));
const barsHeight = (width: number) => Math.min(300, Math.max(220, width * 0.5));

/** A grid of pictures with no text: scaled to the page like a photograph. */
function context(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D {
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  return canvas.getContext('2d')!;
}

/**
 * An image view's canvas (pictures with text under them): one canvas pixel to one CSS pixel, never
 * shrunk (a narrow page scrolls it sideways), so that its text stays at the size it was drawn. A
 * canvas that was sized to the page (while it said what will appear there) no longer is.
 */
function actualSize(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D {
  canvas.classList.remove('fit');
  canvas.style.height = '';
  canvas.classList.add('actual');
  return context(canvas, width, height);
}

/** A line of text alone in the middle of a canvas: what will appear there. */
function centred(
  ctx: CanvasRenderingContext2D,
  text: string,
  width: number,
  height: number,
  o: { background: string; ink: string; px: number },
): void {
  ctx.fillStyle = o.background;
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = o.ink;
  ctx.font = `${o.px}px sans-serif`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(fitText(ctx, text, width - 16), width / 2, height / 2);
}

function blank(canvas: HTMLCanvasElement, text: string, heightOf: (width: number) => number = () => 120): void {
  const { ctx, width, height } = fitted(canvas, heightOf);
  centred(ctx, text, width, height, { background: '#ffffff', ink: '#5f6368', px: 15 });
}

export function drawCurves(canvas: HTMLCanvasElement, view: RunView): void {
  const run = view.started;
  if (!run || view.history.points().step.length === 0) {
    blank(canvas, 'The loss and accuracy curves appear with the first steps', plotHeight);
    return;
  }
  const { ctx, width, height } = fitted(canvas, plotHeight);
  drawHistory(ctx, view.history.points(), {
    width,
    height,
    stepsPerEpoch: run.stepsPerEpoch,
    milestones: milestoneEpochs(run.config.milestones, view.epochs).filter((e) => e <= (view.last?.epoch ?? 0)),
    title: `${run.config.arch} on ${run.dataset.name}: D and G losses, D accuracy`,
    marks: view.warnings.map((w) => warningMark(w, run.stepsPerEpoch, view.cleared.has(w))),
  });
}

/** A snapshot grid, large: what G draws from the same 16 noise points. */
export function drawSnapshot(canvas: HTMLCanvasElement, s: Snapshot | undefined): void {
  if (!s) {
    // Scaled to the page as the grid will be: 40 canvas pixels, at least 12 CSS px wherever it shows.
    const side = 4 * (28 * 6 + 4) + 4;
    centred(context(canvas, side, side), 'No grid yet', side, side, { background: '#282828', ink: '#f0f0f0', px: 40 });
    return;
  }
  const layout = {
    count: s.count,
    rows: s.rows,
    cols: s.cols,
    channels: channelsOf(s),
    gridCols: 4,
    scale: scaleLike28(6, s.rows, s.cols),
    pad: 4,
  };
  const { width, height } = gridSize(layout);
  const ctx = context(canvas, width, height);
  drawGrid(ctx, unpackPixels(s), layout);
}

/** The milestone grids that fit the view's width at one canvas pixel to a CSS pixel: the first, the last, and evenly between. */
export function drawMilestones(canvas: HTMLCanvasElement, view: RunView): void {
  const all = view.milestones;
  if (all.length === 0) {
    blank(canvas, 'Milestone grids appear here (steps 1, 50, 200, 500, then epochs)');
    return;
  }
  const m = all[0];
  const layout = eightAcross({ count: m.count, rows: m.rows, cols: m.cols, channels: channelsOf(m) }, 1, 1);
  const room = (canvas.parentElement?.clientWidth ?? PLOT.width) - 32;
  const fit = Math.max(1, Math.min(8, all.length, Math.floor((room - 12) / (progressSize(1, layout).width - 12))));
  const shown =
    fit === 1
      ? [all[all.length - 1]]
      : Array.from({ length: fit }, (_, i) => all[Math.round((i * (all.length - 1)) / (fit - 1))]);
  const { width, height } = progressSize(shown.length, layout);
  drawProgress(
    actualSize(canvas, width, height),
    shown.map((x) => ({ grey: unpackPixels(x), label: milestoneLabel(x) })),
    layout,
  );
}

export function drawQuality(canvas: HTMLCanvasElement, view: RunView): void {
  if (view.quality.length === 0) {
    blank(canvas, 'Quality checks (FID, recognisable share) appear at the milestone epochs', barsHeight);
    return;
  }
  const run = view.started!;
  const { ctx, width, height } = fitted(canvas, plotHeight);
  drawQualityHistory(
    ctx,
    view.quality.map((q) => ({
      epoch: q.epoch,
      fid: q.fid,
      recognisable: q.recognisable,
      covered: q.covered,
      classes: q.histogram.length,
      ...(q.intended !== undefined ? { intended: q.intended } : {}),
    })),
    {
      width,
      height,
      title: `${run.config.arch}: sample quality by the ${view.quality[0].classifier} classifier (${view.quality[0].samples} samples)`,
    },
  );
}

/** The class histogram of the last quality check: how many of G's samples the classifier put in each class. */
export function drawHistogram(canvas: HTMLCanvasElement, view: RunView): void {
  const q = view.quality[view.quality.length - 1];
  if (!q) {
    blank(canvas, 'Which digits G draws: at the first quality check', barsHeight);
    return;
  }
  const { ctx, width, height } = fitted(canvas, barsHeight);
  const counts = q.histogram;
  const total = counts.reduce((a, b) => a + b, 0) || 1;
  const max = Math.max(...counts, 1);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#222222';
  ctx.font = 'bold 14px sans-serif';
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  ctx.fillText(
    fitText(
      ctx,
      `Classes of G's samples at epoch ${q.epoch}, step ${q.step.toLocaleString('en-US')} (dashes: an even share)`,
      width - 20,
    ),
    10,
    8,
  );
  const left = 30,
    bottom = height - 30,
    barW = (width - left - 10) / counts.length;
  const top = 40;
  counts.forEach((n, i) => {
    const h = ((bottom - top) * n) / max;
    ctx.fillStyle = '#1f77b4';
    ctx.fillRect(left + i * barW + 4, bottom - h, barW - 8, h);
    ctx.fillStyle = '#222222';
    ctx.font = '14px sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.fillText(fitText(ctx, q.classNames?.[i] ?? String(i), barW - 4), left + i * barW + barW / 2, bottom + 6);
    ctx.textBaseline = 'bottom';
    ctx.font = `${MIN_TEXT_PX}px sans-serif`;
    ctx.fillText(`${Math.round((100 * n) / total)}%`, left + i * barW + barW / 2, bottom - h - 2);
  });
  const even = bottom - ((bottom - top) * (total / counts.length)) / max;
  ctx.strokeStyle = '#9a9a9a';
  ctx.setLineDash([5, 4]);
  ctx.beginPath();
  ctx.moveTo(left, even);
  ctx.lineTo(width - 10, even);
  ctx.stroke();
  ctx.setLineDash([]);
}

export function drawRealVsFake(canvas: HTMLCanvasElement, view: RunView): void {
  const c = view.comparison;
  if (!c) {
    blank(canvas, "Real beside fake, with D's score under each, at the end of each epoch");
    return;
  }
  const layout = { rows: c.rows, cols: c.cols, channels: channelsOf(c), scale: scaleLike28(3, c.rows, c.cols), pad: 6 };
  const { width, height } = scoredRowsSize(c.count, 2, layout);
  drawScoredRows(
    actualSize(canvas, width, height),
    `Real or fake? D's belief that each image is real, after epoch ${c.epoch}`,
    [
      { title: 'real', grey: unpackPixels({ pixels: c.real }), scores: c.realScores },
      { title: 'generated', grey: unpackPixels({ pixels: c.fake }), scores: c.fakeScores },
    ],
    layout,
  );
}

/** Rows of images with D's score under each (the step walk-through). */
export function drawScored(
  canvas: HTMLCanvasElement,
  title: string,
  rows: readonly ScoredRow[],
  size: { rows: number; cols: number; channels?: number },
): void {
  const layout = {
    rows: size.rows,
    cols: size.cols,
    channels: size.channels,
    scale: scaleLike28(3, size.rows, size.cols),
    pad: 6,
  };
  const count = imagesIn(rows[0].grey, layout);
  const { width, height } = scoredRowsSize(count, rows.length, layout);
  drawScoredRows(actualSize(canvas, width, height), title, rows, layout);
}

/** Several runs' curves in one plot, step-aligned (replay --compare's picture). */
export function drawRunsCompared(canvas: HTMLCanvasElement, runs: readonly RunCurves[]): void {
  const { ctx, width, height } = fitted(canvas, plotHeight);
  drawComparison(ctx, runs, {
    width,
    height,
    title: `${runs.map((r) => r.name).join(' vs ')}: D loss (solid), G loss (dashed), D accuracy`,
  });
}
