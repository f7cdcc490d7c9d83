/**
 * The explore analyses (src/explore): walks between noise vectors, D's saliency, nearest
 * neighbours, the novelty figure, class tracks; and their command-line faces (generate
 * --interpolate and --nearest, evaluate's novelty line), on a briefly trained acgan.
 */

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { imagesOf, limitDataset, pixelsOf } from '../src/data/dataset.ts';
import { normals, seeded } from '../src/data/random.ts';
import { classTracks, stillHopping } from '../src/explore/class-tracks.ts';
import { measureNovelty } from '../src/explore/copying.ts';
import { realness, saliency, scores } from '../src/explore/discriminator-view.ts';
import { angleBetween, between, lerp, slerp, square } from '../src/explore/interpolate.ts';
import { nearest, type PointSet, pixelSet } from '../src/explore/neighbours.ts';
import { histogram, novelty, quantile } from '../src/explore/novelty.ts';
import { drawSamples, loadGenerator } from '../src/plan/saved-generator.ts';
import { loadRunSets } from '../src/quality/run-sets.ts';
import { acganRun } from './helpers/acgan-run.ts';
import { pngSize, runScriptAsync } from './helpers/cli.ts';
import { useTestBackend } from './helpers/tf.ts';

await useTestBackend();

const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

test('walks: both paths start and end exactly at their ends; the spherical path keeps the length, the straight one shrinks it', () => {
  const a = normals(seeded(1, 1), 100),
    b = normals(seeded(2, 1), 100);
  for (const path of ['linear', 'spherical'] as const) {
    const w = between(a, b, 7, path);
    assert.is(w.length, 7);
    assert.equal(Array.from(w[0]), Array.from(a), `${path} starts at a`);
    assert.equal(Array.from(w[6]), Array.from(b), `${path} ends at b`);
  }
  const mid = (f: typeof lerp) => norm(f(a, b, 0.5)) / ((norm(a) + norm(b)) / 2);
  assert.ok(mid(lerp) < 0.8, `linear midpoint length ratio ${mid(lerp)}`);
  assert.ok(Math.abs(mid(slerp) - 1) < 0.05, `spherical midpoint length ratio ${mid(slerp)}`);
  // Along the great circle between vectors of one length, equal steps in t are equal steps in angle.
  const w = between(
    a,
    b.map((x) => (x * norm(a)) / norm(b)),
    5,
    'spherical',
  );
  const angles = w.slice(1).map((p, i) => angleBetween(w[i], p));
  assert.ok(Math.max(...angles) - Math.min(...angles) < 1e-4, `angles ${angles}`);
  const c = normals(seeded(3, 1), 100),
    d = normals(seeded(4, 1), 100);
  const sq = square([a, b, c, d], 4, 'spherical');
  assert.is(sq.length, 16);
  for (const [i, v] of [
    [0, a],
    [3, b],
    [12, c],
    [15, d],
  ] as const)
    assert.equal(Array.from(sq[i]), Array.from(v), `corner ${i}`);
  assert.throws(() => between(a, b, 1, 'linear'), /steps 1, expected an integer of at least 2/);
});

test('saliency is the gradient of the realness logit: it matches central finite differences on a tiny discriminator (bce and acgan shapes)', () => {
  for (const units of [1, 11]) {
    const d = tf.sequential();
    d.add(tf.layers.flatten({ inputShape: [4, 4, 1] }));
    d.add(
      tf.layers.dense({
        units: 6,
        activation: 'tanh',
        kernelInitializer: tf.initializers.randomNormal({ seed: 7, stddev: 0.8 }),
        biasInitializer: 'zeros',
      }),
    );
    d.add(tf.layers.dense({ units, kernelInitializer: tf.initializers.randomNormal({ seed: 8, stddev: 0.8 }) }));
    if (units === 1) d.add(tf.layers.activation({ activation: 'sigmoid' }));
    const r = realness(d);
    assert.ok(r.probability);
    const x = normals(seeded(5, 1), 16).map((v) => Math.tanh(v));
    const g = saliency(r, x, 4, 4);
    const logit = (v: Float32Array) => tf.tidy(() => r.logit(tf.tensor4d(v, [1, 4, 4, 1])).dataSync()[0]);
    const h = 1e-2;
    for (let i = 0; i < 16; i++) {
      const up = Float32Array.from(x),
        down = Float32Array.from(x);
      up[i] += h;
      down[i] -= h;
      const numeric = (logit(up) - logit(down)) / (2 * h);
      assert.ok(
        Math.abs(numeric - g[i]) < 2e-3 + 1e-2 * Math.abs(numeric),
        `units ${units}, pixel ${i}: gradient ${g[i]}, finite difference ${numeric}`,
      );
    }
    // The score is the sigmoid of the logit, for the saved bce D and for an AC-GAN's first output alike.
    const s = scores(r, x, 1, 4, 4)[0];
    assert.ok(Math.abs(s - 1 / (1 + Math.exp(-logit(x)))) < 1e-5);
    d.dispose();
  }
});

test('nearest neighbours agree with a brute-force search (indices and exact distances), across chunk boundaries', () => {
  const rng = seeded(11, 1);
  const dim = 20,
    count = 300;
  const values = Uint8Array.from({ length: count * dim }, () => rng.int(256));
  const set: PointSet = { values, count, dim, scale: 1 / 255 };
  const q = 7;
  const queries = Float32Array.from({ length: q * dim }, () => rng.uniform());
  // One query is a point of the set: its nearest is itself at distance 0.
  queries.set(
    Float32Array.from(values.subarray(42 * dim, 43 * dim), (v) => v / 255),
    3 * dim,
  );
  const found = nearest(queries, q, set, 5, 64);
  for (let i = 0; i < q; i++) {
    const brute = Array.from({ length: count }, (_, j) => {
      let s = 0;
      for (let k = 0; k < dim; k++) {
        const d = queries[i * dim + k] - values[j * dim + k] / 255;
        s += d * d;
      }
      return { index: j, distance: Math.sqrt(s) };
    })
      .sort((a, b) => a.distance - b.distance)
      .slice(0, 5);
    assert.equal(
      found[i].map((n) => n.index),
      brute.map((n) => n.index),
      `query ${i}`,
    );
    found[i].forEach((n, k) => {
      assert.ok(Math.abs(n.distance - brute[k].distance) < 1e-6);
    });
  }
  assert.is(found[3][0].index, 42);
  assert.ok(found[3][0].distance < 1e-6, `a point of the set is at ${found[3][0].distance}`);
});

test('novelty figures: quantiles, histogram, and a copier against new images', () => {
  assert.is(quantile([3, 1, 2], 0.5), 2);
  assert.is(quantile([0, 10], 0.25), 2.5);
  assert.equal(histogram([0, 0.5, 1, 5, -1], 2, 0, 1), [2, 3]);
  const heldOut = Array.from({ length: 100 }, (_, i) => 4 + i / 50);
  const copier = novelty(new Array(50).fill(0), heldOut);
  assert.is(copier.ratio, 0);
  assert.is(copier.closeShare, 1);
  const fresh = novelty(
    heldOut.map((d) => d + 0.1),
    heldOut,
  );
  assert.ok(fresh.ratio > 1 && fresh.closeShare < 0.05, JSON.stringify(fresh));
});

test('class tracks: the class of each fixed point at each milestone, and how often it changed', () => {
  // A stand-in classifier: the class is the image's first pixel's grey level / 10.
  const classify = (images: Float32Array, count: number) =>
    Uint8Array.from({ length: count }, (_, i) => Math.round((images[i * 4] + 1) * 127.5) / 10);
  const grid = (firsts: number[]) => ({
    grey: Uint8Array.from(firsts.flatMap((f) => [f, 0, 0, 0])),
    count: firsts.length,
  });
  const t = classTracks(
    [
      { label: 'step 1', step: 1, ...grid([10, 20, 30]) },
      { label: 'epoch 1', step: 10, ...grid([10, 30, 30]) },
      { label: 'epoch 2', step: 20, ...grid([10, 20, 30, 90]) },
    ],
    classify,
  );
  assert.equal(
    t.classes.map((c) => Array.from(c)),
    [
      [1, 1, 1],
      [2, 3, 2],
      [3, 3, 3],
    ],
  );
  assert.equal(t.changes, [0, 2, 0]);
  assert.equal(t.labels, ['step 1', 'epoch 1', 'epoch 2']);
  assert.is(stillHopping(t, 2), 1);
});

test('a generator that returns training images is caught copying; a trained acgan is not', async () => {
  const run = acganRun();
  const sets = await loadRunSets({ dataset: 'mnist-small', limit: 4096 });
  if (E.isLeft(sets)) throw new Error(sets.left);
  const { train } = sets.right;
  const heldOut = limitDataset(sets.right.heldOut!, 500);
  // The copier: 500 of the training images themselves.
  const copies = measureNovelty(imagesOf(train, 1000, 1500), 500, heldOut, train);
  assert.ok(copies.novelty.closeShare > 0.99 && copies.novelty.ratio < 0.01, JSON.stringify(copies.novelty));
  const g = await loadGenerator(run);
  if (E.isLeft(g)) throw new Error(g.left);
  const drawn = drawSamples(g.right, 500, seeded(1, 21));
  const made = measureNovelty(drawn.images, 500, heldOut, train);
  assert.ok(made.novelty.closeShare < 0.2 && made.novelty.ratio > 0.8, JSON.stringify(made.novelty));
  g.right.model.dispose();
  assert.is(pixelSet(train.bytes, train.count, pixelsOf(train)).count, 4096);
});

test("generate --interpolate: the walk's ends are the grid's images; --nearest writes the neighbours and their distances; evaluate prints the novelty line", async () => {
  const run = acganRun();
  const dir = mkdtempSync(join(tmpdir(), 'ganstream-walk-'));
  // Independent scripts, side by side.
  const [grid, walk, square, bad, nearest, evaluated] = await Promise.all([
    runScriptAsync('scripts/generate.ts', [
      '--model',
      run,
      '--digit',
      '4',
      '--count',
      '8',
      '--format',
      'idx',
      '--out',
      join(dir, 'grid-images-idx3-ubyte'),
    ]),
    runScriptAsync('scripts/generate.ts', [
      '--model',
      run,
      '--digit',
      '4',
      '--count',
      '8',
      '--interpolate',
      '2,7',
      '--steps',
      '5',
      '--format',
      'idx',
      '--out',
      join(dir, 'walk-images-idx3-ubyte'),
    ]),
    runScriptAsync('scripts/generate.ts', [
      '--model',
      run,
      '--interpolate',
      '1,2,3,4',
      '--steps',
      '3',
      '--path',
      'linear',
      '--out',
      join(dir, 'square.png'),
    ]),
    runScriptAsync('scripts/generate.ts', ['--model', run, '--interpolate', '1,99']),
    runScriptAsync('scripts/generate.ts', [
      '--model',
      run,
      '--digit',
      '1',
      '--count',
      '3',
      '--nearest',
      '4',
      '--out',
      join(dir, 'near.png'),
    ]),
    runScriptAsync('scripts/evaluate.ts', ['--model', run, '--n', '200']),
  ]);
  for (const r of [grid, walk, square, nearest, evaluated]) assert.is(r.code, 0, r.stderr);
  assert.match(
    walk.stdout,
    /^wrote a strip of 5 images between images 2, 7 of the grid \(seed 1, all of class 4\), the noise along the spherical path, the label in a straight line, to /,
  );
  const images = (f: string) => readFileSync(join(dir, f)).subarray(16);
  const image = (bytes: Uint8Array, i: number) => Array.from(bytes.subarray(i * 784, (i + 1) * 784));
  const near = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]) <= 1);
  assert.ok(
    near(image(images('walk-images-idx3-ubyte'), 0), image(images('grid-images-idx3-ubyte'), 1)),
    'the walk starts at image 2',
  );
  assert.ok(
    near(image(images('walk-images-idx3-ubyte'), 4), image(images('grid-images-idx3-ubyte'), 6)),
    'the walk ends at image 7',
  );
  assert.not.ok(
    near(image(images('walk-images-idx3-ubyte'), 2), image(images('grid-images-idx3-ubyte'), 1)),
    'the middle is another image',
  );
  assert.equal(pngSize(readFileSync(join(dir, 'square.png'))), { width: 3 * 58 + 2, height: 3 * 58 + 2 });
  assert.is(bad.code, 2);
  assert.is(
    bad.stderr,
    'error: --interpolate: image 99, expected numbers from 1 to 80 (the grid the other flags draw)\n',
  );
  const lines = nearest.stdout.trim().split('\n');
  assert.is(lines.length, 4);
  assert.match(
    lines[0],
    /^image 1: #\d+ \(\d\) \d+\.\d\d, #\d+ \(\d\) \d+\.\d\d, #\d+ \(\d\) \d+\.\d\d, #\d+ \(\d\) \d+\.\d\d$/,
  );
  assert.match(
    lines[3],
    /^wrote 3 images, all of class 1 and their 4 nearest training images by pixels to .*near\.png; the closest pair: image \d, \d+\.\d\d apart/,
  );
  assert.ok(pngSize(readFileSync(join(dir, 'near.png'))));
  assert.match(
    evaluated.stdout,
    /\nnovelty: generated images' median distance to the nearest training image \d+\.\d\d, held-out real images' \d+\.\d\d \(ratio \d+\.\d\d; a copier's is near 0\); \d+\.\d% of generated images are closer than 95% of held-out ones/,
  );
});

test.run();
