/**
 * The summary report of a run, from its events alone (live or replayed): for D loss, D accuracy
 * and G loss, mean, std, min and max over the whole run and over its last 10% of steps.
 * Streaming: memory bounded by the steps since the last checkpoint, however long the run. Those
 * steps wait in `pending` until a checkpoint confirms them, because a rollback (--on-nan rollback)
 * abandons them; the result counts them as they stand.
 */
import { defer, map, type OperatorFunction, reduce } from 'rxjs';
import { realPerStep } from '../config.ts';
import type { RunEnded, TrainingEvent } from '../events.ts';

export interface Stats {
  mean: number;
  std: number;
  min: number;
  max: number;
  count: number;
}
const SUMMARISED = ['dLoss', 'dAcc', 'gLoss'] as const;
export type SummaryMetric = (typeof SUMMARISED)[number];

export interface Summary {
  arch: string | null;
  status: RunEnded['status'] | 'unfinished';
  steps: number;
  epochs: number;
  seconds: number;
  samplesPerSec: number;
  warnings: number;
  run: Record<SummaryMetric, Stats>;
  last10: Record<SummaryMetric, Stats>;
}

/** Welford's running mean and variance, with min and max. */
class Running {
  n = 0;
  mean = 0;
  m2 = 0;
  min = Infinity;
  max = -Infinity;
  copy(): Running {
    return Object.assign(new Running(), this);
  }
  add(x: number) {
    this.n++;
    const d = x - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (x - this.mean);
    this.min = Math.min(this.min, x);
    this.max = Math.max(this.max, x);
  }
  stats(): Stats {
    return this.n === 0
      ? { mean: NaN, std: NaN, min: NaN, max: NaN, count: 0 }
      : { mean: this.mean, std: Math.sqrt(this.m2 / this.n), min: this.min, max: this.max, count: this.n };
  }
}

/** Steps in the last 10% of a plan of `total` steps (at least one). */
const tailLength = (total: number): number => Math.max(1, Math.ceil(total * 0.1));

export class SummaryAccumulator {
  private arch: string | null = null;
  private status: Summary['status'] = 'unfinished';
  private totalSteps = 0;
  private batchSize = 0;
  private steps = 0;
  private epochs = 0;
  private seconds = 0;
  private trainingMs = 0;
  /** Steps trained, abandoned ones included (they took time too). */
  private trained = 0;
  private warnings = 0;
  private readonly all = Object.fromEntries(SUMMARISED.map((k) => [k, new Running()])) as Record<
    SummaryMetric,
    Running
  >;
  private tail = Object.fromEntries(SUMMARISED.map((k) => [k, new Running()])) as Record<SummaryMetric, Running>;
  /** Steps after the last checkpoint: their metric values, and whether they fall in the last 10%. */
  private pending: { step: number; values: Record<SummaryMetric, number>; inTail: boolean }[] = [];
  /**
   * The last 10% (of the plan) of checkpointed steps, so that a resumed run with another plan can
   * count its own last 10% from them: a shorter plan's falls entirely among them, a longer plan's
   * partly.
   */
  private recent: { step: number; values: Record<SummaryMetric, number> }[] = [];

  private commit(into: { all: Record<SummaryMetric, Running>; tail: Record<SummaryMetric, Running> }): void {
    for (const p of this.pending) {
      for (const k of SUMMARISED) {
        into.all[k].add(p.values[k]);
        if (p.inTail) into.tail[k].add(p.values[k]);
      }
    }
  }

  /** commit() into the run's own totals, remembering the most recent steps. */
  private checkpointed(): void {
    this.commit({ all: this.all, tail: this.tail });
    this.recent.push(...this.pending.map(({ step, values }) => ({ step, values })));
    this.recent.splice(0, Math.max(0, this.recent.length - tailLength(this.totalSteps)));
    this.pending = [];
  }

  add(e: TrainingEvent): this {
    switch (e.type) {
      case 'run-started':
        this.arch = e.config.arch;
        this.totalSteps = e.totalSteps;
        this.batchSize = realPerStep(e.config);
        break;
      case 'step': {
        this.steps = Math.max(this.steps, e.step);
        this.seconds = e.time;
        this.trainingMs += e.ms;
        this.trained++;
        const values: Record<SummaryMetric, number> = {
          dLoss: e.dLoss,
          dAcc: (e.dAccReal + e.dAccFake) / 2,
          gLoss: e.gLoss,
        };
        const inTail = e.step > this.totalSteps - tailLength(this.totalSteps);
        this.pending.push({ step: e.step, values, inTail });
        break;
      }
      case 'checkpoint':
        this.checkpointed();
        break;
      case 'rolled-back':
        this.pending = this.pending.filter((p) => p.step <= e.step);
        this.steps = e.step;
        break;
      case 'run-resumed':
        this.checkpointed();
        if (e.totalSteps !== this.totalSteps) {
          // Another plan, another last 10%: recounted from the steps already trained that fall in it.
          this.totalSteps = e.totalSteps;
          const from = e.totalSteps - tailLength(e.totalSteps);
          for (const k of SUMMARISED) this.tail[k] = new Running();
          for (const r of this.recent) if (r.step > from) for (const k of SUMMARISED) this.tail[k].add(r.values[k]);
        }
        break;
      case 'epoch':
        this.epochs = Math.max(this.epochs, e.epoch);
        break;
      case 'warning':
        this.warnings++;
        break;
      case 'run-ended':
        this.status = e.status;
        this.seconds = e.time;
        break;
      case 'milestone':
        break;
    }
    return this;
  }

  result(): Summary {
    const copy = (r: Record<SummaryMetric, Running>) =>
      Object.fromEntries(SUMMARISED.map((k) => [k, r[k].copy()])) as Record<SummaryMetric, Running>;
    const standing = { all: copy(this.all), tail: copy(this.tail) };
    this.commit(standing);
    const of = (r: Record<SummaryMetric, Running>) =>
      Object.fromEntries(SUMMARISED.map((k) => [k, r[k].stats()])) as Record<SummaryMetric, Stats>;
    return {
      arch: this.arch,
      status: this.status,
      steps: this.steps,
      epochs: this.epochs,
      seconds: this.seconds,
      samplesPerSec: this.trainingMs > 0 ? (this.trained * this.batchSize) / (this.trainingMs / 1000) : 0,
      warnings: this.warnings,
      run: of(standing.all),
      last10: of(standing.tail),
    };
  }
}

export const summarize = (events: Iterable<TrainingEvent>): Summary => {
  const acc = new SummaryAccumulator();
  for (const e of events) acc.add(e);
  return acc.result();
};

/** The summary of a whole event stream, emitted when it completes. */
export const summary = (): OperatorFunction<TrainingEvent, Summary> => (source) =>
  defer(() =>
    source.pipe(
      reduce((acc, e) => acc.add(e), new SummaryAccumulator()),
      map((acc) => acc.result()),
    ),
  );
