/**
 * Image grids with text: the milestone grids side by side with their epochs (progress.png), and
 * real images beside generated ones with D's score under each (real_vs_fake.png). Pure drawing on
 * any CanvasRenderingContext2D.
 */
import { drawGrid, type GridLayout, gridSize, imagesIn } from './grid.ts';

const INK = '#f0f0f0';
const BACKGROUND = '#282828';

export interface LabelledGrid {
  readonly grey: Uint8Array;
  readonly label: string;
}

/** Grids of the same layout in one row, each with a label under it. */
export function progressSize(count: number, l: GridLayout): { width: number; height: number } {
  const g = gridSize(l);
  return { width: count * (g.width + 12) + 12, height: g.height + 48 };
}

export function drawProgress(ctx: CanvasRenderingContext2D, grids: readonly LabelledGrid[], l: GridLayout): void {
  const g = gridSize(l);
  const { width, height } = progressSize(grids.length, l);
  ctx.fillStyle = BACKGROUND;
  ctx.fillRect(0, 0, width, height);
  ctx.font = '16px sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  grids.forEach((grid, i) => {
    const x = 12 + i * (g.width + 12);
    drawGrid(ctx, grid.grey, l, x, 12);
    ctx.fillStyle = INK;
    ctx.fillText(grid.label, x + g.width / 2, g.height + 20);
  });
}

/** Width of the names column of a grid with named rows: room for the longest name. */
export const rowLabelWidth = (names: readonly string[]): number => 16 + 9 * Math.max(1, ...names.map((n) => n.length));

export function namedRowsSize(l: GridLayout, names: readonly string[]): { width: number; height: number } {
  const g = gridSize(l);
  return { width: g.width + rowLabelWidth(names), height: g.height };
}

/** A grid whose rows are named at their left (a conditional run's grid: one row per class). */
export function drawNamedRows(
  ctx: CanvasRenderingContext2D,
  grey: Uint8Array,
  names: readonly string[],
  l: GridLayout,
): void {
  const { width, height } = namedRowsSize(l, names);
  const labelWidth = rowLabelWidth(names);
  ctx.fillStyle = BACKGROUND;
  ctx.fillRect(0, 0, width, height);
  drawGrid(ctx, grey, l, labelWidth, 0);
  ctx.fillStyle = INK;
  ctx.font = `${Math.max(11, Math.min(16, l.rows * l.scale * 0.45))}px sans-serif`;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  names.forEach((name, r) => {
    ctx.fillText(name, labelWidth - 8, l.pad + r * (l.rows * l.scale + l.pad) + (l.rows * l.scale) / 2);
  });
}

export interface ScoredRow {
  readonly title: string;
  readonly grey: Uint8Array;
  readonly scores: readonly number[];
  /** How a score reads under its image (default: D's score, "D 0.87"). */
  readonly caption?: (score: number) => string;
}

const CELL_TEXT = 22;
const TITLE_WIDTH = 110;

export function scoredRowsSize(
  count: number,
  rows: number,
  l: Omit<GridLayout, 'count' | 'gridCols'>,
): { width: number; height: number } {
  return {
    width: TITLE_WIDTH + count * (l.cols * l.scale + l.pad) + l.pad,
    height: 40 + rows * (l.rows * l.scale + l.pad + CELL_TEXT) + l.pad,
  };
}

/** Rows of images, each titled, with a score printed under every image. */
export function drawScoredRows(
  ctx: CanvasRenderingContext2D,
  title: string,
  rows: readonly ScoredRow[],
  l: Omit<GridLayout, 'count' | 'gridCols'>,
): void {
  const count = rows[0] ? imagesIn(rows[0].grey, l) : 0;
  const { width, height } = scoredRowsSize(count, rows.length, l);
  ctx.fillStyle = BACKGROUND;
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = INK;
  ctx.font = 'bold 15px sans-serif';
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  ctx.fillText(title, 10, 10);
  const rowHeight = l.rows * l.scale + l.pad + CELL_TEXT;
  rows.forEach((row, r) => {
    const top = 40 + r * rowHeight;
    ctx.fillStyle = INK;
    ctx.font = '15px sans-serif';
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    ctx.fillText(row.title, 10, top + (l.rows * l.scale) / 2);
    drawGrid(ctx, row.grey, { ...l, count, gridCols: count }, TITLE_WIDTH - l.pad, top - l.pad);
    ctx.font = '13px sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    row.scores.forEach((s, i) => {
      const cx = TITLE_WIDTH + i * (l.cols * l.scale + l.pad) + (l.cols * l.scale) / 2;
      ctx.fillText(
        row.caption ? row.caption(s) : `D ${Number.isFinite(s) ? s.toFixed(2) : '?'}`,
        cx,
        top + l.rows * l.scale + 4,
      );
    });
  });
}
