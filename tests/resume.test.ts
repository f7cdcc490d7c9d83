import { readFileSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import { lastValueFrom, Subject, toArray } from 'rxjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { limitDataset } from '../src/data/dataset.ts';
import { embeddedDigits } from '../src/data/embedded.ts';
import { seeded } from '../src/data/random.ts';
import { ARCHITECTURES } from '../src/model/architectures.ts';
import { parseCheckpoint, restore, snapshot } from '../src/model/checkpoint.ts';
import { createGan, disposeGan } from '../src/model/gan.ts';
import { cutRecord, resumedConfig } from '../src/plan/resume.ts';
import { trainConfig } from '../src/plan/train-options.ts';
import { CheckpointRun } from '../src/streams/checkpoint-run.ts';
import { decodeEvent, encodeEvent, isCheckpointTaken, type Step, type TrainingEvent } from '../src/streams/events.ts';
import { training$ } from '../src/streams/training.ts';
import { unwrap } from './helpers/either.ts';
import { useTestBackend } from './helpers/tf.ts';

await useTestBackend();

const data = limitDataset(embeddedDigits(), 128);
const backend = { name: 'wasm', threads: 1, kernels: [] };
const config = (epochs: number) =>
  trainConfig({ epochs, batchSize: 32, limit: 128, milestones: [1], seed: 7, out: 'unused' });
const newGan = (c: ReturnType<typeof config>) =>
  createGan(ARCHITECTURES[c.arch], { pixels: 784, seed: c.seed, lr: c.lr, beta1: c.beta1, ema: c.ema });
const metricsOf = (events: readonly TrainingEvent[]) =>
  events.filter((e): e is Step => e.type === 'step').map(({ time: _t, ms: _m, ...rest }) => rest);
/** The checkpoint bytes of a GAN as it is now. */
const snapshotOf = (gan: ReturnType<typeof newGan>) => snapshot(gan, { note: 'test' });
const lastCheckpoint = (events: readonly TrainingEvent[]) => events.filter(isCheckpointTaken).at(-1)!;

test('4 epochs straight and 2 epochs resumed to 4 give bit-identical weights, optimizer state and step metrics', async () => {
  const straightGan = newGan(config(4));
  const straight = await lastValueFrom(training$(straightGan, data, config(4), backend).pipe(toArray()));
  const firstGan = newGan(config(2));
  const first = await lastValueFrom(training$(firstGan, data, config(2), backend).pipe(toArray()));
  const saved = unwrap(parseCheckpoint(lastCheckpoint(first).snapshot));
  const run = unwrap(E.mapLeft(() => 'not a run')(CheckpointRun.decode(saved.header.run)));
  assert.is(run.step, 8);
  const history = unwrap(cutRecord(first.map(encodeEvent).join('\n'), run.step)).history;
  const resumedGan = newGan(config(4));
  unwrap(restore(resumedGan, saved));
  const rest = await lastValueFrom(
    training$(resumedGan, data, config(4), backend, { resume: { run, history } }).pipe(toArray()),
  );
  const a = unwrap(parseCheckpoint(lastCheckpoint(straight).snapshot));
  const b = unwrap(parseCheckpoint(lastCheckpoint(rest).snapshot));
  assert.is(a.tensors.size, b.tensors.size);
  for (const [name, values] of a.tensors)
    assert.ok(
      values.every((v, i) => v === b.tensors.get(name)![i]),
      `${name} differs`,
    );
  assert.equal(b.header.optimizers, a.header.optimizers);
  assert.equal(metricsOf(rest), metricsOf(straight));
  assert.is(rest.find((e) => e.type === 'run-resumed')?.step, 8);
  const ended = rest.at(-1)!;
  assert.ok(ended.type === 'run-ended' && ended.status === 'completed');
  for (const g of [straightGan, firstGan, resumedGan]) disposeGan(g);
});

test('a stop request ends the run after the current step, with a checkpoint of that step and status interrupted', async () => {
  const gan = newGan(config(4));
  let steps = 0;
  const events = await lastValueFrom(
    training$(gan, data, config(4), backend, { stop: () => ++steps > 6 }).pipe(toArray()),
  );
  const last = events.at(-1)!;
  assert.ok(last.type === 'run-ended' && last.status === 'interrupted' && last.step === 6, JSON.stringify(last));
  assert.is(lastCheckpoint(events).step, 6);
  disposeGan(gan);
});

test('a checkpoint asked for while the run is held (a pause) is of the last step trained, and resuming from it gives the straight run bit for bit', async () => {
  const straightGan = newGan(config(2));
  const straight = await lastValueFrom(training$(straightGan, data, config(2), backend).pipe(toArray()));
  const now$ = new Subject<void>();
  let allowed = 5;
  let released = false;
  const hold = () => {
    if (allowed > 0) {
      allowed--;
      return false;
    }
    if (!released) {
      released = true;
      // Asked between steps, as the tab's pause does; the run goes on a turn later.
      setTimeout(() => now$.next(), 0);
      return true;
    }
    return false;
  };
  const heldGan = newGan(config(2));
  const held = await lastValueFrom(
    training$(heldGan, data, config(2), backend, { hold, checkpointNow: now$ }).pipe(toArray()),
  );
  const taken = held.filter(isCheckpointTaken).map((c) => c.step);
  assert.equal(taken, [4, 5, 8], 'epoch ends and the pause');
  const atPause = held.find((e) => isCheckpointTaken(e) && e.step === 5)!;
  assert.is(held[held.indexOf(atPause) - 1].type === 'step' ? (held[held.indexOf(atPause) - 1] as Step).step : -1, 5);
  const saved = unwrap(parseCheckpoint((atPause as ReturnType<typeof lastCheckpoint>).snapshot));
  const run = unwrap(E.mapLeft(() => 'not a run')(CheckpointRun.decode(saved.header.run)));
  assert.is(run.step, 5);
  const history = unwrap(cutRecord(held.map(encodeEvent).join('\n'), run.step)).history;
  const resumedGan = newGan(config(2));
  unwrap(restore(resumedGan, saved));
  const rest = await lastValueFrom(
    training$(resumedGan, data, config(2), backend, { resume: { run, history } }).pipe(toArray()),
  );
  const a = unwrap(parseCheckpoint(lastCheckpoint(straight).snapshot));
  const b = unwrap(parseCheckpoint(lastCheckpoint(rest).snapshot));
  for (const [name, values] of a.tensors)
    assert.ok(
      values.every((v, i) => v === b.tensors.get(name)![i]),
      `${name} differs`,
    );
  assert.equal(metricsOf(rest), metricsOf(straight));
  for (const g of [straightGan, heldGan, resumedGan]) disposeGan(g);
});

test('cutting the record: events after the checkpoint and run-ended dropped, a torn last line cut, a bad line elsewhere refused', () => {
  const good = readFileSync('fixtures/streams/healthy.ndjson', 'utf8').split('\n').filter(Boolean);
  const cut = unwrap(cutRecord([...good, good[5].slice(0, 30)].join('\n'), 3));
  assert.ok(cut.history.every((e) => !('step' in e) || e.step <= 3));
  assert.ok(cut.history.every((e) => e.type !== 'run-ended'));
  assert.is(cut.history[0].type, 'run-started');
  assert.ok(cut.dropped > 1);
  const broken = cutRecord([good[0], good[1].slice(0, 20), good[2]].join('\n'), 3);
  assert.ok(broken._tag === 'Left' && /line 2 is not a valid event/.test(broken.left), JSON.stringify(broken));
  assert.ok(cutRecord(good.slice(1).join('\n'), 3)._tag === 'Left', 'a record without its run-started event');
});

test('a resumed run may extend --epochs but not change what it trains', () => {
  const c = config(2);
  assert.is(unwrap(resumedConfig(c, { epochs: 6 }, 8, 4)).epochs, 6);
  const arch = resumedConfig(c, { arch: 'mlp-bn' }, 8, 4);
  assert.ok(
    arch._tag === 'Left' &&
      arch.left ===
        '--resume: arch "mlp-bn" does not match the run being resumed ("mlp-gbn"); leave it out to keep the recorded value',
  );
  const fewer = resumedConfig(c, { epochs: 1 }, 8, 4);
  assert.ok(fewer._tag === 'Left' && /--epochs 1 is fewer than the run has done \(2\)/.test(fewer.left));
});

test('a checkpoint from another architecture, a wrong signature or a truncated file is refused with a reason', () => {
  const c = config(1);
  const gan = newGan(c);
  const other = createGan(ARCHITECTURES['mlp-bn'], { pixels: 784, seed: 1, lr: 2e-4, beta1: 0.5, ema: c.ema });
  const bytes = snapshotOf(gan);
  const refused = restore(other, unwrap(parseCheckpoint(bytes)));
  assert.ok(refused._tag === 'Left' && refused.left === 'checkpoint is of architecture mlp-gbn, expected mlp-bn');
  const wrong = parseCheckpoint(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]));
  assert.ok(wrong._tag === 'Left' && /no GSCK signature/.test(wrong.left));
  const short = parseCheckpoint(bytes.subarray(0, bytes.length - 10));
  assert.ok(short._tag === 'Left' && /truncated or padded/.test(short.left));
  disposeGan(gan);
  disposeGan(other);
});

test('fuzz: random bytes and mutations of valid records and checkpoints never crash the readers', () => {
  const rng = seeded(99);
  const valid = readFileSync('fixtures/streams/healthy.ndjson', 'utf8').split('\n').filter(Boolean);
  for (let i = 0; i < 300; i++) {
    const line = valid[rng.int(valid.length)];
    const chars = line.split('');
    for (let k = 0; k < 1 + rng.int(4); k++) chars[rng.int(chars.length)] = String.fromCharCode(rng.int(128));
    const r = decodeEvent(chars.join(''));
    // A refusal is one line; an accepted mutation is a valid event that survives its own round trip.
    if (r._tag === 'Left') assert.match(r.left, /^[^\n]+$/);
    else
      assert.equal(
        decodeEvent(encodeEvent(r.right)),
        r,
        `line ${i}: a decoded event that does not decode again the same`,
      );
  }
  const gan = newGan(config(1));
  const good = snapshotOf(gan);
  for (let i = 0; i < 60; i++) {
    const bytes =
      i % 2 ? Uint8Array.from({ length: rng.int(200) }, () => rng.int(256)) : good.slice(0, rng.int(good.length));
    if (i % 3 === 0)
      for (let k = 0; k < 8; k++) bytes[rng.int(Math.max(1, Math.min(bytes.length, 400)))] = rng.int(256);
    const r = parseCheckpoint(bytes);
    if (r._tag === 'Left') assert.match(r.left, /^[^\n]+$/);
    else {
      // Accepted bytes hold every tensor the header lists, each as large as its shape says.
      assert.is(r.right.tensors.size, r.right.header.tensors.length);
      for (const t of r.right.header.tensors)
        assert.is(
          r.right.tensors.get(t.name)!.length,
          t.shape.reduce((a, b) => a * b, 1),
          t.name,
        );
    }
  }
  disposeGan(gan);
});

test.run();
