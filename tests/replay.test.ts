import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualTimeScheduler } from 'rxjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { replayRecording } from '../src/plan/replay-run.ts';
import { encodeEvent } from '../src/streams/events.ts';
import { isBad, replay$ } from '../src/streams/sources/record-lines.ts';
import { records } from '../src/streams/sources/recording.ts';
import { syntheticRun } from '../src/streams/sources/synthetic.ts';
import { pngSize, runScript, runScriptAsync } from './helpers/cli.ts';
import { unwrap } from './helpers/either.ts';

const tmp = mkdtempSync(join(tmpdir(), 'ganstream-replay-'));
const kinds = async (name: string) =>
  unwrap(await replayRecording(`fixtures/streams/${name}.ndjson`, null)).warnings.map((w) => w.kind);

test('a healthy recording raises no warning', async () => {
  assert.equal(await kinds('healthy'), []);
});

for (const kind of ['stuck-at-chance', 'd-too-strong', 'g-winning', 'losses-flat', 'not-finite', 'mode-collapse']) {
  test(`the ${kind} fixture raises exactly its warning`, async () => {
    const expected = kind === 'stuck-at-chance' ? 'd-stuck-at-chance' : kind;
    assert.equal(await kinds(kind), [expected]);
  });
}

test('the diverging fixture: D too strong first, then G loss running away', async () => {
  const r = unwrap(await replayRecording('fixtures/streams/diverging.ndjson', null));
  assert.equal(
    r.warnings.map((w) => w.kind),
    ['d-too-strong', 'diverging'],
  );
  assert.match(r.warnings[1].message, /^G loss averages \d+\.\d over 100 steps: training is diverging/);
});

test('warnings name the step their condition began at', async () => {
  const r = unwrap(await replayRecording('fixtures/streams/d-too-strong.ndjson', null));
  assert.is(r.warnings[0].step, 101);
  const nan = unwrap(await replayRecording('fixtures/streams/not-finite.ndjson', null));
  assert.is(nan.warnings[0].step, 150);
  const collapse = unwrap(await replayRecording('fixtures/streams/mode-collapse.ndjson', null));
  assert.is(collapse.warnings[0].epoch, 2);
  assert.match(collapse.warnings[0].message, /differ from each other 0% as much as real images do/);
});

test('the golden recording: report numbers checkable by hand', async () => {
  const s = unwrap(await replayRecording('fixtures/streams/golden.ndjson', null)).summary;
  const odd = -2 * Math.log(0.8),
    even = -2 * Math.log(0.6);
  assert.is(s.steps, 10);
  assert.is(s.seconds, 1.25);
  assert.ok(Math.abs(s.run.dLoss.mean - (odd + even) / 2) < 1e-12);
  assert.ok(Math.abs(s.run.dLoss.std - (even - odd) / 2) < 1e-12);
  assert.ok(Math.abs(s.run.dAcc.mean - 0.85) < 1e-12);
  assert.ok(Math.abs(s.last10.gLoss.mean + Math.log(0.4)) < 1e-12);
  assert.ok(Math.abs(s.samplesPerSec - 100) < 1e-9);
});

test('a torn last line and a garbage line are reported with their line numbers; the rest is analysed', async () => {
  const r = unwrap(await replayRecording('fixtures/streams/torn.ndjson', null));
  // Line 51 is the garbage line; line 303, the run-ended record, was cut mid-way.
  assert.equal(
    r.bad.map((b) => b.line),
    [51, 303],
  );
  assert.match(r.bad[0].reason, /^not JSON/);
  assert.is(r.summary.steps, 300);
  assert.is(r.summary.status, 'unfinished');
});

test('replay script: torn recording exits 0 with the bad lines on stderr and the history redrawn', () => {
  const out = join(tmp, 'torn-out');
  const r = runScript('scripts/replay.ts', ['fixtures/streams/torn.ndjson', '--out', out]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /^line 51: not JSON .*\(skipped\)\nline 303: not JSON .*\(skipped\)\n$/);
  assert.match(r.stdout, /summary: unfinished, 300 steps/);
  assert.match(r.stdout, /replayed \d+ events; 2 bad lines skipped; 0 warnings/);
  assert.equal(pngSize(readFileSync(join(out, 'training_history.png'))), { width: 960, height: 640 });
});

test('replay script: a missing path, a file that is not NDJSON, a PNG, a file with no valid event: one line, exit 2, nothing written', async () => {
  const garbage = join(tmp, 'garbage.ndjson');
  writeFileSync(garbage, 'hello\nworld\n');
  const noEvents = join(tmp, 'no-events.ndjson');
  writeFileSync(noEvents, '{"type":"nothing"}\n[1, 2]\n');
  const cases: [string, RegExp][] = [
    [join(tmp, 'nope'), /^error: no such file or folder: .*nope\n$/],
    [
      garbage,
      /^error: .*garbage\.ndjson: not NDJSON \(its first line, "hello", is not JSON\): expected a metrics\.ndjson written by ganstream\n$/,
    ],
    [
      'docs/default-final.png',
      /^error: docs\/default-final\.png: not NDJSON \(its first line, "\?PNG\\r", is not JSON\): expected a metrics\.ndjson written by ganstream\n$/,
    ],
    [
      noEvents,
      /^error: .*no-events\.ndjson: no valid events in 2 lines \(line 1: .*\): expected a metrics\.ndjson written by ganstream\n$/,
    ],
    [tmp, /^error: folder .* holds no metrics\.ndjson: expected a run folder or a metrics file\n$/],
  ];
  const outOf = (i: number) => join(tmp, `out-${i}`);
  const ran = await Promise.all(
    cases.map(([path], i) => runScriptAsync('scripts/replay.ts', [path, '--out', outOf(i)])),
  );
  cases.forEach(([path, message], i) => {
    assert.is(ran[i].code, 2, `${path}: ${ran[i].stderr}`);
    assert.match(ran[i].stderr, message);
    assert.not.ok(existsSync(outOf(i)), 'no output folder');
  });
});

test('replay$ with a speed keeps the recorded spacing, divided by the speed (a virtual clock)', async () => {
  const file = join(tmp, 'timed.ndjson');
  const recorded = syntheticRun(6, 6, () => [0.6, 0.4]);
  writeFileSync(file, recorded.map(encodeEvent).join('\n'));
  const at = (speed: number | null) => {
    const clock = new VirtualTimeScheduler();
    const times: [string, number][] = [];
    replay$(records(file), speed, clock).subscribe((r) => {
      if (!isBad(r)) times.push([r.event.type, clock.now()]);
    });
    clock.flush();
    return times;
  };
  // Steps 0.1 s apart in run time: at speed 5, 20 ms apart; events without a time come at once.
  const slow = at(5);
  const stepTimes = slow.filter(([type]) => type === 'step').map(([, ms]) => Math.round(ms * 1000) / 1000);
  assert.equal(stepTimes, [0, 20, 40, 60, 80, 100]);
  assert.is(slow.length, recorded.length);
  assert.ok(
    at(null).every(([, ms]) => ms === 0),
    'without a speed, all at once',
  );
});

test('--compare overlays runs in comparison.png and prints their summaries side by side', () => {
  const r = runScript('scripts/replay.ts', [
    '--compare',
    'fixtures/streams/healthy.ndjson',
    'fixtures/streams/d-too-strong.ndjson',
    '--out',
    tmp,
  ]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^\s+healthy\.ndjson\s+d-too-strong\.ndjson\n/);
  assert.match(r.stdout, /D acc, last 10%\s+0\.\d{3} ± 0\.\d{3}\s+1\.000 ± 0\.000/);
  assert.equal(pngSize(readFileSync(join(tmp, 'comparison.png'))), { width: 960, height: 640 });
  assert.is(runScript('scripts/replay.ts', ['--compare', 'fixtures/streams/healthy.ndjson']).code, 2);
});

test.run();
