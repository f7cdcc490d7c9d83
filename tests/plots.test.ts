import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRequire } from 'node:module';
import { packPixels, type Comparison, type Milestone } from '../src/streams/events.ts';
import { History } from '../src/streams/analysis/history.ts';
import { comparisonPng, historyPng, progressPng } from '../src/streams/sinks/canvas.ts';
import { syntheticRun, syntheticStep } from '../src/streams/sources/synthetic.ts';
import { smooth, ticks } from '../src/render/history-plot.ts';
import { encodePng } from '../src/render/png.ts';
import { createRasterCanvas } from '../src/render/raster-canvas.ts';
import { drawGrid } from '../src/render/grid.ts';

const { loadImage, createCanvas } = createRequire(import.meta.url)('node-canvas-webgl');

/** Decodes a PNG with node-canvas: its size and how many distinct colours it uses. */
async function inspect(png: Uint8Array): Promise<{ width: number; height: number; colours: number }> {
  const image = await loadImage(Buffer.from(png));
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const data: Uint8ClampedArray = ctx.getImageData(0, 0, image.width, image.height).data;
  const colours = new Set<number>();
  for (let i = 0; i < data.length; i += 4) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
  return { width: image.width, height: image.height, colours: colours.size };
}

const run = syntheticRun(300, 100, (i) => [0.65 + 0.1 * Math.sin(i / 7), 0.4 + 0.1 * Math.cos(i / 9)]);
const started = run[0] as Extract<typeof run[0], { type: 'run-started' }>;

test('training_history.png: the expected size, and curves, text and axes in it (not blank)', async () => {
  const h = new History();
  for (const e of run) if (e.type === 'step') h.add(e);
  const png = await inspect(historyPng(h, { ...started, config: { ...started.config, milestones: [1, 2] } }));
  assert.is(png.width, 960);
  assert.is(png.height, 640);
  assert.ok(png.colours > 50, `${png.colours} colours`);
});

test('the history keeps at most maxBins points, averaging neighbours', () => {
  const h = new History(8);
  for (let i = 1; i <= 100; i++) h.add(syntheticStep(i, 100, 0.6, 0.4, { dLoss: i }));
  const p = h.points();
  assert.ok(p.step.length <= 8);
  const mean = p.values.dLoss.reduce((a, b, i) => a + b * (i < p.step.length - 1 ? 16 : 100 - 16 * (p.step.length - 1)), 0) / 100;
  assert.ok(Math.abs(mean - 50.5) < 1e-9, `bins keep the mean: ${mean}`);
  assert.equal(p.step, p.values.dLoss);
});

test('smoothing and axis ticks', () => {
  assert.equal(smooth([1, 1, 1], 0.9), [1, 1, 1]);
  assert.equal(ticks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.equal(ticks(0, 7.3, 4), [0, 2, 4, 6]);
});

const milestone = (epoch: number, value: number): Milestone => ({
  type: 'milestone', epoch, step: epoch, rows: 28, cols: 28, count: 64,
  pixels: packPixels(Uint8Array.from({ length: 64 * 784 }, (_, i) => (i * value) % 256)), diversity: 0.2, realDiversity: 0.3,
});

test('progress.png: the milestone grids side by side, labelled', async () => {
  const png = await inspect(progressPng([milestone(1, 3), milestone(30, 7), milestone(100, 11)]));
  // Three 8 x 8 grids of 28 px with 1 px padding (233 px), 12 px apart, labels below.
  assert.is(png.width, 3 * (233 + 12) + 12);
  assert.is(png.height, 233 + 48);
  assert.ok(png.colours > 100);
});

test('real_vs_fake.png: two labelled rows with a score under every image', async () => {
  const c: Comparison = {
    type: 'comparison', epoch: 5, step: 50, rows: 28, cols: 28, count: 8,
    real: packPixels(Uint8Array.from({ length: 8 * 784 }, (_, i) => i % 256)), fake: packPixels(new Uint8Array(8 * 784).fill(90)),
    realScores: [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2], fakeScores: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, NaN],
  };
  const png = await inspect(comparisonPng(c));
  assert.is(png.width, 110 + 8 * (84 + 6) + 6);
  assert.is(png.height, 40 + 2 * (84 + 6 + 22) + 6);
  assert.ok(png.colours > 100);
});

test('the raster fallback canvas draws grids into a valid PNG that node-canvas decodes to the same pixels', async () => {
  const canvas = createRasterCanvas(6, 4);
  drawGrid(canvas.getContext('2d'), Uint8Array.of(0, 255, 128, 64), { count: 1, rows: 2, cols: 2, gridCols: 1, scale: 2, pad: 1 });
  const png = canvas.toBuffer('image/png');
  const decoded = await inspect(png);
  assert.equal([decoded.width, decoded.height], [6, 4]);
  const image = await loadImage(Buffer.from(png));
  const c = createCanvas(6, 4);
  c.getContext('2d').drawImage(image, 0, 0);
  const px = c.getContext('2d').getImageData(0, 0, 6, 4).data;
  assert.equal([px[(1 * 6 + 1) * 4], px[(1 * 6 + 3) * 4], px[(3 * 6 + 1) * 4], px[(3 * 6 + 4) * 4]], [0, 255, 128, 64]);
  assert.equal(Array.from(encodePng(1, 1, Uint8Array.of(1, 2, 3, 4)).subarray(0, 8)), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
});

test.run();
