/**
 * The runs folder as the studio sees it: each run folder's name, what it trained and how far, and
 * what can be done with it (replay, resume, download the generator). Reads only.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { CHECKPOINT_FILE } from '../streams/checkpoint-run.ts';
import { decodeEvent, stepOf, type RunStarted } from '../streams/events.ts';
import { lines } from '../streams/sources/recording.ts';
import { METRICS_FILE } from '../streams/sinks/file.ts';

export interface RunListing {
  readonly name: string;
  readonly arch: string;
  readonly dataset: string;
  readonly startedAt: string;
  readonly epochs: number;
  readonly totalSteps: number;
  /** The last step recorded. */
  readonly steps: number;
  /** How the record ends: completed, interrupted, diverged, or open (no run-ended: running, or killed). */
  readonly status: 'completed' | 'interrupted' | 'diverged' | 'open';
  readonly resumable: boolean;
  readonly hasGenerator: boolean;
}

/** One run folder's listing, or null when it holds no readable record. */
export function describeRunFolder(runsDir: string, name: string): RunListing | null {
  const dir = join(runsDir, name);
  const file = join(dir, METRICS_FILE);
  if (!existsSync(file)) return null;
  let started: RunStarted | null = null;
  let steps = 0;
  let totalSteps = 0;
  let epochs = 0;
  let status: RunListing['status'] = 'open';
  for (const line of lines(file)) {
    const decoded = decodeEvent(line);
    if (E.isLeft(decoded)) continue;
    const e = decoded.right;
    if (e.type === 'run-started') { started = e; totalSteps = e.totalSteps; epochs = e.config.epochs; }
    if (e.type === 'run-resumed') { totalSteps = e.totalSteps; epochs = e.epochs; status = 'open'; }
    if (e.type === 'run-ended') status = e.status;
    steps = Math.max(steps, stepOf(e));
  }
  if (started === null) return null;
  return {
    name,
    arch: started.config.arch,
    dataset: started.dataset.name,
    startedAt: started.startedAt,
    epochs,
    totalSteps,
    steps,
    status,
    resumable: existsSync(join(dir, CHECKPOINT_FILE)),
    hasGenerator: existsSync(join(dir, 'generator', 'model.json')),
  };
}

/** A run folder's run-started event, reading its record only as far as that line (the first, in every record ganstream writes); null without one. */
export function runStarted(runsDir: string, name: string): RunStarted | null {
  const file = join(runsDir, name, METRICS_FILE);
  if (!existsSync(file)) return null;
  for (const line of lines(file)) {
    const decoded = decodeEvent(line);
    if (E.isRight(decoded) && decoded.right.type === 'run-started') return decoded.right;
  }
  return null;
}

/** Every run folder with a record, newest first. */
export function listRuns(runsDir: string): RunListing[] {
  if (!existsSync(runsDir)) return [];
  return readdirSync(runsDir)
    .filter((name) => !name.startsWith('.') && statSync(join(runsDir, name)).isDirectory())
    .map((name) => describeRunFolder(runsDir, name))
    .filter((r): r is RunListing => r !== null)
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

/** A run's record as its lines, for the page's replay. */
export const recordText = (runsDir: string, name: string): string => readFileSync(join(runsDir, name, METRICS_FILE), 'utf8');
