/**
 * Watches the step events and says when training goes wrong, as warning events placed right
 * after the step that showed it. Each warning fires once when its condition starts to hold over
 * a window of steps, and again only after the condition has cleared.
 */
import { Observable, type OperatorFunction } from 'rxjs';
import type { Step, TrainingEvent, Warning, WarningKind } from '../events.ts';

export interface WarningOptions {
  /** Steps a condition must hold (as a mean over the window) before it is reported. */
  readonly window: number;
}

interface Window { steps: Step[]; sums: Record<'dAcc' | 'dReal' | 'dFake' | 'gap', number> }

const dAcc = (s: Step) => (s.dAccReal + s.dAccFake) / 2;
const fmt = (x: number, digits = 3) => x.toFixed(digits);

function push(w: Window, s: Step, size: number): void {
  const add = (k: keyof Window['sums'], v: number, sign: number) => { w.sums[k] += sign * v; };
  const apply = (x: Step, sign: number) => {
    add('dAcc', dAcc(x), sign);
    add('dReal', x.dReal, sign);
    add('dFake', x.dFake, sign);
    add('gap', Math.abs(x.dReal - x.dFake), sign);
  };
  w.steps.push(s);
  apply(s, 1);
  if (w.steps.length > size) apply(w.steps.shift()!, -1);
}

/** The conditions, over a full window: the message to give, or null. */
function check(kind: WarningKind, w: Window, size: number): string | null {
  const n = w.steps.length;
  const last = w.steps[n - 1];
  if (kind === 'not-finite') {
    const bad = (['dLoss', 'gLoss', 'dReal', 'dFake'] as const).filter((k) => !Number.isFinite(last[k]));
    return bad.length ? `${bad.join(', ')} became ${last[bad[0]]}: training diverged. Try a lower --lr, --label-smoothing 0.1, or --loss lsgan.` : null;
  }
  if (n < size) return null;
  const mean = (k: keyof Window['sums']) => w.sums[k] / n;
  switch (kind) {
    case 'd-stuck-at-chance':
      return Math.abs(mean('dReal') - 0.5) < 0.02 && Math.abs(mean('dFake') - 0.5) < 0.02 && mean('gap') < 0.02
        ? `D outputs 0.5 for real and fake alike (mean D(x) ${fmt(mean('dReal'))}, D(G(z)) ${fmt(mean('dFake'))}; with bce that is D loss 2 ln 2 = 1.386 and G loss ln 2 = 0.693): ` +
          'BatchNorm after D\'s last hidden layer, with real and fake batches passed through D separately, fixes the batch-mean logit, so D cannot learn and G gets no signal. ' +
          'Try a discriminator without BatchNorm (--arch mlp-gbn or mlp).'
        : null;
    case 'd-too-strong':
      return mean('dAcc') > 0.95
        ? `D accuracy ${fmt(mean('dAcc') * 100, 1)}% over the last ${n} steps: D wins and G's gradients fade. Try --label-smoothing 0.1, a lower --lr, or a discriminator with dropout.`
        : null;
    case 'g-winning':
      return mean('dAcc') < 0.4
        ? `D accuracy ${fmt(mean('dAcc') * 100, 1)}% over the last ${n} steps, below chance: G fools D more often than not, and D no longer teaches G. Try a higher D learning rate or a larger discriminator.`
        : null;
  }
}

const KINDS: readonly WarningKind[] = ['not-finite', 'd-stuck-at-chance', 'd-too-strong', 'g-winning'];

/** Whether one step shows the condition: the step a warning began at is the first of the latest run of such steps. */
const showsIt: Record<WarningKind, (s: Step) => boolean> = {
  'not-finite': () => true,
  'd-stuck-at-chance': (s) => Math.abs(s.dReal - 0.5) < 0.02 && Math.abs(s.dFake - 0.5) < 0.02,
  'd-too-strong': (s) => dAcc(s) > 0.95,
  'g-winning': (s) => dAcc(s) < 0.4,
};

export function warnings<T extends TrainingEvent>(o: WarningOptions): OperatorFunction<T, T | Warning> {
  return (source) => new Observable((subscriber) => {
    const w: Window = { steps: [], sums: { dAcc: 0, dReal: 0, dFake: 0, gap: 0 } };
    const active = new Set<WarningKind>();
    const runStart = new Map<WarningKind, Step>();
    return source.subscribe({
      next(e) {
        subscriber.next(e);
        if (e.type !== 'step') return;
        const s: Step = e;
        push(w, s, o.window);
        for (const kind of KINDS) {
          if (!showsIt[kind](s)) runStart.delete(kind);
          else if (!runStart.has(kind)) runStart.set(kind, s);
          const message = check(kind, w, o.window);
          if (message === null) { active.delete(kind); continue; }
          if (active.has(kind)) continue;
          active.add(kind);
          const began = kind === 'not-finite' ? s : runStart.get(kind) ?? w.steps[0];
          subscriber.next({ type: 'warning', kind, step: began.step, epoch: began.epoch, message });
        }
      },
      error: (err) => subscriber.error(err),
      complete: () => subscriber.complete(),
    });
  });
}
