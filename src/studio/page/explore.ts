/**
 * The explore page: a saved GAN looked at from the inside. The generator and the discriminator
 * run here, in the browser, with stock TensorFlow.js loading the run's model.json files (so the
 * page proves the saved format); what needs the training images (nearest neighbours, novelty,
 * the classifier's class tracks) comes from its source (explore-source.ts): the studio's server,
 * or in the static site the runs kept in the tab and a worker. The analyses are src/explore's
 * functions, the pictures src/render's.
 */

import * as tf from '@tensorflow/tfjs';
import { scaled } from '../../data/dataset.ts';
import { normals, Streams, seeded } from '../../data/random.ts';
import { type Realness, realness, saliency, scores } from '../../explore/discriminator-view.ts';
import { between, type Path, square, stacked } from '../../explore/interpolate.ts';
import { oneHotOf, softLabelGenerator } from '../../explore/soft-label.ts';
import { valuesOf } from '../../model/values.ts';
import {
  CLASS_SHARES_SIZE,
  CLASS_TRACKS_SIZE,
  drawClassShares,
  drawClassTracks,
  drawNoiseSwatch,
  drawNovelty,
  drawSaliency,
  NOVELTY_SIZE,
} from '../../render/explore-plots.ts';
import { drawGrid, type GridLayout, gridSize, scaleLike28 } from '../../render/grid.ts';
import {
  drawNamedRows,
  drawScoredRows,
  namedRowsSize,
  rowLabelWidth,
  type ScoredRow,
  scoredRowsSize,
} from '../../render/labelled-grids.ts';
import { toGreyLevels, unpackPixels } from '../../streams/events.ts';
import type { Neighbour } from '../answers.ts';
import { type ExploreSource, serverExplore } from './explore-source.ts';
import { tabExplore } from './tab-explore.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const run = new URLSearchParams(location.search).get('run') ?? '';
/** The studio's server, or in the static site (data-trainer="tab") the runs kept in this tab and the explore worker. */
const source: ExploreSource =
  document.body.dataset.trainer === 'tab'
    ? tabExplore(run, new URL(document.body.dataset.worker ?? '', location.href))
    : serverExplore(run);
const GRID_COLS = 8;
/** Pixels a side of an image pixel in the grids: 3 for 28x28, more for smaller images (about 84 pixels an image). */
const cellScale = () => scaleLike28(3, ROWS, COLS);
/** The images G draws (read off its output when it loads): 28x28 grey digits, or a folder's size, in colour. */
let ROWS = 28,
  COLS = 28,
  CHANNELS = 1,
  PIXELS = ROWS * COLS * CHANNELS;

let G: tf.LayersModel;
/** A conditional G taking class weights instead of a class number (for walks from one class to another). */
let soft: tf.LayersModel | null = null;
let D: Realness | null = null;
let noiseDim = 100;
/** The classes a conditional G draws (a folder's own, else ten); 0: unconditional. */
let classes = 0;
/** A conditional G's label input: ten classes wide, whatever the data had. */
let labelWidth = 0;
let names: string[] = Array.from({ length: 10 }, (_, i) => String(i));
/** What the grid shows: free noise (an unconditional G), one class, or every class with the same noise per row. */
let mode: { kind: 'free' } | { kind: 'class'; digit: number } | { kind: 'all' } = { kind: 'free' };
let noise: Float32Array = new Float32Array(0);
let labels: Uint8Array | null = null;
let grey: Uint8Array = new Uint8Array(0);
let count = 0;
let selected: number | null = null;
let nudges = 0;
const picks: { z: Float32Array; label: number | null; index: number }[] = [];
let real: { grey: Uint8Array; labels: number[] | null; count: number } | null = null;
/** Held-out real images' median distance to their nearest training image (from the novelty figure). */
let heldOutMedian: number | null = null;
/** What that median measured: real images G never saw, or a folder's training images to their nearest other. */
let heldOutAre = 'real images G never saw';

function fail(message: string): void {
  $('error').textContent = message;
}

function context(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D {
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  return canvas.getContext('2d')!;
}

/** G's images of noise [n * noiseDim] (and class labels), as levels 0-255 (three a pixel in colour). */
function draw(z: Float32Array, n: number, classOf: Uint8Array | null): Uint8Array {
  const images = valuesOf(() => {
    const x = tf.tensor2d(z, [n, noiseDim]);
    const input = classes > 0 ? [x, tf.tensor2d(Array.from(classOf ?? new Uint8Array(n)), [n, 1])] : x;
    return G.predict(input) as tf.Tensor;
  });
  return toGreyLevels(images);
}

const asImages = (g: Uint8Array) => Float32Array.from(g, scaled);

// ---- the grid: the same noise as `npm run generate -- --seed N` draws ----

function makeNoise(): void {
  const seed = Math.max(0, Math.floor(Number($<HTMLInputElement>('seed').value) || 0));
  if (mode.kind === 'all') {
    const base = normals(seeded(seed, Streams.noise), GRID_COLS * noiseDim);
    count = classes * GRID_COLS;
    noise = Float32Array.from({ length: count * noiseDim }, (_, i) => base[i % base.length]);
    labels = Uint8Array.from({ length: count }, (_, i) => Math.floor(i / GRID_COLS));
  } else {
    count = Number($<HTMLSelectElement>('count').value);
    noise = normals(seeded(seed, Streams.noise), count * noiseDim);
    labels = mode.kind === 'class' ? new Uint8Array(count).fill(mode.digit) : null;
  }
  selected = null;
  regenerate();
}

const gridLayout = (): GridLayout => ({
  count,
  rows: ROWS,
  cols: COLS,
  channels: CHANNELS,
  gridCols: GRID_COLS,
  scale: cellScale(),
  pad: 2,
});

function regenerate(): void {
  grey = draw(noise, count, labels);
  const canvas = $<HTMLCanvasElement>('grid');
  const l = gridLayout();
  if (mode.kind === 'all') {
    const { width, height } = namedRowsSize(l, names);
    drawNamedRows(context(canvas, width, height), grey, names, l);
    canvas.dataset.left = String(rowLabelWidth(names));
  } else {
    const { width, height } = gridSize(l);
    drawGrid(context(canvas, width, height), grey, l);
    canvas.dataset.left = '0';
  }
  Object.assign(canvas.dataset, {
    count: String(count),
    scale: String(l.scale),
    pad: String(l.pad),
    gridCols: String(l.gridCols),
  });
  $('grid-note').textContent =
    mode.kind === 'all'
      ? 'One row per class, the same noise in every column: the noise sets the style, the label the class. Click an image to look at it closely.'
      : `${count} images${mode.kind === 'class' ? ` of class ${names[mode.digit]}` : ''}. Click an image to look at it closely.`;
  drawScores();
  if (selected !== null) showSelected();
}

/** The grid cell under a click, or null. */
function cellAt(canvas: HTMLCanvasElement, e: MouseEvent): number | null {
  const r = canvas.getBoundingClientRect();
  const x = ((e.clientX - r.left) * canvas.width) / r.width - Number(canvas.dataset.left ?? 0);
  const y = ((e.clientY - r.top) * canvas.height) / r.height;
  const l = gridLayout();
  const cw = COLS * l.scale + l.pad,
    ch = ROWS * l.scale + l.pad;
  const col = Math.floor((x - l.pad) / cw),
    row = Math.floor((y - l.pad) / ch);
  if (col < 0 || col >= l.gridCols || row < 0) return null;
  const index = row * l.gridCols + col;
  return index < count ? index : null;
}

// ---- one image, up close ----

const zOf = (i: number) => noise.slice(i * noiseDim, (i + 1) * noiseDim);

function showSelected(): void {
  if (selected === null) return;
  const i = selected;
  const image = grey.subarray(i * PIXELS, (i + 1) * PIXELS);
  // Up close at 224 pixels a side, whatever the image's size.
  const scale = Math.max(1, Math.floor(224 / Math.max(ROWS, COLS)));
  drawGrid(context($<HTMLCanvasElement>('picked'), COLS * scale, ROWS * scale), image, {
    count: 1,
    rows: ROWS,
    cols: COLS,
    channels: CHANNELS,
    gridCols: 1,
    scale,
    pad: 0,
  });
  const label = labels ? labels[i] : undefined;
  const score = D ? scores(D, asImages(image), 1, ROWS, COLS, D.needsLabel ? [label ?? 0] : undefined)[0] : NaN;
  $('picked-caption').textContent =
    `Image ${i + 1}${label !== undefined ? `, drawn as ${names[label]}` : ''}${D ? `: D's score ${score.toFixed(3)}${D.probability ? ` (${Math.round(score * 100)}% sure it is real)` : ''}` : ''}.`;
  if (D)
    drawSaliency(
      context($<HTMLCanvasElement>('saliency'), COLS * scale, ROWS * scale),
      image,
      saliency(D, asImages(image), ROWS, COLS, D.needsLabel ? (label ?? 0) : undefined),
      ROWS,
      COLS,
      scale,
    );
  drawNoiseSwatch(context($<HTMLCanvasElement>('swatch'), 150, 150), zOf(i), 15);
  $('swatch-caption').textContent =
    `Its noise vector: ${noiseDim} numbers, one cell each, red positive, blue negative${nudges ? ` (nudged ${nudges} time${nudges > 1 ? 's' : ''})` : ''}.`;
  $<HTMLButtonElement>('nudge').disabled = false;
  $<HTMLButtonElement>('pick').disabled = picks.length >= 4;
  void showNearest(image);
}

/** The latest nearest-neighbour request: an answer to an earlier click that arrives late is dropped. */
let nearestAsked = 0;

async function showNearest(image: Uint8Array): Promise<void> {
  const canvas = $<HTMLCanvasElement>('nearest');
  const asked = ++nearestAsked;
  $('nearest-note').textContent =
    'Searching the training images (the first search also measures the classifier features of all of them: up to a minute)...';
  try {
    const found = await source.nearest(Array.from(image), 6);
    if (asked !== nearestAsked) return;
    // Each row: this image, then its nearest training images.
    const row = (title: string, list: Neighbour[]): ScoredRow => ({
      title,
      grey: concat([image, ...list.map((n) => unpackPixels({ pixels: n.pixels }))]),
      scores: [NaN, ...list.map((n) => n.distance)],
      caption: (d) => (Number.isNaN(d) ? 'this one' : `d ${d.toFixed(2)}`),
    });
    const rows = [row('by pixels', found.pixel), ...(found.feature.length ? [row('by features', found.feature)] : [])];
    const l = { rows: ROWS, cols: COLS, channels: CHANNELS, scale: cellScale(), pad: 4 };
    const size = scoredRowsSize(7, rows.length, l);
    const closest = found.pixel[0];
    $('nearest-note').textContent = closest
      ? `The closest training image is ${closest.distance.toFixed(2)} away in pixels (intensities 0-1): a copy would be 0; ${heldOutMedian !== null ? `${heldOutAre} lie a median ${heldOutMedian.toFixed(2)} from theirs.` : 'real images never trained on lie several units from theirs.'}${found.feature.length === 0 ? ' (No row by features: no classifier of these images.)' : ''}`
      : '';
    drawScoredRows(
      context(canvas, size.width, size.height),
      'Nearest training images (d: distance; a copy would be 0)',
      rows,
      l,
    );
  } catch (e) {
    fail((e as Error).message);
  }
}

const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

function nudge(): void {
  if (selected === null) return;
  const size = Number($<HTMLSelectElement>('nudge-size').value);
  nudges++;
  const push = normals(seeded(nudges, 41), noiseDim);
  for (let j = 0; j < noiseDim; j++) noise[selected * noiseDim + j] += size * push[j];
  regenerate();
}

// ---- walks ----

function drawPicks(): void {
  $('picks').textContent =
    picks.length === 0
      ? 'No images picked.'
      : `Picked: ${picks.map((p) => `image ${p.index + 1}`).join(', ')}${picks.length === 3 ? ' (pick a fourth for a square, or clear)' : ''}.`;
  $<HTMLButtonElement>('walk').disabled = picks.length !== 2 && picks.length !== 4;
}

/** Picked images' noise along the chosen path; a conditional generator's label in a straight line between the picks' classes. */
function walk(): void {
  const path = $<HTMLSelectElement>('path').value as Path;
  const along = (ends: Float32Array[], p: Path) =>
    ends.length === 2 ? between(ends[0], ends[1], 10, p) : square([ends[0], ends[1], ends[2], ends[3]], 8, p);
  const points = along(
    picks.map((p) => p.z),
    path,
  );
  const n = points.length;
  let walked: Uint8Array;
  if (soft) {
    const mix = stacked(
      along(
        picks.map((p) => oneHotOf(p.label ?? 0, labelWidth)),
        'linear',
      ),
    );
    const model = soft;
    walked = toGreyLevels(
      valuesOf(
        () =>
          model.predict([tf.tensor2d(stacked(points), [n, noiseDim]), tf.tensor2d(mix, [n, labelWidth])]) as tf.Tensor,
      ),
    );
  } else walked = draw(stacked(points), n, null);
  const l = {
    count: n,
    rows: ROWS,
    cols: COLS,
    channels: CHANNELS,
    gridCols: picks.length === 2 ? 10 : 8,
    scale: cellScale(),
    pad: 2,
  };
  const { width, height } = gridSize(l);
  drawGrid(context($<HTMLCanvasElement>('walked'), width, height), walked, l);
}

// ---- what D thinks ----

function drawScores(): void {
  if (!D || !real) return;
  const fakeScores = scores(
    D,
    asImages(grey),
    count,
    ROWS,
    COLS,
    D.needsLabel ? (labels ?? new Uint8Array(count)) : undefined,
  );
  const realScores = scores(
    D,
    asImages(real.grey),
    real.count,
    ROWS,
    COLS,
    D.needsLabel ? (real.labels ?? new Array(real.count).fill(0)) : undefined,
  );
  const sorted = (g: Uint8Array, s: Float32Array, order: string, n: number): ScoredRow & { grey: Uint8Array } => {
    const idx = Array.from(s.keys())
      .sort((a, b) => (order === 'desc' ? s[b] - s[a] : s[a] - s[b]))
      .slice(0, n);
    return {
      title: '',
      grey: concat(idx.map((i) => g.subarray(i * PIXELS, (i + 1) * PIXELS))),
      scores: idx.map((i) => s[i]),
    };
  };
  const fo = $<HTMLSelectElement>('fake-order').value,
    ro = $<HTMLSelectElement>('real-order').value;
  const rows = [
    { ...sorted(grey, fakeScores, fo, 8), title: "G's images" },
    { ...sorted(real.grey, realScores, ro, 8), title: 'real images' },
  ];
  const l = { rows: ROWS, cols: COLS, channels: CHANNELS, scale: cellScale(), pad: 4 };
  const size = scoredRowsSize(8, 2, l);
  const mean = (s: Float32Array) => s.reduce((a, b) => a + b, 0) / s.length;
  drawScoredRows(
    context($<HTMLCanvasElement>('scores'), size.width, size.height),
    `D's score (${D.probability ? 'belief it is real, 0-1' : 'raw score'}): fakes average ${mean(fakeScores).toFixed(2)}, reals ${mean(realScores).toFixed(2)}`,
    rows,
    l,
  );
}

// ---- the run's figures from the server ----

async function showNovelty(): Promise<void> {
  try {
    const n = await source.novelty();
    const v = n.novelty;
    heldOutMedian = v.heldOutMedian;
    // A folder of images has none held out: its training images, each to its nearest other, stand in.
    const others = v.against ? 'training images are from each other' : 'unseen real images are';
    heldOutAre = v.against ? 'the training images' : 'real images G never saw';
    const verdict =
      v.closeShare > 0.5
        ? `Most of them sit closer to a training image than ${others}: G is copying.`
        : v.ratio < 0.8
          ? `G's images sit somewhat closer to the training images than ${others}: watch for memorising.`
          : `G's images are about as far from the training images as ${others}: new images, not copies.`;
    drawNovelty(
      context($<HTMLCanvasElement>('novelty'), NOVELTY_SIZE.width, NOVELTY_SIZE.height),
      n.generated,
      n.heldOut,
      n.lo,
      n.hi,
      `median distance: generated ${v.generatedMedian.toFixed(2)}, ${v.against ? 'training to the others' : 'held-out real'} ${v.heldOutMedian.toFixed(2)} (ratio ${v.ratio.toFixed(2)})`,
      ...(v.against ? ['training images, each to its nearest other (the folder has none held out)'] : []),
    );
    $('novelty-text').textContent =
      `${verdict} ${(100 * v.closeShare).toFixed(1)}% of G's images are closer to a training image than 95% of ${v.against ? 'the training images are to their nearest other' : 'unseen real images are'} (about 5% expected; a copier's near 100%).`;
  } catch (e) {
    $('novelty-text').textContent = (e as Error).message;
  }
}

async function showTracks(): Promise<void> {
  try {
    const t = await source.tracks();
    drawClassTracks(
      context($<HTMLCanvasElement>('tracks'), CLASS_TRACKS_SIZE.width, CLASS_TRACKS_SIZE.height),
      { ...t, classes: t.classes.map((c) => Uint8Array.from(c)) },
      t.names,
    );
    const shares = $<HTMLCanvasElement>('shares');
    shares.hidden = t.checks.length === 0;
    if (t.checks.length)
      drawClassShares(context(shares, CLASS_SHARES_SIZE.width, CLASS_SHARES_SIZE.height), t.checks, t.names);
  } catch (e) {
    // A folder of images without a classifier of its classes: said here, where the figure would be.
    const note = $('tracks-note');
    note.textContent = (e as Error).message;
    note.hidden = false;
    $('tracks').hidden = true;
    $('shares').hidden = true;
  }
}

// ---- start ----

function classButtons(): void {
  const box = $('classes');
  box.hidden = classes === 0;
  if (classes === 0) return;
  const buttons: HTMLButtonElement[] = [];
  const add = (text: string, m: typeof mode, title: string) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    b.title = title;
    b.dataset.mode = m.kind === 'class' ? String(m.digit) : 'all';
    b.onclick = () => {
      mode = m;
      buttons.forEach((x) => {
        x.classList.toggle('on', x === b);
      });
      makeNoise();
    };
    buttons.push(b);
    box.append(b);
  };
  for (let c = 0; c < classes; c++) add(names[c], { kind: 'class', digit: c }, `draw class ${names[c]}`);
  add('all classes', { kind: 'all' }, 'one row per class, the same noise in every column');
  buttons[buttons.length - 1].classList.add('on');
}

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
  const listing = await source.listing();
  if (!listing.hasGenerator) {
    fail(`run '${run}' has no saved generator yet (it is saved when the run ends or stops)`);
    return;
  }
  $('what').textContent =
    listing.problem === null
      ? `${run}: ${listing.arch} on ${listing.dataset}, ${listing.steps.toLocaleString('en-US')} steps`
      : `${run}: its record cannot be read (${listing.problem}); its saved generator is shown`;
  G = await tf.loadLayersModel(await source.network('generator'));
  noiseDim = G.inputs[0].shape[1]!;
  const [, rows, cols, channels] = G.outputs[0].shape as number[];
  [ROWS, COLS, CHANNELS] = [rows, cols, channels];
  PIXELS = ROWS * COLS * CHANNELS;
  labelWidth = G.inputs.length === 2 ? 10 : 0;
  soft = softLabelGenerator(G, noiseDim, labelWidth);
  try {
    D = realness(await tf.loadLayersModel(await source.network('discriminator')));
  } catch (e) {
    fail(`D's scores are not shown: ${(e as Error).message}`);
  }
  try {
    const r = await source.real(32);
    real = { grey: unpackPixels({ pixels: r.pixels }), labels: r.labels, count: r.count };
    names = r.names;
  } catch (e) {
    fail((e as Error).message);
    // Without the real images (the tab's own, not kept), a conditional run's record still names its classes.
    names = (await source.recordedClassNames?.().catch(() => null)) ?? names;
  }
  // A conditional G draws the data's classes: a folder's own (named by its subfolders), else ten.
  classes = labelWidth > 0 ? Math.min(names.length, labelWidth) : 0;
  if (classes > 0) {
    mode = { kind: 'all' };
    classButtons();
  }
  makeNoise();
  void showNovelty();
  void showTracks();
}

$<HTMLCanvasElement>('grid').onclick = (e) => {
  const i = cellAt(e.currentTarget as HTMLCanvasElement, e);
  if (i === null) return;
  selected = i;
  nudges = 0;
  showSelected();
};
$('new-noise').onclick = () => {
  const s = $<HTMLInputElement>('seed');
  s.value = String(Number(s.value) + 1);
  makeNoise();
};
$('seed').onchange = makeNoise;
$('count').onchange = makeNoise;
$('nudge').onclick = nudge;
$('pick').onclick = () => {
  if (selected !== null && picks.length < 4) {
    picks.push({ z: zOf(selected), label: labels ? labels[selected] : null, index: selected });
    drawPicks();
    $<HTMLButtonElement>('pick').disabled = picks.length >= 4;
  }
};
$('clear-picks').onclick = () => {
  picks.length = 0;
  drawPicks();
};
$('walk').onclick = walk;
$('fake-order').onchange = drawScores;
$('real-order').onchange = drawScores;
void main().catch((e) => fail((e as Error).message));
