#!/usr/bin/env -S node --import tsx
/**
 * Replays recorded runs through the same analysis and sinks as a live run.
 *   replay.ts <run folder | run archive (.zip) | metrics.ndjson> [--out DIR] [--speed X]
 *   replay.ts --compare <run> <run> ... [--out DIR]
 */
import { mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { parseArgs } from '../src/plan/flags.ts';
import { type ReplayResult, replayRecording, summariesSideBySide } from '../src/plan/replay-run.ts';
import { runFolderOf } from '../src/plan/run-archive-folder.ts';
import { numberIn } from '../src/plan/values.ts';
import { writeFileAtomic } from '../src/streams/sinks/atomic-write.ts';
import { HISTORY_FILE, historyPng, runsComparisonPng } from '../src/streams/sinks/canvas.ts';
import { formatSummary } from '../src/streams/sinks/console.ts';
import { recordingPath } from '../src/streams/sources/recording.ts';
import { fail, failOnUncaught } from './lib/exit.ts';

const HELP = `Usage: npm run replay -- <run folder | run archive (.zip) | metrics.ndjson> [--out DIR] [--speed X]
       npm run replay -- --compare <run> <run> ... [--out DIR]

Reads a recorded metric stream back through the event codecs, derives the warnings again, prints
the summary, and redraws training_history.png (into the run folder, or --out). Bad lines are
reported with their line numbers and skipped. A run archive (RUN.zip, the site's Download) is
unpacked into RUN/ first.
  --speed X     replay with the recorded timing divided by X (default: as fast as possible)
  --compare     overlay several runs' curves in comparison.png and print their summaries side by side
  --out DIR     where the pictures go
`;

failOnUncaught();

const args = parseArgs(process.argv.slice(2), ['out', 'speed'], ['compare', 'help']);
if (E.isLeft(args)) fail(args.left);
const { flags, positional } = args.right;
if (flags.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const speedCodec: t.Type<number, string, unknown> = numberIn('a number > 0', (n) => n > 0);
const speed =
  flags.speed === undefined
    ? null
    : E.getOrElseW(() => fail(`--speed: expected a number > 0, got '${flags.speed}'`))(speedCodec.decode(flags.speed));
const out = typeof flags.out === 'string' ? flags.out : null;

function ensureOut(dir: string): string {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    fail(`--out: cannot create folder ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return dir;
}

const label = (path: string) =>
  basename(resolve(path)) === 'metrics.ndjson' ? basename(dirname(resolve(path))) : basename(resolve(path));

if (flags.compare) {
  if (positional.length < 2) fail(`--compare needs at least two runs, got ${positional.length}`);
  const results: ReplayResult[] = [];
  for (const path of positional) {
    const r = await replayRecording(path, null);
    if (E.isLeft(r)) fail(r.left);
    if (r.right.bad.length)
      process.stderr.write(`${path}: ${r.right.bad.length} bad line${r.right.bad.length === 1 ? '' : 's'} skipped\n`);
    results.push(r.right);
  }
  const names = positional.map(label);
  process.stdout.write(
    summariesSideBySide(
      names,
      results.map((r) => r.summary),
    ),
  );
  const dir = ensureOut(out ?? '.');
  const file = join(dir, 'comparison.png');
  writeFileAtomic(
    file,
    runsComparisonPng(
      results.map((r, i) => ({ name: names[i], points: r.history.points(), stepsPerEpoch: r.stepsPerEpoch })),
    ),
  );
  process.stdout.write(`wrote ${resolve(file)}\n`);
} else {
  if (positional.length !== 1) fail(`expected one run folder or metrics file, got ${positional.length} (see --help)`);
  // A run archive (the site's Download) is replayed from the folder it is unpacked into.
  const folder = runFolderOf(positional[0]);
  if (E.isLeft(folder)) fail(folder.left);
  if (folder.right.unpacked) process.stdout.write(`${folder.right.unpacked}\n`);
  const path = folder.right.folder;
  const r = await replayRecording(path, speed, {
    onBad: (b) => process.stderr.write(`line ${b.line}: ${b.reason} (skipped)\n`),
    onWarning: (w) => process.stdout.write(`warning (step ${w.step}, ${w.kind}): ${w.message}\n`),
  });
  if (E.isLeft(r)) fail(r.left);
  const result = r.right;
  process.stdout.write(formatSummary(result.summary));
  process.stdout.write(
    `replayed ${result.events} events; ${result.bad.length} bad line${result.bad.length === 1 ? '' : 's'} skipped; ${result.warnings.length} warning${result.warnings.length === 1 ? '' : 's'}\n`,
  );
  const dir = ensureOut(out ?? dirname(E.getOrElse(() => path)(recordingPath(path))));
  if (result.run) {
    writeFileAtomic(join(dir, HISTORY_FILE), historyPng(result.history, result.run));
    process.stdout.write(`wrote ${resolve(join(dir, HISTORY_FILE))}\n`);
  } else {
    process.stdout.write('no run-started record: training_history.png not drawn\n');
  }
}
