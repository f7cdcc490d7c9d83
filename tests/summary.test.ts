import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { firstValueFrom, from } from 'rxjs';
import { summarize, summary } from '../src/streams/analysis/summary.ts';
import { formatSummary } from '../src/streams/sinks/console.ts';
import { summariesSideBySide } from '../src/cli/replay-run.ts';
import type { TrainingEvent } from '../src/streams/events.ts';
import { runStarted, step } from './helpers/events.ts';

// 10 steps: D(x) 0.8 on odd steps and 0.6 on even ones; D(G(z)) 0.2 and 0.4.
const events: TrainingEvent[] = [
  runStarted(10, 10),
  ...Array.from({ length: 10 }, (_, i) => step(i + 1, i % 2 ? 0.6 : 0.8, i % 2 ? 0.4 : 0.2)),
  { type: 'warning', step: 1, epoch: 1, kind: 'g-winning', message: 'x' },
  { type: 'run-ended', status: 'completed', step: 10, epoch: 1, time: 1.25 },
];

test('summary numbers, checkable by hand', () => {
  const s = summarize(events);
  const lossA = -Math.log(0.8) - Math.log(0.8);
  const lossB = -Math.log(0.6) - Math.log(0.6);
  assert.is(s.status, 'completed');
  assert.is(s.steps, 10);
  assert.is(s.warnings, 1);
  assert.is(s.seconds, 1.25);
  assert.ok(Math.abs(s.run.dLoss.mean - (lossA + lossB) / 2) < 1e-12);
  assert.ok(Math.abs(s.run.dLoss.std - Math.abs(lossA - lossB) / 2) < 1e-12);
  assert.is(s.run.dLoss.min, lossB < lossA ? lossB : lossA);
  // accuracies (helper): 1 on odd-indexed steps, 0.7 on the others.
  assert.ok(Math.abs(s.run.dAcc.mean - 0.85) < 1e-12);
  // ten 100 ms steps of batch 10: 100 samples/s.
  assert.ok(Math.abs(s.samplesPerSec - 100) < 1e-9);
  // The last 10% of 10 steps is step 10 alone (D(x) 0.6).
  assert.is(s.last10.dLoss.count, 1);
  assert.ok(Math.abs(s.last10.dLoss.mean - lossB) < 1e-12);
  assert.is(s.last10.dLoss.std, 0);
  assert.ok(Math.abs(s.last10.gLoss.mean - -Math.log(0.4)) < 1e-12);
});

test('the summary operator gives the same report from a stream', async () => {
  assert.equal(await firstValueFrom(from(events).pipe(summary())), summarize(events));
});

test('a run without its end is reported unfinished', () => {
  assert.is(summarize(events.slice(0, 5)).status, 'unfinished');
});

test('a run stopped before its last 10% says so instead of printing NaN', () => {
  const stopped = summarize([...events.slice(0, 6), { type: 'run-ended', status: 'interrupted', step: 5, epoch: 1, time: 0.5 }]);
  assert.is(stopped.last10.dLoss.count, 0);
  const text = formatSummary(stopped) + summariesSideBySide(['run'], [stopped]);
  assert.not.match(text, /NaN/);
  assert.is(text.match(/not reached/g)?.length, 6, text);
  assert.match(formatSummary(summarize(events)), /\|\s+0\.\d{3}/, 'a finished run shows its last 10%');
});

test.run();
