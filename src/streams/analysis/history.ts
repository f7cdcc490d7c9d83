/**
 * The curves of a run in bounded memory: step metrics are averaged into at most `maxBins` bins of
 * equal width; when the bins run out, neighbours merge and the width doubles. A run of any
 * length keeps at most maxBins points per curve.
 */
import type { Step } from '../events.ts';

export const CURVES = ['dLoss', 'gLoss', 'dAccReal', 'dAccFake'] as const;
export type Curve = (typeof CURVES)[number];

export interface HistoryPoints {
  /** Mean step number of each bin. */
  readonly step: number[];
  readonly values: Record<Curve, number[]>;
}

interface Bin {
  count: number;
  step: number;
  sums: Record<Curve, number>;
}

export class History {
  private bins: Bin[] = [];
  private width = 1;
  constructor(private readonly maxBins = 1024) {}

  add(s: Step): void {
    let last = this.bins[this.bins.length - 1];
    if (!last || last.count >= this.width) {
      if (this.bins.length === this.maxBins) this.merge();
      last = this.bins[this.bins.length - 1];
      if (!last || last.count >= this.width) {
        last = { count: 0, step: 0, sums: { dLoss: 0, gLoss: 0, dAccReal: 0, dAccFake: 0 } };
        this.bins.push(last);
      }
    }
    last.count++;
    last.step += s.step;
    for (const k of CURVES) last.sums[k] += s[k];
  }

  /** Forgets the steps after `step` (a rollback abandoned them); a bin that straddles it goes whole. */
  rollBack(step: number): void {
    // A bin holds consecutive steps, so its last one is its mean step plus half its count less one.
    const lastStep = (b: Bin) => b.step / b.count + (b.count - 1) / 2;
    while (this.bins.length > 0 && lastStep(this.bins[this.bins.length - 1]) > step + 1e-9) this.bins.pop();
  }

  private merge(): void {
    const merged: Bin[] = [];
    for (let i = 0; i < this.bins.length; i += 2) {
      const a = this.bins[i],
        b = this.bins[i + 1];
      if (!b) {
        merged.push(a);
        continue;
      }
      merged.push({
        count: a.count + b.count,
        step: a.step + b.step,
        sums: Object.fromEntries(CURVES.map((k) => [k, a.sums[k] + b.sums[k]])) as Record<Curve, number>,
      });
    }
    this.bins = merged;
    this.width *= 2;
  }

  points(): HistoryPoints {
    return {
      step: this.bins.map((b) => b.step / b.count),
      values: Object.fromEntries(CURVES.map((k) => [k, this.bins.map((b) => b.sums[k] / b.count)])) as Record<
        Curve,
        number[]
      >,
    };
  }
}
