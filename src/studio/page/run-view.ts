/**
 * What the page shows of a run, folded from its events: the same events whether they arrive live
 * from the server or from a recorded run replayed in the page. Plain data, no DOM.
 */
import { History } from '../../streams/analysis/history.ts';
import type {
  Comparison,
  EpochEnd,
  Milestone,
  QualityChecked,
  RunEnded,
  RunStarted,
  Snapshot,
  Step,
  TrainingEvent,
  Warning,
} from '../../streams/events.ts';

export class RunView {
  started: RunStarted | null = null;
  totalSteps = 0;
  epochs = 0;
  readonly history = new History(2048);
  last: Step | null = null;
  lastEpoch: EpochEnd | null = null;
  readonly snapshots: Snapshot[] = [];
  readonly milestones: Milestone[] = [];
  readonly quality: QualityChecked[] = [];
  readonly warnings: Warning[] = [];
  /** The warnings whose condition cleared, with the step it did. */
  readonly cleared = new Map<Warning, number>();
  comparison: Comparison | null = null;
  ended: RunEnded | null = null;
  /** Steps' mean duration over the last few, for the speed and the time left. */
  private recentMs: number[] = [];
  /** Bumped by every event: views redraw when it changed. */
  version = 0;

  add(e: TrainingEvent): void {
    this.version++;
    switch (e.type) {
      case 'run-started':
        this.started = e;
        this.totalSteps = e.totalSteps;
        this.epochs = e.config.epochs;
        break;
      case 'run-resumed':
        this.totalSteps = e.totalSteps;
        this.epochs = e.epochs;
        this.ended = null;
        break;
      case 'step':
        this.history.add(e);
        this.last = e;
        this.recentMs.push(e.ms);
        if (this.recentMs.length > 50) this.recentMs.shift();
        break;
      case 'rolled-back':
        this.history.rollBack(e.step);
        while (this.snapshots.length > 0 && this.snapshots[this.snapshots.length - 1].step > e.step)
          this.snapshots.pop();
        break;
      case 'epoch':
        this.lastEpoch = e;
        break;
      case 'snapshot':
        this.snapshots.push(e);
        break;
      case 'milestone':
        this.milestones.push(e);
        break;
      case 'quality':
        this.quality.push(e);
        break;
      case 'warning':
        this.warnings.push(e);
        break;
      case 'warning-cleared': {
        const raised = [...this.warnings].reverse().find((w) => w.kind === e.kind && !this.cleared.has(w));
        if (raised) this.cleared.set(raised, e.step);
        break;
      }
      case 'comparison':
        this.comparison = e;
        break;
      case 'run-ended':
        this.ended = e;
        break;
      case 'checkpoint':
        break;
    }
  }

  /** Real images a second over the last 50 steps (a step takes dSteps real batches). */
  samplesPerSec(): number {
    if (!this.started || this.recentMs.length === 0) return 0;
    const c = this.started.config;
    const ms = this.recentMs.reduce((a, b) => a + b, 0) / this.recentMs.length;
    return (c.batchSize * (c.dSteps ?? 1) * 1000) / ms;
  }

  /** Seconds of training left at the recent pace. */
  secondsLeft(): number {
    if (!this.last || this.recentMs.length === 0) return 0;
    const ms = this.recentMs.reduce((a, b) => a + b, 0) / this.recentMs.length;
    return ((this.totalSteps - this.last.step) * ms) / 1000;
  }
}
