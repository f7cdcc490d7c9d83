/**
 * training_history.png: losses (top) and D accuracy (bottom) against epochs, raw points under a
 * smoothed line, milestones marked. Pure drawing on any CanvasRenderingContext2D.
 */
import type { Curve, HistoryPoints } from '../streams/analysis/history.ts';
import { fitText } from './fit-text.ts';

export interface HistoryPlotOptions {
  readonly width: number;
  readonly height: number;
  readonly stepsPerEpoch: number;
  readonly milestones: readonly number[];
  readonly title: string;
  /** Warnings pinned to the curves: a red line and a number at the epoch each began. */
  readonly marks?: readonly Mark[];
}

export interface Mark {
  readonly epoch: number;
  readonly label: string;
  /** Its condition no longer holds: drawn grey. */
  readonly cleared?: boolean;
}

/** A warning event as a mark: its kind, at the step it began. */
export const warningMark = (
  w: { readonly kind: string; readonly step: number },
  stepsPerEpoch: number,
  cleared = false,
): Mark => ({
  epoch: w.step / stepsPerEpoch,
  label: cleared ? `${w.kind} (cleared)` : w.kind,
  cleared,
});

/** A curve to draw: x in epochs, raw values (drawn as faint points) and a line (smoothed). */
export interface PlotSeries {
  readonly name: string;
  readonly color: string;
  readonly dashed?: boolean;
  readonly x: readonly number[];
  readonly y: readonly number[] /** Few points: a line through them as they are, and large dots. */;
  readonly sparse?: boolean;
}
interface Series {
  readonly name: string;
  readonly curve: Curve | 'dAcc';
  readonly color: string;
}
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

const COLORS = {
  background: '#ffffff',
  axis: '#333333',
  grid: '#e4e4e4',
  milestone: '#9a9a9a',
  text: '#222222',
  mark: '#c62828',
};
const LOSSES: Series[] = [
  { name: 'D loss', curve: 'dLoss', color: '#1f77b4' },
  { name: 'G loss', curve: 'gLoss', color: '#d62728' },
];
const ACCURACY: Series[] = [
  { name: 'D accuracy', curve: 'dAcc', color: '#2ca02c' },
  { name: 'on real', curve: 'dAccReal', color: '#9467bd' },
  { name: 'on fake', curve: 'dAccFake', color: '#ff7f0e' },
];

/** Exponential smoothing, as TensorBoard does, with the bias of the first points corrected. */
export function smooth(values: readonly number[], weight: number): number[] {
  let last = 0,
    debias = 0;
  return values.map((v) => {
    last = last * weight + (1 - weight) * v;
    debias = debias * weight + (1 - weight);
    return last / debias;
  });
}

function valuesOf(points: HistoryPoints, curve: Series['curve']): number[] {
  if (curve !== 'dAcc') return points.values[curve];
  return points.values.dAccReal.map((r, i) => (r + points.values.dAccFake[i]) / 2);
}

/** Round numbers for axis ticks between lo and hi. */
export function ticks(lo: number, hi: number, count: number): number[] {
  const span = hi - lo || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9; t += step) out.push(Number(t.toFixed(10)));
  return out;
}

function panel(
  ctx: CanvasRenderingContext2D,
  box: Box,
  series: readonly PlotSeries[],
  milestones: readonly number[],
  yRange: [number, number] | null,
  yLabel: string,
  marks: readonly Mark[] = [],
) {
  const xMax = Math.max(1, ...series.flatMap((s) => s.x), ...milestones, ...marks.map((m) => m.epoch));
  const all = series.flatMap((s) => s.y).filter(Number.isFinite);
  let [yLo, yHi] = yRange ?? [Math.min(0, ...all), Math.max(1e-6, ...all)];
  if (!yRange) yHi *= 1.05;
  if (yHi <= yLo) yHi = yLo + 1;
  const X = (e: number) => box.x + (e / xMax) * box.w;
  const Y = (v: number) => box.y + box.h - ((v - yLo) / (yHi - yLo)) * box.h;

  ctx.font = '12px sans-serif';
  ctx.lineWidth = 1;
  for (const t of ticks(yLo, yHi, 5)) {
    ctx.strokeStyle = COLORS.grid;
    ctx.beginPath();
    ctx.moveTo(box.x, Y(t));
    ctx.lineTo(box.x + box.w, Y(t));
    ctx.stroke();
    ctx.fillStyle = COLORS.text;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    ctx.fillText(String(t), box.x - 6, Y(t));
  }
  for (const t of ticks(0, xMax, 8)) {
    ctx.fillStyle = COLORS.text;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.fillText(String(t), X(t), box.y + box.h + 6);
  }
  ctx.setLineDash([4, 4]);
  ctx.strokeStyle = COLORS.milestone;
  for (const m of milestones) {
    ctx.beginPath();
    ctx.moveTo(X(m), box.y);
    ctx.lineTo(X(m), box.y + box.h);
    ctx.stroke();
    const nearEdge = X(m) > box.x + box.w - 30 ? 'right' : X(m) < box.x + 30 ? 'left' : 'center';
    ctx.fillStyle = COLORS.milestone;
    ctx.textAlign = nearEdge;
    ctx.textBaseline = 'bottom';
    ctx.fillText(`epoch ${m}`, X(m), box.y - 2);
  }
  ctx.setLineDash([]);
  ctx.strokeStyle = COLORS.mark;
  ctx.lineWidth = 2;
  for (const m of marks) {
    ctx.strokeStyle = m.cleared ? COLORS.milestone : COLORS.mark;
    ctx.beginPath();
    ctx.moveTo(X(m.epoch), box.y);
    ctx.lineTo(X(m.epoch), box.y + box.h);
    ctx.stroke();
    ctx.fillStyle = m.cleared ? COLORS.milestone : COLORS.mark;
    ctx.font = 'bold 12px sans-serif';
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    ctx.fillText(m.label, X(m.epoch) + 3, box.y + 3);
  }
  ctx.lineWidth = 1;
  ctx.font = '12px sans-serif';
  ctx.strokeStyle = COLORS.axis;
  ctx.strokeRect(box.x, box.y, box.w, box.h);

  ctx.save();
  ctx.beginPath();
  ctx.rect(box.x, box.y, box.w, box.h);
  ctx.clip();
  for (const s of series) {
    ctx.fillStyle = s.color;
    ctx.globalAlpha = s.sparse ? 1 : 0.25;
    const dot = s.sparse ? 3 : 1;
    s.y.forEach((y, i) => {
      if (Number.isFinite(y)) ctx.fillRect(X(s.x[i]) - dot, Y(y) - dot, 2 * dot, 2 * dot);
    });
    ctx.globalAlpha = 1;
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 2;
    ctx.setLineDash(s.dashed ? [7, 4] : []);
    ctx.beginPath();
    (s.sparse ? s.y : smooth(s.y, 0.9)).forEach((y, i) => {
      i === 0 ? ctx.moveTo(X(s.x[i]), Y(y)) : ctx.lineTo(X(s.x[i]), Y(y));
    });
    ctx.stroke();
    ctx.setLineDash([]);
  }
  ctx.restore();

  let lx = box.x + box.w - 8;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'right';
  ctx.font = '12px sans-serif';
  for (const s of [...series].reverse()) {
    ctx.fillStyle = COLORS.text;
    ctx.fillText(s.name, lx, box.y + 12);
    lx -= ctx.measureText(s.name).width + 6;
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 3;
    ctx.setLineDash(s.dashed ? [5, 3] : []);
    ctx.beginPath();
    ctx.moveTo(lx - 18, box.y + 12);
    ctx.lineTo(lx, box.y + 12);
    ctx.stroke();
    ctx.setLineDash([]);
    lx -= 28;
  }
  ctx.save();
  ctx.translate(box.x - 42, box.y + box.h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillStyle = COLORS.text;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(yLabel, 0, 0);
  ctx.restore();
}

/** Where the two panels of a plot of this size go: the top one (losses, FID) and the bottom one (accuracy, shares). */
export function panelBoxes(width: number, height: number): [Box, Box] {
  const left = 60,
    right = 20,
    top = 50,
    gap = 60,
    bottom = 40;
  const h = (height - top - gap - bottom) / 2;
  const w = width - left - right;
  return [
    { x: left, y: top, w, h },
    { x: left, y: top + h + gap, w, h },
  ];
}

/** Title, a loss panel over an accuracy panel, and the x axis label. */
function drawTwoPanels(
  ctx: CanvasRenderingContext2D,
  o: Pick<HistoryPlotOptions, 'width' | 'height' | 'title' | 'milestones' | 'marks'>,
  losses: PlotSeries[],
  accuracy: PlotSeries[],
  labels = ['loss', 'D accuracy'],
) {
  ctx.fillStyle = COLORS.background;
  ctx.fillRect(0, 0, o.width, o.height);
  ctx.fillStyle = COLORS.text;
  ctx.font = 'bold 14px sans-serif';
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  ctx.fillText(fitText(ctx, o.title, o.width - 70), 60, 10);
  const [upper, lower] = panelBoxes(o.width, o.height);
  panel(ctx, upper, losses, o.milestones, null, labels[0], o.marks);
  panel(ctx, lower, accuracy, o.milestones, [0, 1], labels[1], o.marks);
  ctx.fillStyle = COLORS.text;
  ctx.font = '12px sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.fillText('epoch', upper.x + upper.w / 2, o.height - 4);
}

const toSeries =
  (points: HistoryPoints, stepsPerEpoch: number) =>
  (s: Series, name = s.name, dashed = false): PlotSeries => ({
    name,
    color: s.color,
    dashed,
    x: points.step.map((x) => x / stepsPerEpoch),
    y: valuesOf(points, s.curve),
  });

export function drawHistory(ctx: CanvasRenderingContext2D, points: HistoryPoints, o: HistoryPlotOptions): void {
  const of = toSeries(points, o.stepsPerEpoch);
  drawTwoPanels(
    ctx,
    o,
    LOSSES.map((s) => of(s)),
    ACCURACY.map((s) => of(s)),
  );
}

export interface RunCurves {
  readonly name: string;
  readonly points: HistoryPoints;
  readonly stepsPerEpoch: number;
}
const RUN_COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

/** Several runs in one picture: each run a colour; D loss solid, G loss dashed; D accuracy below. */
export function drawComparison(
  ctx: CanvasRenderingContext2D,
  runs: readonly RunCurves[],
  o: Pick<HistoryPlotOptions, 'width' | 'height' | 'title'>,
): void {
  const losses: PlotSeries[] = [];
  const accuracy: PlotSeries[] = [];
  runs.forEach((r, i) => {
    const color = RUN_COLORS[i % RUN_COLORS.length];
    const of = toSeries(r.points, r.stepsPerEpoch);
    losses.push(of({ ...LOSSES[0], color }, `${r.name} D`), of({ ...LOSSES[1], color }, `${r.name} G`, true));
    accuracy.push(of({ ...ACCURACY[0], color }, r.name));
  });
  drawTwoPanels(ctx, { ...o, milestones: [] }, losses, accuracy);
}

/** One quality check: its epoch and what the classifier found. */
export interface QualityPoint {
  readonly epoch: number;
  readonly fid: number;
  readonly recognisable: number;
  readonly covered: number;
  /** How many classes the classifier tells apart: a folder's own (absent: 10, digits and clothes). */
  readonly classes?: number;
  /** A conditional run's share of samples in the class they were drawn as. */
  readonly intended?: number;
}

/** quality_history.png: FID (top) and the recognisable share and class coverage (bottom) at each quality check. */
export function drawQualityHistory(
  ctx: CanvasRenderingContext2D,
  points: readonly QualityPoint[],
  o: Pick<HistoryPlotOptions, 'width' | 'height' | 'title'>,
): void {
  const x = points.map((p) => p.epoch);
  const classes = points[0]?.classes ?? 10;
  drawTwoPanels(
    ctx,
    { ...o, milestones: [] },
    [{ name: 'FID (classifier features)', color: '#1f77b4', x, y: points.map((p) => p.fid), sparse: true }],
    [
      { name: 'recognisable', color: '#2ca02c', x, y: points.map((p) => p.recognisable), sparse: true },
      {
        name: `classes covered / ${classes}`,
        color: '#ff7f0e',
        dashed: true,
        x,
        y: points.map((p) => p.covered / (p.classes ?? 10)),
        sparse: true,
      },
      ...(points.some((p) => p.intended !== undefined)
        ? [{ name: 'intended class', color: '#9467bd', x, y: points.map((p) => p.intended ?? NaN), sparse: true }]
        : []),
    ],
    ['FID', 'share'],
  );
}
