/**
 * The runs folder as the studio sees it: each run folder's name, what it trained and how far, and
 * what can be done with it (replay, resume, download the generator). Reads only, and only bounded
 * parts of each record: its first line (the run-started event) and its last MiB (how far it got,
 * how it ended), so a record of any size lists as fast as a small one. A run whose record cannot
 * be read is listed all the same, with the reason.
 */
import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { checkpointHeaderLength, parseCheckpointHeader } from '../model/checkpoint.ts';
import { CHECKPOINT_FILE } from '../streams/checkpoint-run.ts';
import { decodeEvent, type RunStarted, type TrainingEvent } from '../streams/events.ts';
import { METRICS_FILE } from '../streams/sinks/file.ts';
import { firstLine, lastLines, linesAsync } from '../streams/sources/lines.ts';
import { isOverLong, overLongReason } from '../streams/sources/record-lines.ts';
import type { RunListing } from './answers.ts';
import { runProgress } from './run-progress.ts';

/** How much of a record's end the listing reads: about 3,000 step lines. */
export const TAIL_BYTES = 1 << 20;
/** The most of a checkpoint read for its header (the header is a few kB). */
const CHECKPOINT_HEADER_BYTES = 1 << 20;

/** A record's run-started event, from its first line alone (the first, in every record ganstream writes), or why there is none. */
export function readRunStarted(file: string): E.Either<string, RunStarted> {
  if (!existsSync(file)) return E.left(`it has no ${METRICS_FILE}`);
  const first = firstLine(file);
  if (first === null || (!isOverLong(first) && first.trim() === ''))
    return E.left('its record is empty (stopped before its first line was written?)');
  if (isOverLong(first)) return E.left(`its record's first line is ${overLongReason(first)}`);
  const decoded = decodeEvent(first);
  if (E.isLeft(decoded)) return E.left(`its record's first line is not an event (${decoded.left})`);
  if (decoded.right.type !== 'run-started')
    return E.left(`its record's first line is a ${decoded.right.type} event, expected run-started`);
  return E.right(decoded.right);
}

/** The epochs in a checkpoint's run configuration, reading its header alone; null when it has none. */
function checkpointEpochs(file: string): number | null {
  const fd = openSync(file, 'r');
  try {
    const start = Buffer.alloc(8);
    if (readSync(fd, start, 0, 8, 0) < 8) return null;
    const length = checkpointHeaderLength(start);
    if (length > CHECKPOINT_HEADER_BYTES) return null;
    const bytes = Buffer.alloc(8 + length);
    readSync(fd, bytes, 0, bytes.length, 0);
    const header = parseCheckpointHeader(bytes);
    const epochs = E.isRight(header)
      ? (header.right.run as { config?: { epochs?: unknown } } | null)?.config?.epochs
      : null;
    return typeof epochs === 'number' && Number.isInteger(epochs) && epochs > 0 ? epochs : null;
  } finally {
    closeSync(fd);
  }
}

const generatorFile = (runsDir: string, name: string) => join(runsDir, name, 'generator', 'model.json');

/** Whether a folder of the runs folder is a run: it holds a record (readable or not) or a saved generator. */
export const isRunFolder = (runsDir: string, name: string): boolean =>
  existsSync(join(runsDir, name, METRICS_FILE)) || existsSync(generatorFile(runsDir, name));

/** One run folder's listing, or null when it is not a run (isRunFolder). */
export function describeRunFolder(runsDir: string, name: string): RunListing | null {
  if (!isRunFolder(runsDir, name)) return null;
  const dir = join(runsDir, name);
  const file = join(dir, METRICS_FILE);
  const hasGenerator = existsSync(generatorFile(runsDir, name));
  const checkpoint = join(dir, CHECKPOINT_FILE);
  const started = readRunStarted(file);
  if (E.isLeft(started)) {
    return {
      name,
      arch: null,
      dataset: null,
      startedAt: statSync(dir).mtime.toISOString(),
      epochs: 0,
      totalSteps: 0,
      steps: 0,
      status: 'unreadable',
      resumable: false,
      hasGenerator,
      problem: started.left,
    };
  }
  const s = started.right;
  const tail = Array.from(lastLines(file, TAIL_BYTES), (line) => decodeEvent(line)).flatMap((d) =>
    E.isRight(d) ? [d.right] : [],
  );
  const { steps, status, resumed } = runProgress(tail);
  const resumable = existsSync(checkpoint);
  // A resume further back than the tail: the checkpoint's configuration has its epochs.
  const epochs = resumed?.epochs ?? (resumable ? checkpointEpochs(checkpoint) : null) ?? s.config.epochs;
  return {
    name,
    arch: s.config.arch,
    dataset: s.dataset.name,
    startedAt: s.startedAt,
    epochs,
    totalSteps: resumed?.totalSteps ?? (epochs === s.config.epochs ? s.totalSteps : epochs * s.stepsPerEpoch),
    steps,
    status,
    resumable,
    hasGenerator,
    problem: null,
  };
}

/** Every run folder with a record or a saved generator, newest first. */
export function listRuns(runsDir: string): RunListing[] {
  if (!existsSync(runsDir)) return [];
  return readdirSync(runsDir)
    .filter((name) => !name.startsWith('.') && statSync(join(runsDir, name)).isDirectory())
    .map((name) => describeRunFolder(runsDir, name))
    .filter((r): r is RunListing => r !== null)
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

/**
 * A run's record as a stream of its lines (each ending in a newline) that can be events: over-long
 * lines and lines that are not JSON objects are left out, here, at the cost of a look at their
 * first character; the page decodes the rest with the codecs and skips what does not decode.
 */
export function recordStream(runsDir: string, name: string): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const source = linesAsync(join(runsDir, name, METRICS_FILE));
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        const next = await source.next();
        if (next.done) {
          controller.close();
          return;
        }
        const line = next.value;
        if (isOverLong(line) || !line.startsWith('{')) continue;
        controller.enqueue(encoder.encode(`${line}\n`));
        return;
      }
    },
    async cancel() {
      await source.return(undefined);
    },
  });
}

/** A file of a run folder as a stream of chunks (a saved network's weights): never whole in memory. */
export function fileStream(path: string): ReadableStream<Uint8Array> {
  let file: FileHandle | null = null;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      file ??= await open(path, 'r');
      const chunk = new Uint8Array(1 << 16);
      const { bytesRead } = await file.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) {
        await file.close();
        controller.close();
        return;
      }
      controller.enqueue(chunk.subarray(0, bytesRead));
    },
    async cancel() {
      await file?.close();
    },
  });
}

/** A run's events of the kinds asked for, read without blocking and keeping only those. */
export async function eventsOf<K extends TrainingEvent['type']>(
  runsDir: string,
  name: string,
  kinds: readonly K[],
): Promise<Extract<TrainingEvent, { type: K }>[]> {
  const out: Extract<TrainingEvent, { type: K }>[] = [];
  for await (const line of linesAsync(join(runsDir, name, METRICS_FILE))) {
    if (isOverLong(line)) continue;
    // Only lines naming a wanted kind are decoded (the codecs are the costly part).
    if (!kinds.some((k) => line.includes(`"type":"${k}"`))) continue;
    const decoded = decodeEvent(line);
    if (E.isRight(decoded) && (kinds as readonly string[]).includes(decoded.right.type))
      out.push(decoded.right as Extract<TrainingEvent, { type: K }>);
  }
  return out;
}
