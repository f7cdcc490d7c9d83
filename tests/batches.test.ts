import { firstValueFrom, toArray } from 'rxjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { limitDataset } from '../src/data/dataset.ts';
import { embeddedDigits } from '../src/data/embedded.ts';
import { batches, stepsPerEpoch } from '../src/streams/sources/batches.ts';
import { milestoneNoise, noise } from '../src/streams/sources/noise.ts';
import { zipPaced } from '../src/streams/sources/paced.ts';

const data = limitDataset(embeddedDigits(), 100);
const firstPixels = (images: Float32Array) => Array.from(images.subarray(0, 16));

test('the same seed gives the same batches; another seed another order', () => {
  const a = [...batches(data, { batchSize: 10, epochs: 2, seed: 7 })];
  const b = [...batches(data, { batchSize: 10, epochs: 2, seed: 7 })];
  const c = [...batches(data, { batchSize: 10, epochs: 2, seed: 8 })];
  assert.is(a.length, 20);
  assert.equal(
    a.map((x) => Array.from(x.labels!)),
    b.map((x) => Array.from(x.labels!)),
  );
  assert.equal(firstPixels(a[5].images), firstPixels(b[5].images));
  assert.not.equal(
    a.map((x) => Array.from(x.labels!)),
    c.map((x) => Array.from(x.labels!)),
  );
});

test('each epoch is a new shuffle that uses every image once', () => {
  const all = [...batches(data, { batchSize: 10, epochs: 2, seed: 1 })];
  const epochKey = (e: number) =>
    all
      .filter((x) => x.epoch === e)
      .map((x) => Array.from(x.images.subarray(0, 784)).join())
      .join('|');
  assert.not.equal(epochKey(1), epochKey(2));
  for (const epoch of [1, 2]) {
    const images = new Set<string>();
    for (const x of all.filter((b) => b.epoch === epoch)) {
      for (let i = 0; i < 10; i++) images.add(Array.from(x.images.subarray(i * 784, (i + 1) * 784)).join());
    }
    assert.is(images.size, 100);
  }
});

test('the last partial batch is dropped and steps are numbered across epochs', () => {
  const all = [...batches(data, { batchSize: 30, epochs: 3, seed: 1 })];
  assert.is(stepsPerEpoch(data, 30), 3);
  assert.is(all.length, 9);
  assert.equal(
    all.map((b) => b.step),
    [1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  assert.equal(
    all.map((b) => b.epoch),
    [1, 1, 1, 2, 2, 2, 3, 3, 3],
  );
  assert.ok(all.every((b) => b.images.length === 30 * 784));
});

test('noise is seeded standard normal, two batches per step', () => {
  const it = noise({ batchSize: 50, noiseDim: 100, seed: 3 })[Symbol.iterator]();
  const first = it.next().value!;
  const again = noise({ batchSize: 50, noiseDim: 100, seed: 3 })[Symbol.iterator]().next().value!;
  assert.equal(Array.from(first.forD.subarray(0, 8)), Array.from(again.forD.subarray(0, 8)));
  assert.is(first.forD.length, 5000);
  assert.not.equal(Array.from(first.forD.subarray(0, 8)), Array.from(first.forG.subarray(0, 8)));
  let sum = 0,
    sq = 0;
  for (const v of first.forD) {
    sum += v;
    sq += v * v;
  }
  const mean = sum / 5000;
  const std = Math.sqrt(sq / 5000 - mean * mean);
  assert.ok(Math.abs(mean) < 0.05, `mean ${mean}`);
  assert.ok(Math.abs(std - 1) < 0.05, `std ${std}`);
  assert.equal(Array.from(milestoneNoise(3, 4, 10)), Array.from(milestoneNoise(3, 4, 10)));
});

test('zipPaced pairs the two sources in lockstep without reading ahead', async () => {
  let pulledNoise = 0;
  const counted = {
    *[Symbol.iterator]() {
      for (;;) {
        pulledNoise++;
        yield pulledNoise;
      }
    },
  };
  const pairs = await firstValueFrom(
    zipPaced(batches(data, { batchSize: 25, epochs: 2, seed: 1 }), counted).pipe(toArray()),
  );
  assert.is(pairs.length, 8);
  assert.equal(
    pairs.map(([, n]) => n),
    [1, 2, 3, 4, 5, 6, 7, 8],
  );
  assert.is(pulledNoise, 8, 'the infinite noise source is pulled once per batch, never ahead');
});

test('zipPaced yields to the event loop between pairs', async () => {
  // Each pair queues a marker on the event loop (setImmediate). A source that yields runs it before
  // the next pair; one that emitted in a loop would deliver every pair before any marker ran.
  const seen: number[] = [];
  const markers: number[] = [];
  const markersAtArrival: number[] = [];
  const counter = {
    *[Symbol.iterator]() {
      for (let i = 0; ; i++) yield i;
    },
  };
  await new Promise<void>((done) =>
    zipPaced(batches(data, { batchSize: 10, epochs: 30, seed: 1 }), counter).subscribe({
      next: ([b]) => {
        markersAtArrival.push(markers.length);
        seen.push(b.step);
        setImmediate(() => markers.push(b.step));
      },
      complete: done,
    }),
  );
  assert.is(seen.length, 300);
  assert.equal(
    markersAtArrival,
    Array.from({ length: 300 }, (_, i) => i),
    'pair k+1 arrives after the k markers before it ran',
  );
});

test.run();
