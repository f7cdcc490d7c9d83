/**
 * What a Ctrl-C (SIGINT) or SIGTERM means to a training script. The first asks it to stop after
 * the current step with a checkpoint; a second one quits at once. But one press of Ctrl-C often
 * arrives twice: the terminal signals the whole process group, and the wrappers between the shell
 * and the script (npm run) may relay the signal to their child as well. A repeat within
 * RELAY_WINDOW_MS of the first is that echo, not a second press, and is ignored.
 */
export const RELAY_WINDOW_MS = 1000;

export interface FirstSignal {
  readonly signal: NodeJS.Signals;
  /** Milliseconds, from any monotonic clock. */
  readonly at: number;
}

export type SignalDecision = 'stop' | 'echo' | 'quit';

export function decideSignal(first: FirstSignal | null, at: number): SignalDecision {
  if (first === null) return 'stop';
  return at - first.at < RELAY_WINDOW_MS ? 'echo' : 'quit';
}
