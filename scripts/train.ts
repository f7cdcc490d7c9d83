#!/usr/bin/env -S node --import tsx
/**
 * Trains a GAN and writes a run folder. `npm run train -- --help` lists the flags.
 * Runs under Node (tsx) and Deno from the same source.
 */
import { join, resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { selectBackend } from '../src/model/backend.ts';
import { buildGan, planRun } from '../src/plan/plan-run.ts';
import { runFolderOf } from '../src/plan/run-archive-folder.ts';
import { runFolderContents } from '../src/plan/run-folder.ts';
import { decideSignal, type FirstSignal } from '../src/plan/stop-signals.ts';
import { decodeTrainArgs, HELP } from '../src/plan/train-options.ts';
import { loadJudge } from '../src/quality/judge-folder.ts';
import { canvasKind } from '../src/render/node-canvas.ts';
import { advice } from '../src/streams/analysis/advice.ts';
import { CHECKPOINT_FILE } from '../src/streams/checkpoint-run.ts';
import { qualityEpochs } from '../src/streams/config.ts';
import { consoleSink } from '../src/streams/sinks/console.ts';
import { openRunFolder, trainIntoFolder } from '../src/streams/sinks/run-folder.ts';
import { fail, failOnUncaught } from './lib/exit.ts';

failOnUncaught();
process.on('unhandledRejection', (e) =>
  fail(`internal: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`, 1),
);

const args = decodeTrainArgs(process.argv.slice(2));
if (E.isLeft(args)) fail(args.left);
if (args.right.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const { given, force } = args.right;
// A run archive (the site's Download) resumes from the folder it is unpacked into.
const resumeFolder = args.right.resume === null ? null : runFolderOf(args.right.resume);
if (resumeFolder && E.isLeft(resumeFolder)) fail(`--resume ${resumeFolder.left}`);
const resumeDir = resumeFolder && E.isRight(resumeFolder) ? resumeFolder.right.folder : null;
if (resumeFolder && E.isRight(resumeFolder) && resumeFolder.right.unpacked)
  process.stdout.write(`${resumeFolder.right.unpacked}\n`);
const canvas = (() => {
  try {
    return canvasKind();
  } catch (e) {
    return fail((e as Error).message);
  }
})();

// Everything a user can get wrong is checked here, before anything is written.
const plan = planRun({ config: args.right.config, given, resume: resumeDir, force });
if (E.isLeft(plan)) fail(plan.left);
if (plan.right.kind === 'complete') {
  const { config, totalSteps } = plan.right;
  process.stdout.write(
    `${resumeDir}: the run is already complete: all ${totalSteps.toLocaleString('en-US')} steps (${config.epochs} epochs) trained; nothing to do. To train on: --resume ${resumeDir} --epochs ${config.epochs * 2}\n`,
  );
  process.exit(0);
}
const { config, data, resumed } = plan.right;
const backend = await selectBackend(config.backend);
if (E.isLeft(backend)) fail(backend.left);
const built = buildGan(plan.right);
if (E.isLeft(built)) fail(built.left);
const gan = built.right;

const dir = config.out;
const opened = openRunFolder(dir, { keptLines: resumed?.keptLines, force });
if (E.isLeft(opened)) fail(opened.left);

// Ctrl-C or SIGTERM: stop after the current step with a checkpoint; the same signal again quits at
// once (copies that a wrapper such as npm relays within a second of the first are not a second press).
let first: FirstSignal | null = null;
const stopSignal = () => first?.signal ?? null;
// A closed stdout (`npm run train | head`) stops the run the same way, with a checkpoint; what is left to say goes to stderr.
let stdoutClosed = false;
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') fail(`stdout: ${e.message}`, 1);
  stdoutClosed = true;
});
const say = (text: string) => (stdoutClosed ? process.stderr.write(text) : process.stdout.write(text));
const exitCodeOf = (signal: NodeJS.Signals) => (signal === 'SIGTERM' ? 143 : 130);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    const now = performance.now();
    const decision = decideSignal(first, now);
    if (decision === 'quit') process.exit(exitCodeOf(signal));
    if (decision === 'echo') return;
    first = { signal, at: now };
    say(
      `\n${signal}: stopping after this step and writing a checkpoint (${signal === 'SIGINT' ? 'Ctrl-C' : 'the signal'} again, after a second, quits at once)\n`,
    );
  });
}

// Quality events need the evaluator's classifier; without it the run trains on and says why.
// A folder of images: the files passed over (not images, not decodable), each named, so that none goes missing unnoticed.
for (const why of data.source?.skipped ?? []) say(`note: skipped ${why}\n`);
const judge = qualityEpochs(config).length > 0 ? await loadJudge(data) : null;
if (judge && E.isLeft(judge)) say(`note: no quality checks (${judge.left})\n`);

const run = trainIntoFolder({
  gan,
  data,
  config,
  backend: backend.right,
  dir,
  options: {
    judge: judge && E.isRight(judge) ? judge.right : undefined,
    stop: () => stopSignal() !== null || stdoutClosed,
    resume: resumed ? { run: resumed.run, history: resumed.history } : undefined,
  },
});
consoleSink(run.events$, {
  write: (s) => {
    if (!stdoutClosed) process.stdout.write(s);
  },
  live: Boolean(process.stdout.isTTY),
  recorded: resumed?.history.length ?? 0,
});
let rollbacks = 0;
run.events$.subscribe((e) => {
  if (e.type === 'rolled-back') rollbacks++;
});
const ended = await run.start();
const status = ended.type === 'run-ended' ? ended.status : 'completed';

if (status === 'diverged') {
  const tried =
    rollbacks > 0 ? ` after ${rollbacks} rollback${rollbacks === 1 ? '' : 's'} with halved learning rates` : '';
  say(
    `diverged: a loss became NaN or infinite at step ${'step' in ended ? ended.step : '?'}${tried}; the networks were not saved, and ${join(dir, CHECKPOINT_FILE)} still holds the last good state.\n` +
      `  ${advice(['lower-lr', 'smoothing-on', 'lsgan'], config).trim()}${config.onNan === 'rollback' ? '' : ' With --on-nan rollback a run goes back to its last checkpoint at half the rate by itself.'} The checkpoint can be resumed with --resume ${dir}\n`,
  );
  process.exit(3);
}
if (canvas.name === 'raster')
  say(`note: image grids drawn with ganstream's raster fallback, plots skipped (${canvas.skipped.join('; ')})\n`);
else if (canvas.skipped.length > 0) say(`note: pictures drawn with ${canvas.name} (${canvas.skipped.join('; ')})\n`);
say(`run folder: ${resolve(dir)}\n  ${runFolderContents(dir).join(' ')}\n`);
// A folder of images: what holds without a classifier of its classes, how new G's images are.
if (data.source)
  say(
    `is G copying its images? npm run evaluate -- --model ${dir} (distance to the nearest training image${judge && E.isRight(judge) ? ', with the quality numbers' : ''}); npm run generate -- --model ${dir} --nearest 3 (the nearest, side by side)\n`,
  );
if (status === 'interrupted') {
  const signal = stopSignal();
  say(
    `${signal ?? (stdoutClosed ? 'stdout closed' : 'stopped')}: interrupted after step ${'step' in ended ? ended.step : '?'}; continue with: npm run train -- --resume ${dir}\n`,
  );
  process.exit(signal ? exitCodeOf(signal) : 141);
}
