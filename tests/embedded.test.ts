import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { embeddedDigits } from '../src/data/embedded.ts';
import { limitDataset } from '../src/data/dataset.ts';

const d = embeddedDigits();

test('the embedded set holds 10,000 labelled 28x28 digits', () => {
  assert.is(d.count, 10000);
  assert.is(d.rows, 28);
  assert.is(d.cols, 28);
  assert.is(d.images.length, 10000 * 784);
  assert.is(d.labels!.length, 10000);
});

test('pixels are scaled to [-1, 1] and use the whole range', () => {
  let min = Infinity, max = -Infinity;
  for (const v of d.images) { if (v < min) min = v; if (v > max) max = v; }
  assert.is(min, -1);
  assert.ok(max > 0.99 && max <= 1, `max ${max}`);
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
