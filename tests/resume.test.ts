import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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
import { listedFiles, runScript, scriptEnv } from './helpers/cli.ts';
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

// The script under signals. Checkpoints appear at each epoch end (8 steps here). No quality
// checks: each would load the evaluator's classifier and its 10,000 reference digits (seconds a run).
/** The scripts' runs: 4 epochs of 8 steps (256 images, batches of 32). */
const EPOCHS = 4;
const STEPS = EPOCHS * 8;
const scriptArgs = (out: string, epochs = EPOCHS) => [
  '--epochs',
  String(epochs),
  '--limit',
  '256',
  '--batch-size',
  '32',
  '--milestones',
  '1',
  '--eval-every',
  '0',
  '--seed',
  '5',
  '--backend',
  'wasm-blas',
  '--ema',
  '0',
  '--out',
  out,
];

/**
 * Runs the script until `when`, then signals it. `asTerminal`: as `npm run train`, in a process
 * group of its own that gets the signal, as a terminal's Ctrl-C does (the script then receives it
 * twice: from the group and relayed by npm), usually while a step is running.
 */
function runUntil(
  args: string[],
  when: (out: string) => boolean,
  signal: NodeJS.Signals,
  delayMs = 0,
  asTerminal = false,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }> {
  return new Promise((resolve) => {
    const env = scriptEnv();
    const child = asTerminal
      ? spawn('npm', ['run', '-s', 'train', '--', ...args], { env, detached: true })
      : spawn(process.execPath, ['--import', 'tsx', 'scripts/train.ts', ...args], { env });
    let stdout = '';
    let sent = false;
    child.stdout.on('data', (d) => {
      stdout += d;
      if (!sent && when(stdout)) {
        sent = true;
        setTimeout(() => (asTerminal ? process.kill(-child.pid!, signal) : child.kill(signal)), delayMs);
      }
    });
    child.on('close', (code, signal) => resolve({ code, signal, stdout })); // close: after stdout is read to its end
  });
}

const stepsOf = (dir: string) =>
  readFileSync(join(dir, 'metrics.ndjson'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => unwrap(decodeEvent(l)))
    .filter((e): e is Step => e.type === 'step')
    .map((e) => e.step);

test('Ctrl-C on npm run train (SIGINT to the process group, relayed by npm as well): the script stops after a step, writes a checkpoint and the generator, says how to resume and exits 130; --resume finishes the run', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'ganstream-sigint-')), 'run');
  const r = await runUntil(scriptArgs(dir), (out) => /epoch 2\/4/.test(out), 'SIGINT', 0, true);
  // npm ends itself with the signal once the script has exited (the shell then reports 130).
  assert.equal([r.code, r.signal], [null, 'SIGINT'], r.stdout);
  assert.match(r.stdout, /SIGINT: stopping after this step and writing a checkpoint/);
  assert.match(r.stdout, /interrupted after step \d+; continue with: npm run train -- --resume /, r.stdout.slice(-600));
  assert.ok(existsSync(join(dir, 'checkpoint.bin')) && existsSync(join(dir, 'generator', 'model.json')));
  const listed = listedFiles(r.stdout);
  assert.ok(
    listed.includes('checkpoint.bin') && listed.includes('real_vs_fake.png'),
    `an interrupted run keeps its last epoch's real_vs_fake.png: ${listed.join(' ')}`,
  );
  for (const f of listed) assert.ok(existsSync(join(dir, f)), `listed but missing: ${f}`);
  const resumed = runScript('scripts/train.ts', ['--resume', dir], 120_000);
  assert.is(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /resumed after step \d+ \(epoch \d\) of 32 \(4 epochs\)/);
  assert.equal(
    stepsOf(dir),
    Array.from({ length: STEPS }, (_, i) => i + 1),
  );
});

test('a resume with more --epochs shows the new plan and one resumed line; resuming the finished run says so, exits 0 and writes nothing; a diverging resume exits 3', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'ganstream-extend-')), 'run');
  assert.is(runScript('scripts/train.ts', scriptArgs(dir, 1), 120_000).code, 0);
  const extended = runScript('scripts/train.ts', ['--resume', dir, '--epochs', '2'], 120_000);
  assert.is(extended.code, 0, extended.stderr);
  assert.match(extended.stdout, /^ganstream: mlp-gbn on .*\n {2}2 epochs x 8 steps of 32 = 16 steps;/);
  assert.is(extended.stdout.match(/resumed after/g)?.length, 1, extended.stdout);
  assert.match(extended.stdout, /resumed after step 8 \(epoch 1\) of 16 \(2 epochs\)/);
  assert.match(extended.stdout, /summary: completed, 16 steps, 2 epochs/);
  const record = readFileSync(join(dir, 'metrics.ndjson'));
  const again = runScript('scripts/train.ts', ['--resume', dir], 120_000);
  assert.is(again.code, 0, again.stderr);
  assert.is(
    again.stdout,
    `${dir}: the run is already complete: all 16 steps (2 epochs) trained; nothing to do. To train on: --resume ${dir} --epochs 4\n`,
  );
  assert.ok(readFileSync(join(dir, 'metrics.ndjson')).equals(record), 'the record is untouched');
  // Exit code 3 when the run diverges: the finished run's checkpoint, its first D layer overflowing float32, makes the next loss NaN.
  const diverging = join(dirname(dir), 'diverging');
  cpSync(dir, diverging, { recursive: true });
  const file = join(diverging, 'checkpoint.bin');
  const bytes = readFileSync(file);
  const kernel = unwrap(parseCheckpoint(bytes)).tensors.get('discriminator/0/kernel');
  assert.ok(kernel && kernel.buffer === bytes.buffer, 'the kernel is a view of the file bytes');
  kernel.fill(3e38);
  writeFileSync(file, bytes);
  const diverged = runScript('scripts/train.ts', ['--resume', diverging, '--epochs', '3'], 120_000);
  assert.is(diverged.code, 3, diverged.stdout + diverged.stderr);
  assert.match(diverged.stdout, /diverged: a loss became NaN or infinite at step 17/);
});

test('stdout closed mid-run (npm run train | head): the run stops after a step with a checkpoint, says so on stderr, exits 141; --resume finishes it', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'ganstream-epipe-')), 'run');
  const r = await new Promise<{ code: number | null; stderr: string }>((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/train.ts', ...scriptArgs(dir)], {
      env: scriptEnv(),
    });
    let stdout = '',
      stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      if (/epoch 1\/4/.test(stdout)) child.stdout.destroy();
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (code) => done({ code, stderr }));
  });
  assert.is(r.code, 141, r.stderr);
  assert.match(r.stderr, /stdout closed: interrupted after step \d+; continue with: npm run train -- --resume /);
  assert.not.match(r.stderr, /EPIPE|internal/);
  const steps = stepsOf(dir);
  assert.ok(steps.length >= 8 && steps.length < STEPS, `${steps.length} steps recorded`);
  const resumed = runScript('scripts/train.ts', ['--resume', dir], 120_000);
  assert.is(resumed.code, 0, resumed.stderr);
  assert.equal(
    stepsOf(dir),
    Array.from({ length: STEPS }, (_, i) => i + 1),
  );
});

test('exit codes of the script itself: 130 after SIGINT, 143 after SIGTERM, each with a checkpoint to resume', async () => {
  // Both at once: each is its own process.
  await Promise.all(
    (
      [
        ['SIGINT', 130],
        ['SIGTERM', 143],
      ] as const
    ).map(async ([signal, code]) => {
      const dir = join(mkdtempSync(join(tmpdir(), `ganstream-${signal}-`)), 'run');
      const r = await runUntil(scriptArgs(dir), (out) => /epoch 1\/4/.test(out), signal);
      assert.equal([r.code, r.signal], [code, null], `${signal}: ${r.stdout.slice(-400)}`);
      assert.match(r.stdout, new RegExp(`${signal}: stopping after this step`));
      assert.ok(existsSync(join(dir, 'checkpoint.bin')), `${signal}: checkpoint written`);
    }),
  );
});

test('SIGKILL at seeded random moments, then --resume until done: the record holds every step exactly once', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'ganstream-kill-')), 'run');
  const rng = seeded(2024);
  let args = scriptArgs(dir);
  for (let kill = 0; kill < 2; kill++) {
    await runUntil(args, (out) => /epoch \d\/4/.test(out), 'SIGKILL', rng.int(1500));
    if (existsSync(join(dir, 'checkpoint.bin'))) args = ['--resume', dir];
  }
  const last = runScript('scripts/train.ts', args[0] === '--resume' ? args : [...args, '--force'], 120_000);
  assert.is(last.code, 0, last.stderr);
  assert.equal(
    stepsOf(dir),
    Array.from({ length: STEPS }, (_, i) => i + 1),
  );
  const events = readFileSync(join(dir, 'metrics.ndjson'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => unwrap(decodeEvent(l)));
  assert.is(events.filter((e) => e.type === 'run-ended').length, 1);
  assert.is(events.at(-1)!.type, 'run-ended');
});

test.run();
