import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScript } from './helpers/cli.ts';

test('the README shows examples/custom-pipeline.ts as it is', () => {
  const readme = readFileSync('README.md', 'utf8');
  const example = readFileSync('examples/custom-pipeline.ts', 'utf8').trim();
  assert.ok(readme.includes(example.replace("'../src/index.ts'", "'ganstream'")) || readme.includes(example), 'README quotes the example');
});

test('examples/custom-pipeline.ts runs: its operator prints a margin per epoch and the file sink writes', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'ganstream-example-')), 'run');
  const r = runScript('examples/custom-pipeline.ts', [out], 300_000);
  assert.is(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.slice(0, 3).map((l) => l.replace(/-?\d\.\d{3}$/, 'N')), ['epoch 1: D(x) - D(G(z)) = N', 'epoch 2: D(x) - D(G(z)) = N', 'epoch 3: D(x) - D(G(z)) = N']);
  const events = readFileSync(join(out, 'metrics.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.is(events.filter((e) => e.type === 'step').length, 48);
  assert.is(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).status, 'completed');
});

test.run();
