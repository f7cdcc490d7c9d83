#!/usr/bin/env -S node --import tsx
/**
 * Writes the small fixtures in fixtures/ (run once; the files are committed):
 * - idx-gz/, idx-raw/: the first 32 digits of mnist-small as IDX files, gzipped and raw;
 * - streams/*.ndjson: synthetic recordings built to trigger each warning, a healthy one, and a
 *   10-step one whose summary can be checked by hand;
 * - images/: folders of images as a user brings them: digits/ (20 digits of each class of
 *   mnist-small as grey PNG files, one subfolder per class), shapes/ (coloured shapes drawn here,
 *   32x32 PNG, one subfolder per shape and colour) and photos/ (a few 48x36 colour JPEGs, no classes).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createCanvas } from '@napi-rs/canvas';
import { limitDataset } from '../src/data/dataset.ts';
import { embeddedDigits } from '../src/data/embedded.ts';
import { encodeIdx } from '../src/data/idx.ts';
import { seeded } from '../src/data/random.ts';
import { encodeEvent, packPixels, type TrainingEvent } from '../src/streams/events.ts';
import { syntheticRun } from '../src/streams/sources/synthetic.ts';

const HELP = `Usage: node --import tsx scripts/make-fixtures.ts

Writes the test fixtures again: fixtures/idx-gz and fixtures/idx-raw (the first 32 digits of mnist-small
as IDX files), fixtures/streams/*.ndjson (synthetic recordings) and fixtures/images (folders of PNG and
JPEG images: grey digits, coloured shapes, colour photos). Takes no flags but --help.
`;
const words = process.argv.slice(2);
if (words[0] === '--help') {
  process.stdout.write(HELP);
  process.exit(0);
}
if (words.length > 0) {
  process.stderr.write(`error: unexpected argument '${words[0]}': make-fixtures takes no flags (see --help)\n`);
  process.exit(2);
}

const d = limitDataset(embeddedDigits(), 32);
const images = encodeIdx([d.count, d.rows, d.cols], d.bytes);
const labels = encodeIdx([d.count], d.labels!);
mkdirSync('fixtures/idx-gz', { recursive: true });
mkdirSync('fixtures/idx-raw', { recursive: true });
writeFileSync('fixtures/idx-gz/train-images-idx3-ubyte.gz', gzipSync(images, { level: 9 }));
writeFileSync('fixtures/idx-gz/train-labels-idx1-ubyte.gz', gzipSync(labels, { level: 9 }));
writeFileSync('fixtures/idx-raw/digits-images-idx3-ubyte', images);
writeFileSync('fixtures/idx-raw/digits-labels-idx1-ubyte', labels);

const ndjson = (events: TrainingEvent[]) => `${events.map(encodeEvent).join('\n')}\n`;
const healthy = (i: number): [number, number] => [0.65 + 0.08 * Math.sin(i / 3), 0.4 + 0.08 * Math.cos(i / 5)];
const streams: Record<string, TrainingEvent[]> = {
  healthy: syntheticRun(300, 100, healthy),
  'stuck-at-chance': syntheticRun(300, 100, (i) => [0.5 + 0.004 * Math.sin(i), 0.5 - 0.004 * Math.cos(i)]),
  'd-too-strong': syntheticRun(300, 100, (i) => (i < 100 ? healthy(i) : [0.99, 0.01])),
  'g-winning': syntheticRun(300, 100, (i) => (i < 100 ? healthy(i) : [0.3, 0.7])),
  'losses-flat': syntheticRun(300, 100, (i) => (i < 100 ? healthy(i) : [0.7, 0.35])),
  // G's loss climbs without bound while D's outputs on fakes go to 0.
  diverging: syntheticRun(300, 100, (i) => (i < 100 ? healthy(i) : [0.99, Math.exp(-(i - 90) / 4)])),
  'not-finite': syntheticRun(300, 100, healthy).map((e) =>
    e.type === 'step' && e.step === 150 ? { ...e, dLoss: NaN, gLoss: NaN } : e,
  ),
  // Two milestones of four 2x2 images: varied, then all alike.
  'mode-collapse': (() => {
    const run = syntheticRun(200, 100, healthy);
    const milestone = (epoch: number, pixels: number[], diversity: number): TrainingEvent => ({
      type: 'milestone',
      epoch,
      step: epoch * 100,
      rows: 2,
      cols: 2,
      count: 4,
      pixels: packPixels(Uint8Array.from(pixels)),
      diversity,
      realDiversity: 0.3,
    });
    run.splice(101, 0, milestone(1, [0, 255, 0, 255, 255, 0, 255, 0, 0, 0, 255, 255, 255, 255, 0, 0], 0.35));
    run.splice(run.length - 1, 0, milestone(2, Array(16).fill(128), 0));
    return run;
  })(),
  // Ten steps: D(x) 0.8 / D(G(z)) 0.2 on odd steps, 0.6 / 0.4 on even ones. See tests/summary.test.ts.
  golden: [
    ...syntheticRun(10, 10, (i) => (i % 2 ? [0.6, 0.4] : [0.8, 0.2])).slice(0, -1),
    { type: 'run-ended', status: 'completed', step: 10, epoch: 1, time: 1.25 },
  ],
};
mkdirSync('fixtures/streams', { recursive: true });
for (const [name, events] of Object.entries(streams)) writeFileSync(`fixtures/streams/${name}.ndjson`, ndjson(events));
// A recording cut by a kill (torn last line) with a garbage line in the middle.
const torn = ndjson(streams.healthy).split('\n');
torn.splice(50, 0, 'garbage: this line is not JSON');
writeFileSync('fixtures/streams/torn.ndjson', `${torn.slice(0, -2).join('\n')}\n${torn[torn.length - 2].slice(0, 40)}`);

// Image folders. Digits: the first 20 of each class of mnist-small, white on black, as PNG.
rmSync('fixtures/images', { recursive: true, force: true });
const all = embeddedDigits();
for (let digit = 0; digit < 10; digit++) {
  mkdirSync(`fixtures/images/digits/${digit}`, { recursive: true });
  let n = 0;
  for (let i = 0; i < all.count && n < 20; i++) {
    if (all.labels![i] !== digit) continue;
    const canvas = createCanvas(28, 28);
    const ctx = canvas.getContext('2d');
    const image = ctx.createImageData(28, 28);
    for (let p = 0; p < 784; p++) {
      const v = all.bytes[i * 784 + p];
      image.data.set([v, v, v, 255], p * 4);
    }
    ctx.putImageData(image, 0, 0);
    writeFileSync(`fixtures/images/digits/${digit}/${String(n++).padStart(2, '0')}.png`, canvas.toBuffer('image/png'));
  }
}
// Shapes: one class per shape, each in its own colour (a little varied: red, green, blue), on a
// dark background of varied tint, at a random place and size. A conditional GAN should learn each class's colour.
const rng = seeded(30);
const between = (lo: number, hi: number) => lo + (hi - lo) * rng.uniform();
const SHAPES = {
  'red-discs': {
    rgb: [220, 40, 40],
    draw: (c: Ctx, x: number, y: number, r: number) => c.arc(x, y, r, 0, 2 * Math.PI),
  },
  'green-squares': {
    rgb: [40, 200, 60],
    draw: (c: Ctx, x: number, y: number, r: number) => c.rect(x - r, y - r, 2 * r, 2 * r),
  },
  'blue-triangles': {
    rgb: [50, 110, 245],
    draw: (c: Ctx, x: number, y: number, r: number) => {
      c.moveTo(x, y - r);
      c.lineTo(x + r, y + r * 0.8);
      c.lineTo(x - r, y + r * 0.8);
      c.closePath();
    },
  },
} as const;
type Ctx = ReturnType<ReturnType<typeof createCanvas>['getContext']>;
const drawShape = (side: number, shape: keyof typeof SHAPES) => {
  const canvas = createCanvas(side, side);
  const ctx = canvas.getContext('2d');
  const tint = [between(10, 50), between(10, 50), between(10, 50)].map(Math.round);
  ctx.fillStyle = `rgb(${tint.join(',')})`;
  ctx.fillRect(0, 0, side, side);
  const { rgb, draw } = SHAPES[shape];
  ctx.fillStyle = `rgb(${rgb.map((v) => Math.round(Math.min(255, Math.max(0, v + between(-25, 25))))).join(',')})`;
  const r = between(0.18, 0.3) * side;
  ctx.beginPath();
  draw(ctx, between(r + 1, side - r - 1), between(r + 1, side - r - 1), r);
  ctx.fill();
  return canvas;
};
for (const shape of Object.keys(SHAPES) as (keyof typeof SHAPES)[]) {
  mkdirSync(`fixtures/images/shapes/${shape}`, { recursive: true });
  for (let n = 0; n < 80; n++)
    writeFileSync(
      `fixtures/images/shapes/${shape}/${String(n).padStart(2, '0')}.png`,
      drawShape(32, shape).toBuffer('image/png'),
    );
}
// Photos: a handful of colour JPEGs of 48x36 (not square: the loader cuts the centre), no classes.
mkdirSync('fixtures/images/photos', { recursive: true });
const names = Object.keys(SHAPES) as (keyof typeof SHAPES)[];
for (let n = 0; n < 8; n++) {
  const square = drawShape(36, names[n % 3]);
  const canvas = createCanvas(48, 36);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#303030';
  ctx.fillRect(0, 0, 48, 36);
  ctx.drawImage(square, 6, 0);
  writeFileSync(`fixtures/images/photos/photo-${n}.jpg`, canvas.toBuffer('image/jpeg', 90));
}
console.log(
  `fixtures: 32 digits in fixtures/idx-gz and fixtures/idx-raw; ${Object.keys(streams).length + 1} streams in fixtures/streams; fixtures/images: 200 digits, 240 shapes, 8 photos`,
);
