/**
 * Checkpoints in the event stream. After the last step of every epoch (and every `every` steps)
 * the operator takes a snapshot of the training state at once, while it is the state after that
 * step, and emits it as a checkpoint event once every other event of that step has passed, so
 * that a checkpoint on disk never runs ahead of the record. When the stream ends early (an
 * interruption) it takes one more after the last step, and one whenever `now` asks between steps
 * (a pause). Steps with non-finite losses are never
 * checkpointed: the last good checkpoint stays.
 */
import { Observable, type OperatorFunction } from 'rxjs';
import { CHECKPOINT_FILE } from '../checkpoint-run.ts';
import { type CheckpointTaken, type Step, stepOf, type TrainingEvent } from '../events.ts';

export interface CheckpointOptions {
  /** Also every N steps (null: epoch ends only). */
  readonly every: number | null;
  /** The training state after `step`, as checkpoint bytes. */
  readonly take: (step: Step) => Uint8Array;
  /** True when the run is stopping early and wants a checkpoint of its last step. */
  readonly final: () => boolean;
  /** Steps already checkpointed (a resumed run's start). */
  readonly after: number;
  /** Each emission takes a checkpoint of the last step's state at once (when it has none): for a run held between steps. */
  readonly now?: Observable<unknown>;
}

/** The event of a checkpoint of the state after a step, carrying its bytes for the sink. */
export const checkpointTaken = (at: Pick<Step, 'step' | 'epoch' | 'time'>, snapshot: Uint8Array): CheckpointTaken => ({
  type: 'checkpoint',
  step: at.step,
  epoch: at.epoch,
  time: at.time,
  file: CHECKPOINT_FILE,
  bytes: snapshot.length,
  snapshot,
});

const finite = (s: Step) => [s.dLoss, s.gLoss].every(Number.isFinite);

export function checkpoints(o: CheckpointOptions): OperatorFunction<TrainingEvent, TrainingEvent> {
  return (source) =>
    new Observable<TrainingEvent>((subscriber) => {
      let pending: CheckpointTaken | null = null;
      let lastStep: Step | null = null;
      let taken = o.after;
      const take = (s: Step): CheckpointTaken => {
        taken = s.step;
        return checkpointTaken(s, o.take(s));
      };
      const flush = () => {
        if (pending) {
          const p = pending;
          pending = null;
          subscriber.next(p);
        }
      };
      const fresh = () => lastStep !== null && lastStep.step > taken && finite(lastStep);
      const asked = o.now?.subscribe(() => {
        flush();
        if (lastStep && fresh()) subscriber.next(take(lastStep));
      });
      const events = source.subscribe({
        next(e) {
          if (pending && stepOf(e) > pending.step) flush();
          subscriber.next(e);
          if (e.type === 'step') lastStep = e;
          const due = e.type === 'epoch' || (e.type === 'step' && o.every !== null && e.step % o.every === 0);
          if (due && lastStep && lastStep.step === e.step && fresh()) pending = take(lastStep);
        },
        error: (err) => subscriber.error(err),
        complete() {
          flush();
          if (o.final() && lastStep && fresh()) subscriber.next(take(lastStep));
          subscriber.complete();
        },
      });
      return () => {
        asked?.unsubscribe();
        events.unsubscribe();
      };
    });
}
