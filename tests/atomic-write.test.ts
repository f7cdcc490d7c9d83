// The checkpoint write itself under SIGKILL: a child rewrites a real checkpoint-sized file over and
// over and is killed at seeded moments, most of them inside a write; the file must always hold the
// previous or the new checkpoint, whole.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { seeded } from '../src/data/random.ts';
import { ARCHITECTURES } from '../src/model/architectures.ts';
import { parseCheckpoint, snapshot } from '../src/model/checkpoint.ts';
import { createGan, disposeGan } from '../src/model/gan.ts';
import { writeFolderAtomic } from '../src/streams/sinks/atomic-write.ts';
import { useTestBackend } from './helpers/tf.ts';

await useTestBackend();

const dir = mkdtempSync(join(tmpdir(), 'ganstream-atomic-'));
const gan = createGan(ARCHITECTURES['mlp-gbn'], { pixels: 784, seed: 1, lr: 4e-4, beta1: 0.5, ema: 0.999 });
const versions = [snapshot(gan, { step: 100 }), snapshot(gan, { step: 200 })];
disposeGan(gan);
versions.forEach((v, i) => {
  writeFileSync(join(dir, `v${i}.bin`), v);
});

/** Starts the rewriting child, waits for its first whole write, lets it run `ms` more, then SIGKILLs it. */
function killWhileWriting(target: string, ms: number): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'tests/helpers/rewrite-forever.ts', target, join(dir, 'v0.bin'), join(dir, 'v1.bin')],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), ms));
    child.once('exit', (code, signal) =>
      signal === 'SIGKILL' ? done() : fail(new Error(`child ended with ${code ?? signal} before the kill`)),
    );
  });
}

test('writeFileAtomic: a checkpoint of 2.9M parameters killed mid-rewrite 12 times at seeded moments is always the old or the new one, whole', async () => {
  assert.ok(versions[0].length > 30e6, `checkpoint of ${versions[0].length} bytes`);
  const rng = seeded(77);
  const target = join(dir, 'checkpoint.bin');
  const seen = new Set<number>();
  for (let kill = 0; kill < 12; kill++) {
    await killWhileWriting(target, 30 + rng.int(400));
    const bytes = readFileSync(target);
    const which = versions.findIndex((v) => v.length === bytes.length && Buffer.compare(Buffer.from(v), bytes) === 0);
    assert.ok(which >= 0, `kill ${kill}: the file (${bytes.length} bytes) is neither checkpoint`);
    const parsed = parseCheckpoint(bytes);
    assert.ok(
      E.isRight(parsed) && (parsed.right.header.run as { step: number }).step === [100, 200][which],
      `kill ${kill}: not readable`,
    );
    seen.add(which);
  }
  assert.is(seen.size, 2, 'the kills found both versions, so they landed between different writes');
});

test('writeFolderAtomic: a folder with subfolders replaces the old one whole; a write that fails leaves the old one and no staging folder', () => {
  const root = mkdtempSync(join(tmpdir(), 'ganstream-folder-'));
  const folder = join(root, 'run');
  mkdirSync(folder);
  writeFileSync(join(folder, 'old.txt'), 'old');
  writeFolderAtomic(folder, { 'metrics.ndjson': '{}\n', 'generator/weights.bin': new Uint8Array([1, 2, 3]) });
  assert.equal(readdirSync(folder).sort(), ['generator', 'metrics.ndjson']);
  assert.equal([...readFileSync(join(folder, 'generator', 'weights.bin'))], [1, 2, 3]);
  // A file and a folder of the same name cannot both be written.
  assert.throws(() => writeFolderAtomic(folder, { a: 'file', 'a/b': 'under a file' }));
  assert.equal(readdirSync(folder).sort(), ['generator', 'metrics.ndjson'], 'the old folder stays');
  assert.equal(readdirSync(root), ['run'], 'no staging folder is left');
});

test.run();
