/**
 * Run archives (the site's Download): packed and unpacked with a run folder's files only, and the
 * scripts' refusals of archives that are not runs, with nothing written.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isRunFile, packRun, unpackRun } from '../src/streams/run-archive.ts';
import { runScriptAsync } from './helpers/cli.ts';

const bytes = (s: string) => new TextEncoder().encode(s);
const errorOf = <A>(r: E.Either<string, A>) => (E.isLeft(r) ? r.left : `no error: ${JSON.stringify(r.right)}`);

test("a run's files go in and come out as they were; only a run folder's names are allowed", () => {
  const files = {
    'metrics.ndjson': bytes('{"type":"run-started"}\n'),
    'checkpoint.bin': Uint8Array.from({ length: 1000 }, (_, i) => i % 251),
    'generator/model.json': bytes('{}'),
    'epoch_1.png': Uint8Array.of(0x89, 0x50),
  };
  const back = unpackRun(packRun(files), 'run.zip');
  assert.ok(E.isRight(back));
  assert.equal(Object.keys(back.right).sort(), Object.keys(files).sort());
  for (const [name, b] of Object.entries(files)) assert.equal(Array.from(back.right[name]), Array.from(b), name);
  for (const bad of ['../metrics.ndjson', '/etc/passwd', 'generator/../../x', 'notes.txt', 'a/b/metrics.ndjson'])
    assert.not.ok(isRunFile(bad), bad);
  assert.throws(() => packRun({ 'notes.txt': bytes('x') }), /'notes.txt' is not a run folder's file/);
});

test('archives that are not runs: not a zip, a foreign or escaping name, no record, corrupt', () => {
  assert.is(
    errorOf(unpackRun(bytes('hello'), 'x.zip')),
    "x.zip: not a zip archive (expected a run folder packed by the site's Download)",
  );
  assert.match(
    errorOf(unpackRun(zipSync({ '../evil.sh': bytes('rm -rf /'), 'metrics.ndjson': bytes('{}') }), 'x.zip')),
    /^x\.zip: '\.\.\/evil\.sh' is not a run folder's file \(expected metrics\.ndjson/,
  );
  assert.is(
    errorOf(unpackRun(zipSync({ 'checkpoint.bin': Uint8Array.of(1) }), 'x.zip')),
    'x.zip: no metrics.ndjson in the archive: expected a run folder',
  );
  const corrupt = packRun({ 'metrics.ndjson': bytes('{"a":1}\n'.repeat(100)) });
  corrupt.fill(0, 40, 60);
  assert.match(errorOf(unpackRun(corrupt, 'x.zip')), /^x\.zip: a corrupt zip archive \(/);
});

test('the scripts refuse a bad archive in one line, exit 2, and unpack nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ganstream-archive-'));
  writeFileSync(join(dir, 'notes.zip'), zipSync({ 'notes.txt': bytes('hello') }));
  writeFileSync(join(dir, 'text.zip'), 'not a zip');
  const [replay, resume] = await Promise.all([
    runScriptAsync('scripts/replay.ts', [join(dir, 'notes.zip')]),
    runScriptAsync('scripts/train.ts', ['--resume', join(dir, 'text.zip')]),
  ]);
  assert.is(replay.code, 2);
  assert.match(replay.stderr, /^error: .*notes\.zip: 'notes\.txt' is not a run folder's file \(expected .*\)\n$/);
  assert.is(resume.code, 2);
  assert.match(
    resume.stderr,
    /^error: --resume .*text\.zip: not a zip archive \(expected a run folder packed by the site's Download\)\n$/,
  );
  assert.not.ok(existsSync(join(dir, 'notes')) || existsSync(join(dir, 'text')));
  assert.is(replay.stdout + resume.stdout, '');
});

test.run();
