/**
 * Fuzz: random bytes and random mutations of valid IDX files (raw and gzipped) and NDJSON
 * recordings, thrown at the dataset loader and at replay. Never a throw or a hang: always a
 * one-line error or a valid result. Seeded, so a failure repeats.
 */

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadIdxDataset } from '../src/data/load.ts';
import { type Random, seeded } from '../src/data/random.ts';
import { replayRecording } from '../src/plan/replay-run.ts';

const tmp = mkdtempSync(join(tmpdir(), 'ganstream-fuzz-'));

/** One random change: flipped bytes, a cut, random bytes appended or inserted, or pure noise. */
function mutate(rng: Random, valid: Uint8Array): Uint8Array {
  const bytes = valid.slice();
  switch (rng.int(6)) {
    case 0:
      for (let k = 0, n = 1 + rng.int(8); k < n; k++) bytes[rng.int(bytes.length)] = rng.int(256);
      return bytes;
    case 1:
      for (let k = 0, n = 1 + rng.int(4); k < n; k++) bytes[rng.int(Math.min(bytes.length, 16))] = rng.int(256);
      return bytes; // the header
    case 2:
      return bytes.subarray(0, rng.int(bytes.length));
    case 3: {
      const extra = Uint8Array.from({ length: 1 + rng.int(64) }, () => rng.int(256));
      const out = new Uint8Array(bytes.length + extra.length);
      out.set(bytes);
      out.set(extra, bytes.length);
      return out;
    }
    case 4: {
      const at = rng.int(bytes.length);
      const out = new Uint8Array(bytes.length + 3);
      out.set(bytes.subarray(0, at));
      out.set([rng.int(256), rng.int(256), rng.int(256)], at);
      out.set(bytes.subarray(at), at + 3);
      return out;
    }
    default:
      return Uint8Array.from({ length: rng.int(2048) }, () => rng.int(256));
  }
}

const oneLine = (message: string) => message.length > 0 && !message.includes('\n');

test('IDX loader: 400 mutated raw and gzipped images files (labels beside them mutated too) give a one-line error or a consistent dataset', () => {
  const rng = seeded(99);
  const images = new Uint8Array(readFileSync('fixtures/idx-raw/digits-images-idx3-ubyte'));
  const labels = new Uint8Array(readFileSync('fixtures/idx-raw/digits-labels-idx1-ubyte'));
  let errors = 0,
    loaded = 0;
  for (let i = 0; i < 400; i++) {
    const gz = i % 2 === 1;
    const dir = mkdtempSync(join(tmp, 'idx-'));
    const imagesPath = join(dir, `f-images-idx3-ubyte${gz ? '.gz' : ''}`);
    // Mutate the gzipped bytes for half of them: then the gzip layer is what breaks.
    const imageBytes = gz
      ? rng.int(2)
        ? mutate(rng, gzipSync(images))
        : gzipSync(mutate(rng, images))
      : mutate(rng, images);
    writeFileSync(imagesPath, imageBytes);
    if (i % 3 === 0) writeFileSync(join(dir, 'f-labels-idx1-ubyte'), rng.int(2) ? mutate(rng, labels) : labels);
    const r = loadIdxDataset(imagesPath);
    if (E.isLeft(r)) {
      errors++;
      assert.ok(oneLine(r.left), r.left);
      assert.ok(r.left.includes(dir), `the message names the file: ${r.left}`);
    } else {
      loaded++;
      const d = r.right;
      assert.is(d.bytes.length, d.count * d.rows * d.cols);
      assert.ok(d.labels === null || d.labels.length === d.count);
    }
  }
  assert.ok(errors > 200 && loaded > 10, `${errors} errors, ${loaded} loaded: the mutations reach both outcomes`);
});

test('replay: 150 mutated recordings (flipped bytes, cut or doubled lines, noise) resolve to a one-line error or a result, within seconds', async () => {
  const rng = seeded(7);
  const valid = new Uint8Array(readFileSync('fixtures/streams/golden.ndjson'));
  const text = readFileSync('fixtures/streams/healthy.ndjson', 'utf8').split('\n');
  let errors = 0,
    replayed = 0;
  for (let i = 0; i < 150; i++) {
    const path = join(tmp, `fuzz-${i}.ndjson`);
    if (i % 3 === 2) {
      const lines = text.slice(0, 1 + rng.int(text.length));
      for (let k = 0; k < 3; k++) {
        const at = rng.int(lines.length);
        lines.splice(
          at,
          0,
          rng.int(2) ? lines[rng.int(lines.length)] : lines[at].slice(0, rng.int(lines[at].length + 1)),
        );
      }
      writeFileSync(path, lines.join('\n'));
    } else {
      writeFileSync(path, mutate(rng, valid));
    }
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      replayRecording(path, null),
      new Promise<'hang'>((done) => {
        timer = setTimeout(() => done('hang'), 10_000);
      }),
    ]);
    clearTimeout(timer);
    assert.ok(outcome !== 'hang', `replay of mutation ${i} did not finish`);
    if (E.isLeft(outcome)) {
      errors++;
      assert.ok(oneLine(outcome.left), outcome.left);
    } else {
      replayed++;
      assert.ok(outcome.right.events > 0);
      assert.ok(outcome.right.bad.every((b) => oneLine(b.reason)));
    }
  }
  assert.ok(errors > 5 && replayed > 50, `${errors} errors, ${replayed} replayed`);
});

test.run();
