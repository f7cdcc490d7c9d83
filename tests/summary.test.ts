import { firstValueFrom, from } from 'rxjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { summariesSideBySide } from '../src/plan/replay-run.ts';
import { summarize, summary } from '../src/streams/analysis/summary.ts';
import type { TrainingEvent } from '../src/streams/events.ts';
import { formatSummary } from '../src/streams/sinks/console.ts';
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
  assert.is(s.run.dLoss.min, Math.min(lossB, lossA));
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
  const stopped = summarize([
    ...events.slice(0, 6),
    { type: 'run-ended', status: 'interrupted', step: 5, epoch: 1, time: 0.5 },
  ]);
  assert.is(stopped.last10.dLoss.count, 0);
  const text = formatSummary(stopped) + summariesSideBySide(['run'], [stopped]);
  assert.not.match(text, /NaN/);
  assert.is(text.match(/not reached/g)?.length, 6, text);
  assert.match(formatSummary(summarize(events)), /\|\s+0\.\d{3}/, 'a finished run shows its last 10%');
});

/** Steps from..to with D(x) = 0.5 + step / 100 (so each step's D loss is known), D(G(z)) 0.3. */
const steps = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => step(from + i, 0.5 + (from + i) / 100, 0.3));
const checkpoint = (n: number): TrainingEvent => ({
  type: 'checkpoint',
  step: n,
  epoch: 1,
  time: n,
  file: 'checkpoint.bin',
  bytes: 1,
});
const resumed = (n: number, totalSteps: number): TrainingEvent => ({
  type: 'run-resumed',
  step: n,
  epoch: 1,
  time: n,
  epochs: 1,
  totalSteps,
});
const ended = (n: number): TrainingEvent => ({ type: 'run-ended', status: 'completed', step: n, epoch: 1, time: n });
const dLossOf = (n: number) => -Math.log(0.5 + n / 100) - Math.log(0.7);
const meanOf = (ns: number[]) => ns.reduce((a, n) => a + dLossOf(n), 0) / ns.length;

test('a resumed run with another plan counts the last 10% of that plan, steps trained before the resume included', () => {
  // Planned 20 steps, stopped at 12, finished there with a plan of 12: its last 10% is steps 11-12, trained before the resume.
  const shorter = summarize([runStarted(20), ...steps(1, 12), checkpoint(12), resumed(12, 12), ended(12)]);
  assert.is(shorter.last10.dLoss.count, 2);
  assert.ok(Math.abs(shorter.last10.dLoss.mean - meanOf([11, 12])) < 1e-12);
  // Planned 10, extended to 11: the last 10% is steps 10 (before the resume) and 11.
  const longer = summarize([
    runStarted(10),
    ...steps(1, 10),
    checkpoint(10),
    resumed(10, 11),
    ...steps(11, 11),
    ended(11),
  ]);
  assert.is(longer.last10.dLoss.count, 2);
  assert.ok(Math.abs(longer.last10.dLoss.mean - meanOf([10, 11])) < 1e-12);
  // Planned 10, extended to 30: the last 10% (steps 28-30) all comes after the resume.
  const muchLonger = summarize([
    runStarted(10),
    ...steps(1, 10),
    checkpoint(10),
    resumed(10, 30),
    ...steps(11, 30),
    ended(30),
  ]);
  assert.is(muchLonger.last10.dLoss.count, 3);
  assert.ok(Math.abs(muchLonger.last10.dLoss.mean - meanOf([28, 29, 30])) < 1e-12);
  assert.is(muchLonger.run.dLoss.count, 30);
});

test.run();
