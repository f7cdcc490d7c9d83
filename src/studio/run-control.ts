/**
 * Play, pause, step and stop for a run driven by training$: the `hold` and `stop` functions it
 * polls. Playing, no step is held; paused, every step is; "step N" lets N more through and then
 * holds again. A stop request releases the hold, so the run can end with its checkpoint.
 */
export type ControlState = 'playing' | 'paused' | 'stopping';
/** Which network the allowed steps update: both, or only D, or only G. */
export type StepKind = 'both' | 'd' | 'g';

/** The most steps one "step" request lets through. */
export const MAX_STEPS_PER_REQUEST = 10_000;

/** Why a "step N" request cannot be obeyed, or null when it can. */
export const stepCountProblem = (n: number): string | null =>
  Number.isInteger(n) && n >= 1 && n <= MAX_STEPS_PER_REQUEST
    ? null
    : `step: steps ${n}: expected an integer from 1 to ${MAX_STEPS_PER_REQUEST}`;

export class RunControl {
  private allowance = Number.POSITIVE_INFINITY;
  private stopRequested = false;
  private kind: StepKind = 'both';
  private held = 0;

  get state(): ControlState {
    if (this.stopRequested) return 'stopping';
    return this.allowance === Number.POSITIVE_INFINITY ? 'playing' : 'paused';
  }

  /** How many times the run asked to go on and was held (it asks again every HOLD_POLL_MS while paused). */
  get heldTurns(): number {
    return this.held;
  }

  /** Steps still allowed before the run holds (Infinity while playing). */
  get stepsAllowed(): number {
    return this.allowance;
  }

  play(): void {
    this.allowance = Number.POSITIVE_INFINITY;
    this.kind = 'both';
  }
  pause(): void {
    this.allowance = 0;
  }
  /** Lets `n` more steps run, updating both networks or only one, then holds (also from playing: it pauses after them). */
  step(n: number, kind: StepKind = 'both'): void {
    this.allowance = n;
    this.kind = kind;
  }

  /** For trainStep: the network the current step may update alone, or null for both. */
  readonly only = (): 'd' | 'g' | null => (this.kind === 'both' ? null : this.kind);
  stop(): void {
    this.stopRequested = true;
  }

  /** For training$: true holds the next step. Each step let through uses one of the allowance. */
  readonly hold = (): boolean => {
    if (this.stopRequested) return false;
    if (this.allowance <= 0) {
      this.held++;
      return true;
    }
    this.allowance--;
    return false;
  };

  readonly shouldStop = (): boolean => this.stopRequested;
}
