import * as tf from '@tensorflow/tfjs';
import * as E from 'fp-ts/lib/Either.js';
import { lastValueFrom, tap, toArray } from 'rxjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type Dataset, limitDataset } from '../src/data/dataset.ts';
import { embeddedDigits } from '../src/data/embedded.ts';
import { ARCHITECTURES } from '../src/model/architectures.ts';
import { firstNonFinite, parseCheckpoint } from '../src/model/checkpoint.ts';
import { createGan, disposeGan } from '../src/model/gan.ts';
import { allVariables } from '../src/model/network.ts';
import { cutRecord } from '../src/plan/resume.ts';
import { trainConfig } from '../src/plan/train-options.ts';
import { History } from '../src/streams/analysis/history.ts';
import { summarize } from '../src/streams/analysis/summary.ts';
import { CheckpointRun } from '../src/streams/checkpoint-run.ts';
import {
  effectiveEvents,
  encodeEvent,
  isCheckpointTaken,
  type RolledBack,
  type Step,
  type TrainingEvent,
} from '../src/streams/events.ts';
import { describeRollback } from '../src/streams/sinks/console.ts';
import { MAX_ROLLBACKS, training$ } from '../src/streams/training.ts';
import { unwrap } from './helpers/either.ts';
import { useTestBackend } from './helpers/tf.ts';

await useTestBackend();

const backend = { name: 'wasm', threads: 1, kernels: [] };
const config = trainConfig({
  epochs: 3,
  batchSize: 32,
  limit: 128,
  milestones: [1],
  seed: 11,
  out: 'unused',
  checkpointEvery: 3,
  onNan: 'rollback',
});
const data: Dataset = limitDataset(embeddedDigits(), 128);
const newGan = () =>
  createGan(ARCHITECTURES[config.arch], {
    pixels: 784,
    seed: config.seed,
    lr: config.lr,
    beta1: config.beta1,
    ema: config.ema,
  });
const stepsOf = (events: readonly TrainingEvent[]) => events.filter((e): e is Step => e.type === 'step');
const rollbacksOf = (events: readonly TrainingEvent[]) =>
  events.filter((e): e is RolledBack => e.type === 'rolled-back');

/**
 * Trains with D's first weights turned to NaN after step 5 (a fault, as bad memory would make
 * one): once (`heal`: the rollback's checkpoint then mends it), or every time step 5 is done (a
 * fault that stays).
 */
async function runWithFault(heal: boolean): Promise<{ events: TrainingEvent[]; gan: ReturnType<typeof newGan> }> {
  const gan = newGan();
  const weights = allVariables(gan.discriminator)[0];
  let poisoned = false;
  const events = await lastValueFrom(
    training$(gan, data, config, backend).pipe(
      tap((e) => {
        if (e.type === 'step' && e.step === 5 && !(heal && poisoned)) {
          poisoned = true;
          tf.tidy(() => weights.assign(tf.fill(weights.shape, NaN)));
        }
      }),
      toArray(),
    ),
  );
  return { events, gan };
}

test('a NaN loss rolls the run back to its last checkpoint with half the learning rate; the repeated steps then stand once each', async () => {
  const { events, gan } = await runWithFault(true);
  const [rb, ...more] = rollbacksOf(events);
  assert.ok(rb, 'a rolled-back event');
  assert.is(more.length, 0);
  const lastGood = events.slice(0, events.indexOf(rb)).filter(isCheckpointTaken).at(-1)!;
  assert.ok(
    rb.diverged >= 6 && rb.step === lastGood.step && rb.step < rb.diverged,
    `diverged at ${rb.diverged}, back to ${rb.step}`,
  );
  assert.is(rb.lr, config.lr / 2);
  assert.equal([rb.rollback, rb.of], [1, MAX_ROLLBACKS]);
  assert.match(
    describeRollback(rb),
    new RegExp(
      `^step ${rb.diverged}: a loss became NaN or infinite; rolled back to the checkpoint after step ${rb.step} \\(epoch ${rb.epoch}\\), learning rate halved to ${config.lr / 2} \\(rollback 1 of 3\\)\n$`,
    ),
  );
  const i = events.indexOf(rb);
  const after = events[i + 1];
  assert.ok(
    isCheckpointTaken(after) && after.step === rb.step,
    'a checkpoint of the step it went back to, with the halved rate',
  );
  // Before the rollback the record holds the abandoned attempt, NaN step included.
  const abandoned = stepsOf(events.slice(0, i)).filter((s) => s.step > rb.step);
  assert.is(abandoned.length, rb.diverged - rb.step);
  assert.ok(!Number.isFinite(abandoned.at(-1)!.dLoss));
  // What stands: every step once, all finite, and the run completed.
  const standing = stepsOf(effectiveEvents(events));
  assert.equal(
    standing.map((s) => s.step),
    Array.from({ length: 12 }, (_, k) => k + 1),
  );
  assert.ok(standing.every((s) => Number.isFinite(s.dLoss) && Number.isFinite(s.gLoss)));
  const ended = events.at(-1)!;
  assert.ok(ended.type === 'run-ended' && ended.status === 'completed' && ended.step === 12);
  // The summary and the history plot count what stands, not the abandoned attempt.
  const summary = summarize(events);
  assert.is(summary.run.dLoss.count, 12);
  assert.ok(Number.isFinite(summary.run.dLoss.mean) && Number.isFinite(summary.run.gLoss.max));
  const history = new History();
  for (const e of events) {
    if (e.type === 'step') history.add(e);
    if (e.type === 'rolled-back') history.rollBack(e.step);
  }
  assert.equal(
    history.points().step,
    standing.map((s) => s.step),
  );
  // The last checkpoint carries the halved rate and the count of rollbacks, for a resume.
  const last = unwrap(parseCheckpoint(events.filter(isCheckpointTaken).at(-1)!.snapshot));
  assert.is(last.header.optimizers.generator.lr, config.lr / 2);
  assert.is(last.header.optimizers.discriminator.lr, config.lr / 2);
  assert.is(unwrap(E.mapLeft(() => 'run')(CheckpointRun.decode(last.header.run))).rollbacks, 1);
  assert.is(gan.gOptimizer.lr, config.lr / 2);
  disposeGan(gan);
});

test('a fault that stays: three rollbacks, each halving the rate again, then the run ends diverged with a finite last checkpoint', async () => {
  const { events, gan } = await runWithFault(false);
  const rbs = rollbacksOf(events);
  assert.equal(
    rbs.map((r) => r.rollback),
    [1, 2, 3],
  );
  assert.equal(
    rbs.map((r) => r.lr),
    [config.lr / 2, config.lr / 4, config.lr / 8],
  );
  assert.ok(
    rbs.every((r) => r.step === rbs[0].step),
    'always back to the same good checkpoint',
  );
  const ended = events.at(-1)!;
  assert.ok(ended.type === 'run-ended' && ended.status === 'diverged', JSON.stringify(ended));
  const checkpoints = events.filter(isCheckpointTaken);
  assert.ok(
    checkpoints.every((c) => c.step <= rbs[0].step),
    'no checkpoint of a NaN step',
  );
  assert.is(firstNonFinite(unwrap(parseCheckpoint(checkpoints.at(-1)!.snapshot))), null);
  disposeGan(gan);
});

test('resuming a record with a rollback in it: the file keeps the abandoned lines, the history the run continues from does not', async () => {
  const { events, gan } = await runWithFault(true);
  const rb = rollbacksOf(events)[0];
  const text = `${events.map(encodeEvent).join('\n')}\n`;
  const cut = unwrap(cutRecord(text, rb.diverged + 1));
  const steps = stepsOf(cut.history).map((s) => s.step);
  assert.equal(
    steps,
    Array.from({ length: rb.diverged + 1 }, (_, k) => k + 1),
    'each step once',
  );
  assert.ok(cut.keptLines.length > cut.history.length, 'the abandoned attempt is still in the file');
  disposeGan(gan);
});

test('effectiveEvents drops what a rollback abandoned and keeps everything else in order', () => {
  const step = (n: number, loss = 1): Step =>
    ({
      type: 'step',
      step: n,
      epoch: 1,
      time: n,
      ms: 1,
      dLoss: loss,
      gLoss: loss,
      dAccReal: 0.5,
      dAccFake: 0.5,
      dReal: 0.5,
      dFake: 0.5,
    }) as Step;
  const back = (to: number, from: number): RolledBack => ({
    type: 'rolled-back',
    step: to,
    epoch: 1,
    time: 0,
    diverged: from,
    lr: 1e-4,
    rollback: 1,
    of: 3,
  });
  const events: TrainingEvent[] = [
    step(1),
    step(2),
    step(3),
    step(4, NaN),
    back(2, 4),
    step(3),
    step(4),
    step(5, NaN),
    back(2, 5),
    step(3),
    step(4),
    step(5),
    step(6),
  ];
  const kept = effectiveEvents(events);
  assert.equal(
    stepsOf(kept).map((s) => s.step),
    [1, 2, 3, 4, 5, 6],
  );
  assert.ok(stepsOf(kept).every((s) => Number.isFinite(s.dLoss)));
  assert.is(rollbacksOf(kept).length, 2);
});

test.run();
