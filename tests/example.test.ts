import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { acganRun } from './helpers/acgan-run.ts';
import { type Ran, runScriptAsync } from './helpers/cli.ts';

test('the README shows examples/custom-pipeline.ts as it is', () => {
  const readme = readFileSync('README.md', 'utf8');
  const example = readFileSync('examples/custom-pipeline.ts', 'utf8').trim();
  assert.ok(
    readme.includes(example.replace("'../src/index.ts'", "'ganstream'")) || readme.includes(example),
    'README quotes the example',
  );
});

// The explore example needs the shared acgan run; both examples then run side by side.
let exploreRan: Promise<Ran> | null = null;

test('examples/custom-pipeline.ts runs: its operator prints a margin per epoch and the file sink writes', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'ganstream-example-')), 'run');
  const run = acganRun();
  exploreRan = runScriptAsync('examples/explore-run.ts', [run]);
  const r = await runScriptAsync('examples/custom-pipeline.ts', [out], 300_000);
  assert.is(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(
    lines.slice(0, 3).map((l) => l.replace(/-?\d\.\d{3}$/, 'N')),
    ['epoch 1: D(x) - D(G(z)) = N', 'epoch 2: D(x) - D(G(z)) = N', 'epoch 3: D(x) - D(G(z)) = N'],
  );
  const events = readFileSync(join(out, 'metrics.ndjson'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.is(events.filter((e) => e.type === 'step').length, 48);
  assert.is(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).status, 'completed');
});

test('the README shows examples/explore-run.ts, and it runs on a trained acgan: the walk ends at its two images, D scores, neighbours, novelty, tracks', async () => {
  const example = readFileSync('examples/explore-run.ts', 'utf8').trim();
  assert.ok(readFileSync('README.md', 'utf8').includes(example), 'README quotes the example');
  const r = await (exploreRan ?? runScriptAsync('examples/explore-run.ts', [acganRun()]));
  assert.is(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.is(lines[0], 'walk: its ends are the two images: true');
  assert.match(lines[1], /^D's scores: \d\.\d\d, \d\.\d\d$/);
  assert.match(lines[2], /^D looks hardest at row \d+, column \d+$/);
  assert.match(lines[3], /^nearest training images: #\d+ at \d+\.\d\d, #\d+ at \d+\.\d\d, #\d+ at \d+\.\d\d$/);
  assert.match(lines[4], /^novelty: generated images' median distance/);
  assert.match(
    lines[5],
    /^class tracks \(epoch 1, epoch 4, epoch 8\): \d+ of 80 points still changed class over the last 3 milestones$/,
  );
});

test.run();
