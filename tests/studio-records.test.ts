/**
 * Records that could hurt the studio's server: a 30 MB line inside a record, 200 MB of junk, an
 * empty record, a garbled first line. The runs list answers from bounded reads, the other runs
 * replay while the junk is read, memory stays bounded, and unreadable runs are listed with why.
 */

import {
  closeSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lastLines, lines } from '../src/streams/sources/lines.ts';
import { isBad, MAX_LINE_BYTES } from '../src/streams/sources/record-lines.ts';
import { records } from '../src/streams/sources/recording.ts';
import type { RunListing } from '../src/studio/answers.ts';
import { PAGE_HTML } from '../src/studio/page/html.ts';
import { studioApp } from '../src/studio/server.ts';
import { Studio } from '../src/studio/studio.ts';

const runsDir = mkdtempSync(join(tmpdir(), 'ganstream-records-'));
const studio = new Studio({ runsDir, backend: { name: 'wasm', threads: 1, kernels: [] }, quality: false });
const app = studioApp(studio, { html: PAGE_HTML, script: '', exploreHtml: '', exploreScript: '' }, ['localhost']);
const FIXTURE = 'fixtures/streams/d-too-strong.ndjson';
const fixtureLines = readFileSync(FIXTURE, 'utf8').trimEnd().split('\n');
const MB = 1 << 20;

const runFolder = (name: string) => {
  const dir = join(runsDir, name);
  mkdirSync(dir, { recursive: true });
  return join(dir, 'metrics.ndjson');
};
/** Writes `total` bytes of `unit` repeated, a chunk at a time (the test never holds the whole file). */
function writeRepeated(fd: number, unit: string, total: number): void {
  const chunk = Buffer.from(unit.repeat(Math.ceil(MB / unit.length)));
  for (let written = 0; written < total; written += chunk.length)
    writeSync(fd, chunk, 0, Math.min(chunk.length, total - written));
}

// A good run; the same run with a 30 MB line in the middle; 200 MB of junk; an empty record; a garbled first line with a saved generator.
copyFileSync(FIXTURE, runFolder('good'));
{
  const fd = openSync(runFolder('long-line'), 'w');
  writeSync(fd, `${fixtureLines.slice(0, 150).join('\n')}\n`);
  writeRepeated(fd, 'x', 30 * MB);
  writeSync(fd, `\n${fixtureLines.slice(150).join('\n')}\n`);
  closeSync(fd);
}
{
  const fd = openSync(runFolder('junk'), 'w');
  writeRepeated(fd, `${'#'.repeat(99)}\n`, 100 * MB);
  writeRepeated(fd, '\u00ff\u0000junk', 100 * MB);
  closeSync(fd);
}
writeFileSync(runFolder('empty'), '');
writeFileSync(runFolder('garbled'), `{"type":"run-sta\u0000rted", oops\n${fixtureLines.slice(1).join('\n')}\n`);
mkdirSync(join(runsDir, 'garbled', 'generator'));
writeFileSync(join(runsDir, 'garbled', 'generator', 'model.json'), '{}');

const listing = async () => ((await (await app.request('/api/state')).json()) as { runs: RunListing[] }).runs;

test('lines: an over-long line comes out as its size, the lines around it whole; a character split across chunks stays whole', () => {
  const file = join(runsDir, 'lines.txt');
  const euro = '\u20ac'.repeat(40_000); // 120,000 bytes: its characters straddle the 64 KiB chunks
  writeFileSync(file, `a\n${'y'.repeat(5000)}\n${euro}\nb`);
  assert.equal([...lines(file, 1000)], ['a', { overLong: 5000 }, { overLong: 120_000 }, 'b']);
  assert.equal(
    [...lines(file)].map((l) => (typeof l === 'string' ? l.length : l)),
    [1, 5000, 40_000, 1],
  );
  assert.equal(lastLines(file, 3), ['b'], 'a line cut by the window is left out');
  assert.equal(lastLines(file, 10 ** 6).length, 4);
});

test('the list answers with every run, the readable ones from their first line and last MiB, the others with the reason', async () => {
  const runs = new Map((await listing()).map((r) => [r.name, r]));
  assert.equal([...runs.keys()].sort(), ['empty', 'garbled', 'good', 'junk', 'long-line']);
  for (const name of ['good', 'long-line']) {
    const r = runs.get(name)!;
    assert.equal([r.arch, r.status, r.steps, r.totalSteps, r.problem], ['mlp-gbn', 'completed', 300, 300, null], name);
  }
  assert.is(runs.get('empty')!.problem, 'its record is empty (stopped before its first line was written?)');
  assert.match(runs.get('garbled')!.problem!, /^its record's first line is not an event \(not JSON/);
  assert.match(runs.get('junk')!.problem!, /^its record's first line is not an event/);
  for (const name of ['empty', 'garbled', 'junk'])
    assert.equal([runs.get(name)!.status, runs.get(name)!.resumable], ['unreadable', false]);
  assert.is(runs.get('garbled')!.hasGenerator, true);
  const one = await app.request('/api/runs/garbled');
  assert.is(((await one.json()) as RunListing).problem, runs.get('garbled')!.problem);
});

test('a run with an unreadable record: its generator is served; what needs its training images says why not (422)', async () => {
  const model = await app.request('/api/runs/garbled/generator/model.json');
  assert.is(model.status, 200);
  assert.is(await model.text(), '{}');
  const real = await app.request('/api/runs/garbled/real');
  assert.is(real.status, 422);
  assert.match(
    ((await real.json()) as { error: string }).error,
    /^run 'garbled': its record's first line is not an event .*, so the images it trained on are unknown$/,
  );
});

test('records stream without the over-long line; other runs replay while 200 MB of junk is read; memory stays bounded', async () => {
  const text = await (await app.request('/api/runs/long-line/record')).text();
  assert.equal(text.trimEnd().split('\n'), fixtureLines, 'every event line, the 30 MB line left out');
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  const order: string[] = [];
  const junk = (async () => {
    const reader = (await app.request('/api/runs/junk/record')).body!.getReader();
    let bytes = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
    }
    order.push('junk');
    return bytes;
  })();
  const good = (async () => {
    const t = await (await app.request('/api/runs/good/record')).text();
    order.push('good');
    return t;
  })();
  const [junkBytes, goodText] = await Promise.all([junk, good]);
  clearInterval(sampler);
  assert.is(junkBytes, 0, 'no line of junk is an event');
  assert.is(goodText.trimEnd().split('\n').length, fixtureLines.length);
  assert.equal(order, ['good', 'junk'], 'the good run replays while the junk is still being read');
  assert.ok(
    peak - before < 100 * MB,
    `memory grew by ${((peak - before) / MB).toFixed(0)} MB while 200 MB of junk was read`,
  );
});

test('replay reports the 30 MB line as a bad line with its number, and reads the rest', () => {
  const out = [...records(join(runsDir, 'long-line', 'metrics.ndjson'))];
  const bad = out.filter(isBad);
  assert.equal(bad, [
    {
      line: 151,
      reason: `a line of ${(30 * MB).toLocaleString('en-US')} bytes or more, over the ${MAX_LINE_BYTES.toLocaleString('en-US')} a record line may have`,
    },
  ]);
  assert.is(out.length - bad.length, fixtureLines.length);
});

test.run();
