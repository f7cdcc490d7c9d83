/** The checkpoint sink: writes each checkpoint's bytes to its file in the run folder, atomically (temporary file, fsync, rename). */
import { join } from 'node:path';
import type { Observable, Subscription } from 'rxjs';
import { isCheckpointTaken, type TrainingEvent } from '../events.ts';
import { writeFileAtomic } from './atomic-write.ts';

export function checkpointSink(events$: Observable<TrainingEvent>, dir: string): Subscription {
  return events$.subscribe((e) => {
    if (isCheckpointTaken(e)) writeFileAtomic(join(dir, e.file), e.snapshot);
  });
}
