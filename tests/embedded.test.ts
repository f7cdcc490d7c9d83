import { createRequire } from 'node:module';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { imagesOf, limitDataset } from '../src/data/dataset.ts';
import { embeddedDigits } from '../src/data/embedded.ts';

const d = embeddedDigits();

test('mnist-small holds 10,000 labelled 28x28 digits, a byte a pixel', () => {
  assert.is(d.count, 10000);
  assert.is(d.rows, 28);
  assert.is(d.cols, 28);
  assert.ok(d.bytes instanceof Uint8Array);
  assert.is(d.bytes.length, 10000 * 784);
  assert.is(d.labels!.length, 10000);
});

test("the grey levels are the package's values (0-1 to three decimals) rounded back to bytes, and scale to the whole of [-1, 1]", () => {
  const three = createRequire(import.meta.url)('mnist/src/digits/3.json').data as number[];
  const firstThree = Array.from(d.labels!).indexOf(3);
  const grey = d.bytes.subarray(firstThree * 784, (firstThree + 1) * 784);
  for (let i = 0; i < 784; i++)
    assert.ok(Math.abs(grey[i] / 255 - three[i]) <= 0.0005 + 1e-9, `pixel ${i}: ${grey[i]} against ${three[i]}`);
  const images = imagesOf(d, 0, 1000);
  let min = Infinity,
    max = -Infinity;
  for (const v of images) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  assert.equal([min, max], [-1, 1]);
});

test('classes are interleaved, so a --limit keeps every digit', () => {
  const first = limitDataset(d, 100);
  const seen = new Set(first.labels);
  assert.is(seen.size, 10);
  const counts = new Array(10).fill(0);
  for (const l of d.labels!) counts[l]++;
  assert.equal(counts, [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
});

test.run();
