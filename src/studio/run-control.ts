/**
 * Play, pause, step and stop for a run driven by training$: the `hold` and `stop` functions it
 * polls. Playing, no step is held; paused, every step is; "step N" lets N more through and then
 * holds again. A stop request releases the hold, so the run can end with its checkpoint.
 */
export type ControlState = 'playing' | 'paused' | 'stopping';

export class RunControl {
  private allowance = Number.POSITIVE_INFINITY;
  private stopRequested = false;

  get state(): ControlState {
    if (this.stopRequested) return 'stopping';
    return this.allowance === Number.POSITIVE_INFINITY ? 'playing' : 'paused';
  }

  /** Steps still allowed before the run holds (Infinity while playing). */
  get stepsAllowed(): number { return this.allowance; }

  play(): void { this.allowance = Number.POSITIVE_INFINITY; }
  pause(): void { this.allowance = 0; }
  /** Lets `n` more steps run, then holds (also from playing: it pauses after them). */
  step(n: number): void { this.allowance = n; }
  stop(): void { this.stopRequested = true; }

  /** For training$: true holds the next step. Each step let through uses one of the allowance. */
  readonly hold = (): boolean => {
    if (this.stopRequested) return false;
    if (this.allowance <= 0) return true;
    this.allowance--;
    return false;
  };

  readonly shouldStop = (): boolean => this.stopRequested;
}
