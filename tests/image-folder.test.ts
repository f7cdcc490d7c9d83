/** Folders (and zips) of PNG and JPEG images as datasets: classes, sizes, channels, and every kind of bad input. */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import { zipSync } from 'fflate';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Dataset } from '../src/data/dataset.ts';
import { embeddedDigits } from '../src/data/embedded.ts';
import { imageHeader } from '../src/data/image-header.ts';
import { loadDataset } from '../src/data/load.ts';

const unwrap = <T>(e: E.Either<string, T>): T => {
  if (E.isLeft(e)) throw new Error(e.left);
  return e.right;
};
const errorOf = <T>(e: E.Either<string, T>): string => {
  if (E.isRight(e)) throw new Error('expected an error');
  return e.left;
};
const tmp = () => mkdtempSync(join(tmpdir(), 'ganstream-images-'));
const AS_IS = { imageSize: null, channels: null } as const;

/** Mean colour of the bright pixels (a channel over 100: the shape, not the dark background) of one class. */
function shapeColour(d: Dataset, label: number): number[] {
  const sums = [0, 0, 0];
  let n = 0;
  for (let p = 0; p < d.count * d.rows * d.cols; p++) {
    if (d.labels![Math.floor(p / (d.rows * d.cols))] !== label) continue;
    const rgb = [0, 1, 2].map((c) => d.bytes[p * 3 + c]);
    if (Math.max(...rgb) <= 100) continue;
    n++;
    rgb.forEach((v, c) => {
      sums[c] += v;
    });
  }
  return sums.map((s) => s / n);
}

const png = (w: number, h: number, colour = '#fff') => {
  const canvas = createCanvas(w, h);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = colour;
  ctx.fillRect(0, 0, w, h);
  return canvas.toBuffer('image/png');
};

test('grey digits in class folders: 200 images, labels from the folder names, the very pixels of the digits they were made of', () => {
  const d = unwrap(loadDataset('fixtures/images/digits'));
  assert.is(d.count, 200);
  assert.equal([d.rows, d.cols, d.channels], [28, 28, 1]);
  assert.equal(d.classes, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  assert.equal(Array.from(d.labels!.subarray(0, 21)), [...Array(20).fill(0), 1]);
  // The first image of class 3 is the first 3 of mnist-small: PNG is lossless.
  const all = embeddedDigits();
  const first3 = all.labels!.indexOf(3);
  const at = d.labels!.indexOf(3);
  assert.equal(d.bytes.subarray(at * 784, (at + 1) * 784), all.bytes.subarray(first3 * 784, (first3 + 1) * 784));
  assert.is(d.source!.path, 'fixtures/images/digits');
  assert.match(d.source!.hash, /^[0-9a-f]{16}$/);
  assert.equal(d.source!.skipped, []);
});

test('coloured shapes: colour found without being asked, their own 32x32, each class its own colour', () => {
  const d = unwrap(loadDataset('fixtures/images/shapes'));
  assert.equal([d.count, d.rows, d.cols, d.channels], [240, 32, 32, 3]);
  assert.equal(d.classes, ['blue-triangles', 'green-squares', 'red-discs']);
  const [blue, green, red] = [0, 1, 2].map((c) => shapeColour(d, c));
  const near = (got: number[], want: number[]) => got.every((v, c) => Math.abs(v - want[c]) < 40);
  assert.ok(near(red, [220, 40, 40]), `red discs: ${red}`);
  assert.ok(near(green, [40, 200, 60]), `green squares: ${green}`);
  assert.ok(near(blue, [50, 110, 245]), `blue triangles: ${blue}`);
});

test('--image-size scales, --channels 1 makes grey, --channels 3 gives grey images three equal channels', () => {
  const small = unwrap(loadDataset('fixtures/images/shapes', { imageSize: 16, channels: null }));
  assert.equal([small.rows, small.cols, small.channels, small.bytes.length], [16, 16, 3, 240 * 16 * 16 * 3]);
  const grey = unwrap(loadDataset('fixtures/images/shapes', { imageSize: null, channels: 1 }));
  assert.equal([grey.channels, grey.bytes.length], [1, 240 * 32 * 32]);
  const digits = unwrap(loadDataset('fixtures/images/digits', { imageSize: null, channels: 3 }));
  assert.is(digits.channels, 3);
  for (let i = 0; i < 784 * 3; i += 3)
    assert.ok(digits.bytes[i] === digits.bytes[i + 1] && digits.bytes[i] === digits.bytes[i + 2]);
});

test('JPEG photos of 48x36 in the folder itself: no labels, the centred square at 28x28, in colour', () => {
  const d = unwrap(loadDataset('fixtures/images/photos'));
  assert.equal([d.count, d.rows, d.cols, d.channels], [8, 28, 28, 3]);
  assert.is(d.labels, null);
  assert.is(d.classes, null);
  const header = unwrap(imageHeader(new Uint8Array(readFileSync('fixtures/images/photos/photo-0.jpg')), 'photo-0.jpg'));
  assert.equal(header, { format: 'jpeg', width: 48, height: 36 });
});

test('a zip of the folder (inside its own top folder) is the same dataset, hash included', () => {
  const files: Record<string, Uint8Array> = {};
  for (const shape of ['blue-triangles', 'green-squares', 'red-discs'])
    for (let n = 0; n < 80; n++) {
      const name = `${shape}/${String(n).padStart(2, '0')}.png`;
      files[`shapes/${name}`] = new Uint8Array(readFileSync(`fixtures/images/shapes/${name}`));
    }
  files['__MACOSX/shapes/._x.png'] = new Uint8Array([1, 2, 3]);
  const path = join(tmp(), 'shapes.zip');
  writeFileSync(path, zipSync(files));
  const zipped = unwrap(loadDataset(path));
  const folder = unwrap(loadDataset('fixtures/images/shapes'));
  assert.equal([zipped.count, zipped.channels, zipped.classes], [folder.count, folder.channels, folder.classes]);
  assert.equal(zipped.bytes, folder.bytes);
  assert.is(zipped.source!.hash, folder.source!.hash);
});

test('a corrupt PNG among good ones is skipped and named; a cut-short one too', () => {
  const dir = tmp();
  for (let i = 0; i < 3; i++) writeFileSync(join(dir, `good-${i}.png`), png(8, 8));
  writeFileSync(join(dir, 'garbage.png'), 'this is not a picture');
  const whole = png(8, 8);
  writeFileSync(join(dir, 'cut.png'), whole.subarray(0, whole.length - 20));
  const d = unwrap(loadDataset(dir));
  assert.is(d.count, 3);
  assert.is(d.source!.skipped.length, 2);
  assert.match(d.source!.skipped.join('\n'), /garbage\.png: not a PNG or JPEG image/);
  assert.match(d.source!.skipped.join('\n'), /cut\.png: corrupt PNG: it does not end with an IEND chunk/);
});

test('bad folders: each a one-line error naming the file or value and what was expected', () => {
  const empty = tmp();
  assert.match(errorOf(loadDataset(empty)), /no PNG or JPEG images \(the folder is empty\), expected \*\.png/);
  const texts = tmp();
  writeFileSync(join(texts, 'notes.txt'), 'hello');
  assert.match(errorOf(loadDataset(texts)), /no PNG or JPEG images \(1 other files, such as notes\.txt\)/);
  const corrupt = tmp();
  writeFileSync(join(corrupt, 'a.png'), 'nope');
  assert.match(errorOf(loadDataset(corrupt)), /none of its 1 image files can be read \(a\.png: not a PNG or JPEG/);
  const mixed = tmp();
  writeFileSync(join(mixed, 'a.png'), png(8, 8));
  writeFileSync(join(mixed, 'b.png'), png(12, 10));
  assert.match(
    errorOf(loadDataset(mixed)),
    /images of mixed sizes \(a\.png is 8x8, b\.png 12x10\): expected --image-size N/,
  );
  assert.equal(unwrap(loadDataset(mixed, { imageSize: 6, channels: null })).rows, 6);
  const huge = tmp();
  // A PNG that says it is 10,000 x 10,000: refused from its header, never decoded.
  const header = Buffer.from('89504e470d0a1a0a0000000d49484452000027100000271008060000000000000000', 'hex');
  writeFileSync(join(huge, 'huge.png'), Buffer.concat([header, Buffer.from('0000000049454e44ae426082', 'hex')]));
  assert.match(errorOf(loadDataset(huge)), /huge\.png is 10000x10000 pixels, expected at most 4096 on a side/);
  const both = tmp();
  writeFileSync(join(both, 'loose.png'), png(8, 8));
  mkdirSync(join(both, 'cats'));
  writeFileSync(join(both, 'cats', 'c.png'), png(8, 8));
  assert.match(
    errorOf(loadDataset(both)),
    /images both in the folder itself \(loose\.png\) and in subfolders \(cats\/c\.png\)/,
  );
  const zip = join(tmp(), 'broken.zip');
  writeFileSync(zip, Buffer.from('PK\x03\x04 this archive is broken'));
  assert.match(errorOf(loadDataset(zip)), /broken\.zip: corrupt zip archive/);
  for (const e of [empty, texts, corrupt, mixed, huge, both].map((p) => errorOf(loadDataset(p, AS_IS))))
    assert.not.match(e, /\n/);
});

test.run();
