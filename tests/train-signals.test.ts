/**
 * The training script under signals and interruptions: Ctrl-C, SIGTERM, a closed stdout and
 * SIGKILL at random moments each leave a checkpoint (or the last one) that `--resume` finishes
 * from with every step once; and what a resume prints. (The checkpoints' own bit-for-bit
 * determinism is tests/resume.test.ts, which runs on every engine.)
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { seeded } from '../src/data/random.ts';
import { parseCheckpoint } from '../src/model/checkpoint.ts';
import { decodeEvent, type Step } from '../src/streams/events.ts';
import { listedFiles, runScript, scriptEnv } from './helpers/cli.ts';
import { unwrap } from './helpers/either.ts';

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
