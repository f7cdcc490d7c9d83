// Every picture a run draws, drawn with each canvas ganstream can use (node-canvas-webgl and
// @napi-rs/canvas), decoded, and checked pixel by pixel: curves at the heights of the values
// they were given and only over the epochs they cover, images where their grids put them.

import { createCanvas, loadImage } from '@napi-rs/canvas';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { drawGrid } from '../src/render/grid.ts';
import { type Box, panelBoxes, smooth, ticks } from '../src/render/history-plot.ts';
import { type CanvasName, useCanvas } from '../src/render/node-canvas.ts';
import { encodePng } from '../src/render/png.ts';
import { createRasterCanvas } from '../src/render/raster-canvas.ts';
import { History } from '../src/streams/analysis/history.ts';
import { type Comparison, type Milestone, packPixels, type Step } from '../src/streams/events.ts';
import { comparisonPng, historyPng, progressPng, qualityPng, runsComparisonPng } from '../src/streams/sinks/canvas.ts';
import { syntheticRunStarted, syntheticStep } from '../src/streams/sources/synthetic.ts';

interface Pixels {
  width: number;
  height: number;
  at(x: number, y: number): [number, number, number];
}

/** Decodes a PNG (with @napi-rs/canvas, whichever canvas drew it). */
async function decode(png: Uint8Array): Promise<Pixels> {
  const image = await loadImage(Buffer.from(png));
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const data = ctx.getImageData(0, 0, image.width, image.height).data;
  const at = (x: number, y: number): [number, number, number] => {
    const o = (Math.round(y) * image.width + Math.round(x)) * 4;
    return [data[o], data[o + 1], data[o + 2]];
  };
  return { width: image.width, height: image.height, at };
}

const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
const near = (p: readonly number[], q: readonly number[], tolerance = 40) =>
  Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]) <= tolerance;
/** Whether `colour` is within `spread` rows of y in column x. */
const colourNear = (img: Pixels, x: number, y: number, colour: string, spread = 2) => {
  for (let dy = -spread; dy <= spread; dy++) if (near(img.at(x, y + dy), rgb(colour))) return true;
  return false;
};
/** Whether `colour` appears anywhere in column x between rows top and bottom. */
const colourInColumn = (img: Pixels, x: number, top: number, bottom: number, colour: string) => {
  for (let y = Math.ceil(top); y <= bottom; y++) if (near(img.at(x, y), rgb(colour))) return true;
  return false;
};
/** The height of value v in a panel whose axis runs from lo to hi. */
const rowOf = (box: Box, v: number, lo: number, hi: number) => box.y + box.h - ((v - lo) / (hi - lo)) * box.h;
const columnOf = (box: Box, epoch: number, xMax: number) => box.x + (epoch / xMax) * box.w;
const LEGEND_ROWS = 26; // the legend sits in the first rows of each panel

const COLOURS = { dLoss: '#1f77b4', gLoss: '#d62728', dAcc: '#2ca02c', dAccReal: '#9467bd', dAccFake: '#ff7f0e' };

for (const canvas of ['node-canvas-webgl', '@napi-rs/canvas'] as CanvasName[]) {
  test(`${canvas}: training_history.png draws each curve at its value, over the epochs it covers only`, async () => {
    useCanvas(canvas);
    // 4 epochs of 50 steps with constant metrics, of a run planned for 8 (its last milestone stretches the x axis to 8).
    const history = new History();
    const values = { dLoss: 0.6, gLoss: 1.8, dAccReal: 0.9, dAccFake: 0.3 };
    for (let s = 1; s <= 200; s++) history.add(syntheticStep(s, 50, 0.7, 0.3, values as Partial<Step>));
    const img = await decode(historyPng(history, syntheticRunStarted(200, 50, { epochs: 8, milestones: [8] })));
    assert.equal([img.width, img.height], [960, 640]);
    const [losses, accuracy] = panelBoxes(960, 640);
    const lossTop = 1.8 * 1.05; // the loss axis runs from 0 to 5% above the largest value
    const curves: [Box, number, number, string][] = [
      [losses, values.dLoss, lossTop, COLOURS.dLoss],
      [losses, values.gLoss, lossTop, COLOURS.gLoss],
      [accuracy, 0.6, 1, COLOURS.dAcc],
      [accuracy, values.dAccReal, 1, COLOURS.dAccReal],
      [accuracy, values.dAccFake, 1, COLOURS.dAccFake],
    ];
    for (const [box, v, hi, colour] of curves) {
      for (let epoch = 0.2; epoch < 3.9; epoch += 0.25) {
        assert.ok(
          colourNear(img, columnOf(box, epoch, 8), rowOf(box, v, 0, hi), colour),
          `${colour} at value ${v}, epoch ${epoch.toFixed(2)}`,
        );
      }
      for (let epoch = 4.2; epoch < 7.8; epoch += 0.25) {
        assert.not.ok(
          colourInColumn(img, columnOf(box, epoch, 8), box.y + LEGEND_ROWS, box.y + box.h - 1, colour),
          `${colour} past the last epoch, at ${epoch.toFixed(2)}`,
        );
      }
    }
  });

  test(`${canvas}: quality_history.png puts a dot at every check's FID, recognisable share and coverage`, async () => {
    useCanvas(canvas);
    const points = [
      { epoch: 1, fid: 300, recognisable: 0.1, covered: 3 },
      { epoch: 2, fid: 100, recognisable: 0.5, covered: 8 },
      { epoch: 4, fid: 20, recognisable: 0.8, covered: 10 },
    ];
    const img = await decode(qualityPng(points, syntheticRunStarted(200, 50), { classifier: 'digits', samples: 1000 }));
    const [top, bottom] = panelBoxes(960, 640);
    for (const p of points) {
      const x = columnOf(top, p.epoch, 4) - (p.epoch === 4 ? 2 : 0); // the last dot is half clipped at the right edge
      assert.ok(colourNear(img, x, rowOf(top, p.fid, 0, 300 * 1.05), '#1f77b4'), `FID ${p.fid} at epoch ${p.epoch}`);
      assert.ok(
        colourNear(img, x, rowOf(bottom, p.recognisable, 0, 1), '#2ca02c'),
        `recognisable ${p.recognisable} at epoch ${p.epoch}`,
      );
      assert.ok(
        colourNear(img, x, rowOf(bottom, p.covered / 10, 0, 1), '#ff7f0e'),
        `covered ${p.covered} at epoch ${p.epoch}`,
      );
    }
    // Between checks, the FID line runs straight from dot to dot: halfway between epochs 1 and 2, at 200.
    assert.ok(
      colourNear(img, columnOf(top, 1.5, 4), rowOf(top, 200, 0, 315), '#1f77b4'),
      'FID line between the first two checks',
    );
    assert.not.ok(
      colourInColumn(img, columnOf(top, 0.5, 4), top.y + LEGEND_ROWS, top.y + top.h - 1, '#1f77b4'),
      'no FID before the first check',
    );
  });

  test(`${canvas}: a conditional run's quality_history.png adds the intended-class share; an unconditional one has none of its colour`, async () => {
    useCanvas(canvas);
    const points = [
      { epoch: 1, fid: 300, recognisable: 0.1, covered: 3, intended: 0.3 },
      { epoch: 2, fid: 100, recognisable: 0.5, covered: 8, intended: 0.7 },
    ];
    const img = await decode(qualityPng(points, syntheticRunStarted(200, 50), { classifier: 'mnist', samples: 1000 }));
    const [, bottom] = panelBoxes(960, 640);
    for (const p of points)
      assert.ok(
        colourNear(
          img,
          columnOf(bottom, p.epoch, 2) - (p.epoch === 2 ? 2 : 0),
          rowOf(bottom, p.intended, 0, 1),
          '#9467bd',
        ),
        `intended ${p.intended} at epoch ${p.epoch}`,
      );
    const plain = await decode(
      qualityPng(
        points.map(({ intended: _i, ...rest }) => rest),
        syntheticRunStarted(200, 50),
        { classifier: 'mnist', samples: 1000 },
      ),
    );
    assert.not.ok(
      colourInColumn(plain, columnOf(bottom, 1, 2), bottom.y + LEGEND_ROWS, bottom.y + bottom.h - 1, '#9467bd'),
      'no intended dots without labels',
    );
  });

  test(`${canvas}: comparison.png (replay --compare) draws each run's losses in its own colour at its values`, async () => {
    useCanvas(canvas);
    const runOf = (name: string, dLoss: number, gLoss: number) => {
      const h = new History();
      for (let s = 1; s <= 100; s++) h.add(syntheticStep(s, 50, 0.7, 0.3, { dLoss, gLoss }));
      return { name, points: h.points(), stepsPerEpoch: 50 };
    };
    const img = await decode(runsComparisonPng([runOf('a', 0.5, 1.5), runOf('b', 1.0, 2.0)]));
    const [losses] = panelBoxes(960, 640);
    for (const [v, colour, dashed] of [
      [0.5, '#1f77b4', false],
      [1.5, '#1f77b4', true],
      [1.0, '#d62728', false],
      [2.0, '#d62728', true],
    ] as const) {
      const columns = Array.from({ length: 30 }, (_, i) => columnOf(losses, 0.1 + i * 0.06, 2));
      const hits = columns.filter((x) => colourNear(img, x, rowOf(losses, v, 0, 2.1), colour)).length;
      assert.ok(hits >= (dashed ? 15 : 29), `${colour} at ${v}: ${hits} of 30 columns`);
    }
  });

  test(`${canvas}: progress.png shows each milestone's own images, in order`, async () => {
    useCanvas(canvas);
    const milestone = (epoch: number, shade: (i: number) => number): Milestone => ({
      type: 'milestone',
      epoch,
      step: epoch,
      rows: 28,
      cols: 28,
      count: 64,
      pixels: packPixels(Uint8Array.from({ length: 64 * 784 }, (_, i) => shade(i))),
      diversity: 0.2,
      realDiversity: 0.3,
    });
    const grids = [
      milestone(1, () => 30),
      milestone(30, (i) => (i % 28) * 9),
      milestone(100, (i) => 250 - Math.floor(i / 784) * 3),
    ];
    const img = await decode(progressPng(grids));
    assert.equal([img.width, img.height], [3 * (233 + 12) + 12, 233 + 48]);
    // Grid k starts at x = 12 + k * 245, y = 12; image n at (1 + (n % 8) * 29, 1 + floor(n / 8) * 29) inside it.
    const pixel = (k: number, n: number, r: number, c: number) =>
      img.at(12 + k * 245 + 1 + (n % 8) * 29 + c, 12 + 1 + Math.floor(n / 8) * 29 + r)[0];
    for (const n of [0, 9, 63]) {
      assert.is(pixel(0, n, 14, 14), 30);
      assert.equal(
        [0, 5, 27].map((c) => pixel(1, n, 3, c)),
        [0, 45, 243],
      );
      assert.is(pixel(2, n, 20, 20), 250 - n * 3);
    }
  });

  test(`${canvas}: real_vs_fake.png shows the real images in the first row and the generated ones in the second`, async () => {
    useCanvas(canvas);
    const c: Comparison = {
      type: 'comparison',
      epoch: 5,
      step: 50,
      rows: 28,
      cols: 28,
      count: 8,
      real: packPixels(Uint8Array.from({ length: 8 * 784 }, (_, i) => 200 + Math.floor(i / 784))),
      fake: packPixels(new Uint8Array(8 * 784).fill(90)),
      realScores: [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2],
      fakeScores: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, NaN],
    };
    const img = await decode(comparisonPng(c));
    assert.equal([img.width, img.height], [110 + 8 * (84 + 6) + 6, 40 + 2 * (84 + 6 + 22) + 6]);
    // Image i of row r: 84 px squares from x = 110 + i * 90, y = 40 + r * 112.
    for (let i = 0; i < 8; i++) {
      assert.is(img.at(110 + i * 90 + 42, 40 + 42)[0], 200 + i, `real image ${i}`);
      assert.is(img.at(110 + i * 90 + 42, 40 + 112 + 42)[0], 90, `generated image ${i}`);
    }
  });
}

test('the history keeps at most maxBins points, averaging neighbours', () => {
  const h = new History(8);
  for (let i = 1; i <= 100; i++) h.add(syntheticStep(i, 100, 0.6, 0.4, { dLoss: i }));
  const p = h.points();
  assert.ok(p.step.length <= 8);
  const mean =
    p.values.dLoss.reduce((a, b, i) => a + b * (i < p.step.length - 1 ? 16 : 100 - 16 * (p.step.length - 1)), 0) / 100;
  assert.ok(Math.abs(mean - 50.5) < 1e-9, `bins keep the mean: ${mean}`);
  assert.equal(p.step, p.values.dLoss);
});

test('smoothing and axis ticks', () => {
  assert.equal(smooth([1, 1, 1], 0.9), [1, 1, 1]);
  assert.equal(ticks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.equal(ticks(0, 7.3, 4), [0, 2, 4, 6]);
});

test('the raster fallback canvas draws grids into a valid PNG that decodes to the same pixels', async () => {
  const canvas = createRasterCanvas(6, 4);
  drawGrid(canvas.getContext('2d'), Uint8Array.of(0, 255, 128, 64), {
    count: 1,
    rows: 2,
    cols: 2,
    gridCols: 1,
    scale: 2,
    pad: 1,
  });
  const img = await decode(canvas.toBuffer('image/png'));
  assert.equal([img.width, img.height], [6, 4]);
  assert.equal([img.at(1, 1)[0], img.at(3, 1)[0], img.at(1, 3)[0], img.at(4, 3)[0]], [0, 255, 128, 64]);
  assert.equal(
    Array.from(encodePng(1, 1, Uint8Array.of(1, 2, 3, 4)).subarray(0, 8)),
    [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  );
});

test.run();
