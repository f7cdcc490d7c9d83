/**
 * A run folder's resume point: its checkpoint and its record read from disk, then checked by
 * resume.ts's resumePointOf.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { CHECKPOINT_FILE, METRICS_FILE } from '../streams/checkpoint-run.ts';
import { type ResumePoint, resumePointOf } from './resume.ts';

export function loadResumePoint(dir: string): E.Either<string, ResumePoint> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return E.left(`--resume: no run folder at ${dir}`);
  const file = join(dir, CHECKPOINT_FILE);
  if (!existsSync(file))
    return E.left(
      `--resume: ${dir} holds no ${CHECKPOINT_FILE} (checkpoints are written at each epoch end): nothing to resume from`,
    );
  const metrics = join(dir, METRICS_FILE);
  if (!existsSync(metrics)) return E.left(`--resume: ${dir} holds no ${METRICS_FILE}`);
  return resumePointOf(readFileSync(file), readFileSync(metrics, 'utf8'), file);
}
