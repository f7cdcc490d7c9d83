/**
 * The explore view's pictures, pure drawing on any CanvasRenderingContext2D: the class each fixed
 * noise point showed at each milestone (a band chart), the class shares at each quality check,
 * the novelty histograms, an image with its saliency overlaid, and a noise vector as a swatch.
 */
import { type ClassTracks, stillHopping } from '../explore/class-tracks.ts';

/**
 * One colour per class that a colour-blind student can tell apart too: Paul Tol's "muted" scheme
 * (nine colours made for it) and its pale grey. Under simulated protanopia, deuteranopia and
 * tritanopia any two of them stay at least 15 CIELAB units apart (tests/class-colours.test.ts);
 * Tableau 10, before it, put two pairs within 2.
 */
export const CLASS_COLORS = [
  '#332288',
  '#88ccee',
  '#117733',
  '#ddcc77',
  '#cc6677',
  '#44aa99',
  '#882255',
  '#999933',
  '#aa4499',
  '#dddddd',
] as const;

/** Text that reads on a class's colour: white on the dark ones, ink on the light. */
export function inkOn(color: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(color.slice(i, i + 2), 16));
  return 0.299 * r + 0.587 * g + 0.114 * b < 140 ? '#ffffff' : '#222222';
}

const INK = '#222222';
const MUTED = '#666666';

function title(ctx: CanvasRenderingContext2D, text: string, x: number, y: number): void {
  ctx.fillStyle = INK;
  ctx.font = 'bold 16px sans-serif';
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  ctx.fillText(text, x, y);
}

function legend(ctx: CanvasRenderingContext2D, names: readonly string[], x: number, y: number, width: number): number {
  ctx.font = '13px sans-serif';
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  let cx = x,
    cy = y;
  names.forEach((name, c) => {
    const w = 22 + ctx.measureText(name).width + 14;
    if (cx + w > x + width) {
      cx = x;
      cy += 20;
    }
    ctx.fillStyle = CLASS_COLORS[c % CLASS_COLORS.length];
    ctx.fillRect(cx, cy - 7, 16, 14);
    ctx.fillStyle = INK;
    ctx.fillText(name, cx + 21, cy);
    cx += w;
  });
  return cy + 14;
}

/** A white plot of `size` with its title and the classes' colour legend; returns the y where the plot below them starts. */
function framed(
  ctx: CanvasRenderingContext2D,
  size: { width: number; height: number },
  heading: string,
  names: readonly string[],
): number {
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, size.width, size.height);
  title(ctx, heading, 12, 10);
  return legend(ctx, names, 12, 44, size.width - 24) + 10;
}

export const CLASS_TRACKS_SIZE = { width: 960, height: 560 } as const;

/** One row per fixed noise point, one column per milestone, each cell coloured by the class the classifier saw there. */
export function drawClassTracks(ctx: CanvasRenderingContext2D, t: ClassTracks, names: readonly string[]): void {
  const { width, height } = CLASS_TRACKS_SIZE;
  const top = framed(
    ctx,
    CLASS_TRACKS_SIZE,
    'Which digit each of the fixed noise points showed at each milestone',
    names,
  );
  const left = 70,
    right = 12,
    bottom = 58;
  const points = t.classes.length,
    steps = t.labels.length;
  if (points === 0 || steps === 0) return;
  const cw = (width - left - right) / steps,
    ch = (height - top - bottom) / points;
  t.classes.forEach((track, p) => {
    track.forEach((c, m) => {
      ctx.fillStyle = CLASS_COLORS[c % CLASS_COLORS.length];
      ctx.fillRect(left + m * cw, top + p * ch, Math.ceil(cw), Math.ceil(ch));
    });
  });
  ctx.fillStyle = MUTED;
  ctx.font = '12px sans-serif';
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (let p = 0; p < points; p += Math.max(1, Math.ceil(points / 8)))
    ctx.fillText(`point ${p + 1}`, left - 6, top + (p + 0.5) * ch);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const every = Math.max(1, Math.ceil(steps / 8));
  t.labels.forEach((label, m) => {
    if (m % every === 0 || m === steps - 1) ctx.fillText(label, left + (m + 0.5) * cw, height - bottom + 6);
  });
  const late = stillHopping(t, 3);
  ctx.fillStyle = INK;
  ctx.font = '13px sans-serif';
  ctx.fillText(
    `A row that keeps its colour is a point that settled on one digit. Over the last 3 milestones, ${late} of ${points} points still changed class.`,
    width / 2,
    height - 26,
  );
}

export const CLASS_SHARES_SIZE = { width: 960, height: 420 } as const;

/** The share of samples the classifier put in each class, at each quality check, stacked: one column per check. */
export function drawClassShares(
  ctx: CanvasRenderingContext2D,
  checks: readonly { label: string; histogram: readonly number[] }[],
  names: readonly string[],
): void {
  const { width, height } = CLASS_SHARES_SIZE;
  const top = framed(ctx, CLASS_SHARES_SIZE, 'Which digits G made at each quality check (share of the samples)', names);
  const left = 50,
    bottom = 34,
    right = 12;
  if (checks.length === 0) return;
  const cw = (width - left - right) / checks.length;
  const h = height - top - bottom;
  checks.forEach((check, i) => {
    const total = check.histogram.reduce((a, b) => a + b, 0) || 1;
    let y = top + h;
    check.histogram.forEach((n, c) => {
      const bh = (n / total) * h;
      const color = CLASS_COLORS[c % CLASS_COLORS.length];
      ctx.fillStyle = color;
      ctx.fillRect(left + i * cw + 2, y - bh, cw - 4, bh);
      // The class named in its band where there is room: colour is not the only cue.
      ctx.font = '12px sans-serif';
      if (bh >= 15 && ctx.measureText(names[c] ?? '').width <= cw - 8) {
        ctx.fillStyle = inkOn(color);
        ctx.textAlign = 'center';
        ctx.textBaseline = 'middle';
        ctx.fillText(names[c], left + (i + 0.5) * cw, y - bh / 2);
      }
      y -= bh;
    });
  });
  ctx.strokeStyle = '#999999';
  ctx.setLineDash([4, 4]);
  ctx.beginPath();
  for (let k = 1; k < 10; k++) {
    const y = top + h - (k / 10) * h;
    ctx.moveTo(left, y);
    ctx.lineTo(width - right, y);
  }
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.fillStyle = MUTED;
  ctx.font = '12px sans-serif';
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const k of [0, 50, 100]) ctx.fillText(`${k}%`, left - 6, top + h - (k / 100) * h);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const every = Math.max(1, Math.ceil(checks.length / 10));
  checks.forEach((c, i) => {
    if (i % every === 0 || i === checks.length - 1) ctx.fillText(c.label, left + (i + 0.5) * cw, top + h + 6);
  });
}

export const NOVELTY_SIZE = { width: 960, height: 400 } as const;

/**
 * Two histograms of distances to the nearest training image: generated images and held-out real
 * ones (`realLabel` names the real side where it is something else: a folder's training images,
 * each to its nearest other).
 */
export function drawNovelty(
  ctx: CanvasRenderingContext2D,
  generated: readonly number[],
  heldOut: readonly number[],
  lo: number,
  hi: number,
  caption: string,
  realLabel = 'held-out real images (never trained on)',
): void {
  const { width, height } = NOVELTY_SIZE;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  title(ctx, 'Is it copying? Distance from each image to its nearest training image', 12, 10);
  const left = 60,
    right = 20,
    top = 70,
    bottom = 80;
  const w = width - left - right,
    h = height - top - bottom;
  const share = (counts: readonly number[]) => {
    const n = counts.reduce((a, b) => a + b, 0) || 1;
    return counts.map((c) => c / n);
  };
  const g = share(generated),
    r = share(heldOut);
  const peak = Math.max(...g, ...r, 1e-9);
  const bins = g.length;
  const series: [readonly number[], string, string][] = [
    [r, 'rgba(89, 161, 79, 0.55)', realLabel],
    [g, 'rgba(31, 95, 191, 0.55)', 'generated images'],
  ];
  for (const [values, color] of series) {
    ctx.fillStyle = color;
    values.forEach((v, i) => {
      ctx.fillRect(left + (i * w) / bins + 1, top + h - (v / peak) * h, w / bins - 2, (v / peak) * h);
    });
  }
  ctx.strokeStyle = '#333333';
  ctx.beginPath();
  ctx.moveTo(left, top + h);
  ctx.lineTo(left + w, top + h);
  ctx.stroke();
  ctx.fillStyle = MUTED;
  ctx.font = '12px sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (let k = 0; k <= 8; k++) ctx.fillText((lo + ((hi - lo) * k) / 8).toFixed(1), left + (w * k) / 8, top + h + 4);
  ctx.fillText(
    'distance to the nearest training image (pixel intensities 0-1; 0 = an exact copy)',
    left + w / 2,
    top + h + 22,
  );
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  ctx.font = '13px sans-serif';
  series.forEach(([, color, name], i) => {
    ctx.fillStyle = color;
    ctx.fillRect(left + i * 330, 50 - 7, 16, 14);
    ctx.fillStyle = INK;
    ctx.fillText(name, left + i * 330 + 22, 50);
  });
  ctx.fillStyle = INK;
  ctx.textAlign = 'center';
  ctx.fillText(caption, width / 2, height - 18);
}

/**
 * An image with D's saliency over it: red where brightening a pixel makes D believe more that the
 * image is real (where G would add ink next), blue where it makes D believe less (where G would
 * remove ink). Strength: the gradient's size, scaled to the image's largest. A colour image
 * (three levels a pixel) shows under it in its own colours; the gradient is one value a pixel.
 */
export function drawSaliency(
  ctx: CanvasRenderingContext2D,
  grey: Uint8Array,
  gradient: Float32Array,
  rows: number,
  cols: number,
  scale: number,
  x = 0,
  y = 0,
): void {
  const peak = gradient.reduce((m, g) => Math.max(m, Math.abs(g)), 0) || 1;
  const channels = grey.length / (rows * cols);
  const image = ctx.createImageData(cols * scale, rows * scale);
  for (let r = 0; r < rows * scale; r++) {
    for (let c = 0; c < cols * scale; c++) {
      const i = Math.floor(r / scale) * cols + Math.floor(c / scale);
      const base = (k: number) => grey[i * channels + (channels === 3 ? k : 0)] * 0.6;
      const s = gradient[i] / peak;
      const o = (r * cols * scale + c) * 4;
      const a = Math.min(1, Math.abs(s) * 1.5);
      const [tr, tg, tb] = s > 0 ? [230, 40, 40] : [40, 110, 255];
      image.data[o] = base(0) * (1 - a) + tr * a;
      image.data[o + 1] = base(1) * (1 - a) + tg * a;
      image.data[o + 2] = base(2) * (1 - a) + tb * a;
      image.data[o + 3] = 255;
    }
  }
  ctx.putImageData(image, x, y);
}

/** A noise vector as a square of cells (10 x 10 for 100 dimensions): blue negative, white zero, red positive. */
export function drawNoiseSwatch(ctx: CanvasRenderingContext2D, z: Float32Array, cell: number): void {
  const side = Math.ceil(Math.sqrt(z.length));
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, side * cell, side * cell);
  z.forEach((v, i) => {
    const s = Math.max(-1, Math.min(1, v / 2.5));
    const fade = Math.round(255 * (1 - Math.abs(s)));
    ctx.fillStyle = s >= 0 ? `rgb(255, ${fade}, ${fade})` : `rgb(${fade}, ${fade}, 255)`;
    ctx.fillRect((i % side) * cell, Math.floor(i / side) * cell, cell - 1, cell - 1);
  });
}
