/**
 * Watches the step events and says when training goes wrong, as warning events placed right
 * after the step that showed it. A condition is judged on the means over a window of steps; a
 * warning fires once when it starts to hold, names the earliest step from which it holds, and
 * fires again only after the condition has cleared; a warning-cleared event says when it did.
 */
import { filter, Observable, type OperatorFunction } from 'rxjs';
import { advice, type RunSettings } from '../analysis/advice.ts';
import {
  type Milestone,
  milestoneFile,
  milestoneLabel,
  type QualityChecked,
  type Step,
  type TrainingEvent,
  type Warning,
  type WarningCleared,
  type WarningKind,
} from '../events.ts';

export interface WarningOptions {
  /** Steps a condition must hold (as a mean over the window) before it is reported. */
  readonly window: number;
  /**
   * How mode collapse is found: from the classifier's class coverage in quality events, when the
   * run has them, or else from how little the milestone samples differ from each other (default).
   */
  readonly collapseBy?: 'coverage' | 'diversity';
  /**
   * Steps before which samples are not judged for collapse (default: the window): a generator
   * drawn through a slow weight average still looks like its untrained self for a while.
   */
  readonly collapseAfter?: number;
  /** The run's settings, which word the advice; else they are taken from a run-started event in the stream. */
  readonly settings?: RunSettings;
}

/** Steps over which warnings judge a condition: an epoch, within 20 to 200 steps. */
export const warningWindow = (stepsPerEpoch: number) => Math.min(200, Math.max(20, stepsPerEpoch));

const dAcc = (s: Step) => (s.dAccReal + s.dAccFake) / 2;
const fmt = (x: number, digits = 3) => x.toFixed(digits);
const meanOf = (steps: readonly Step[], f: (s: Step) => number) =>
  steps.reduce((sum, s) => sum + f(s), 0) / steps.length;
const stdOf = (steps: readonly Step[], f: (s: Step) => number) => {
  const m = meanOf(steps, f);
  return Math.sqrt(meanOf(steps, (s) => (f(s) - m) ** 2));
};

/** Below this share of the real images' diversity, a milestone grid counts as collapsed. */
export const COLLAPSE_RATIO = 0.5;
/** A loss whose mean over the window exceeds this is diverging (healthy runs peak near 10 early on). */
export const DIVERGING_LOSS = 25;
/** Losses whose standard deviation over the window stays below this are flat. */
export const FLAT_STD = 0.005;

type StepKind = Exclude<WarningKind, 'mode-collapse' | 'label-ignored'>;

/** Whether the condition holds over these steps: the message to give, or null. */
function check(kind: StepKind, steps: readonly Step[], run: RunSettings | null = null): string | null {
  const last = steps[steps.length - 1];
  switch (kind) {
    case 'not-finite': {
      const bad = (['dLoss', 'gLoss', 'dReal', 'dFake'] as const).filter((k) => !Number.isFinite(last[k]));
      return bad.length
        ? `${bad.join(', ')} became ${last[bad[0]]}: training diverged.${advice(['lower-lr', 'smoothing-on', 'lsgan'], run)}`
        : null;
    }
    case 'diverging': {
      const d = meanOf(steps, (s) => s.dLoss),
        g = meanOf(steps, (s) => s.gLoss);
      const [name, value] = d > g ? ['D', d] : ['G', g];
      return value > DIVERGING_LOSS
        ? `${name} loss averages ${fmt(value, 1)} over ${steps.length} steps: training is diverging.${advice(['lower-lr', 'smoothing-on', 'lsgan'], run)}`
        : null;
    }
    case 'd-stuck-at-chance': {
      const dReal = meanOf(steps, (s) => s.dReal),
        dFake = meanOf(steps, (s) => s.dFake);
      const gap = meanOf(steps, (s) => Math.abs(s.dReal - s.dFake));
      return Math.abs(dReal - 0.5) < 0.02 && Math.abs(dFake - 0.5) < 0.02 && gap < 0.02
        ? `D outputs 0.5 for real and fake alike (mean D(x) ${fmt(dReal)}, D(G(z)) ${fmt(dFake)}; with bce, D loss at least 2 ln 2 = 1.386 and G loss near ln 2 = 0.693): ` +
            "BatchNorm after D's last hidden layer, with real and fake batches passed through D separately, fixes the batch-mean logit, so D cannot learn and G gets no signal. " +
            'Try a discriminator without BatchNorm (--arch mlp-gbn or mlp).'
        : null;
    }
    case 'd-too-strong': {
      const acc = meanOf(steps, dAcc);
      return acc > 0.95
        ? `D accuracy ${fmt(acc * 100, 1)}% over ${steps.length} steps: D wins and G's gradients fade.${advice(['smoothing-on', 'lower-lr', 'dropout-d'], run)}`
        : null;
    }
    case 'g-winning': {
      const acc = meanOf(steps, dAcc);
      return acc < 0.4
        ? `D accuracy ${fmt(acc * 100, 1)}% over ${steps.length} steps, below chance: G fools D more often than not, and D no longer teaches G.${advice(['smoothing-off', 'larger-d'], run) || advice(['lower-lr'], run).replace(/\.$/, ': smaller steps let D keep up.')}`
        : null;
    }
    case 'losses-flat': {
      const d = stdOf(steps, (s) => s.dLoss),
        g = stdOf(steps, (s) => s.gLoss);
      const explained = (['diverging', 'd-stuck-at-chance', 'd-too-strong', 'g-winning'] as const).some(
        (k) => check(k, steps, run) !== null,
      );
      return d < FLAT_STD && g < FLAT_STD && !explained
        ? `D and G losses have not moved over ${steps.length} steps (std ${fmt(d, 4)} and ${fmt(g, 4)}): nothing is being learned. Check the learning rate (--lr${run ? `, now ${run.lr}` : ''}) and that the data is not constant.`
        : null;
    }
  }
}

/** A milestone grid much less varied than real images: the generator may draw only a few things. */
export function collapseMessage(m: Milestone, run: RunSettings | null = null): string | null {
  const ratio = m.diversity / m.realDiversity;
  return ratio < COLLAPSE_RATIO
    ? `possible mode collapse at ${milestoneLabel(m)}: the ${m.count} milestone samples differ from each other ${fmt(ratio * 100, 0)}% as much as real images do ` +
        `(mean pixel distance ${fmt(m.diversity)} vs ${fmt(m.realDiversity)}). Look at ${milestoneFile(m)}.${advice(['smoothing-on', 'lsgan', 'lower-lr'], run)}`
    : null;
}

/** Fewer than this share of the classes (8 of 10) holding half their share of the samples counts as collapsed. */
export const COLLAPSE_SHARE = 0.8;

/** Below this share of recognisable samples the generator is still learning to draw, not collapsed. */
export const RECOGNISABLE_TO_JUDGE = 0.1;

/** The classifier's view: recognisable samples that fall into a few classes only. */
export function coverageMessage(q: QualityChecked, run: RunSettings | null = null): string | null {
  const classes = q.histogram.length;
  if (q.covered >= Math.round(COLLAPSE_SHARE * classes) || q.recognisable < RECOGNISABLE_TO_JUDGE) return null;
  const top = q.histogram.indexOf(Math.max(...q.histogram));
  return (
    `mode collapse at epoch ${q.epoch}: the classifier finds only ${q.covered} of ${classes} classes in ${q.samples} samples (class ${top} takes ${fmt(q.topShare * 100, 0)}%). ` +
    `Look at epoch_${q.epoch}.png.${advice(['smoothing-on', 'ema', 'lsgan', 'lower-lr'], run)}`
  );
}

/** A conditional generator drawing its class this rarely (10% is chance) ignores the label. */
export const LABEL_IGNORED = 0.25;

/** The classifier's view of a conditional generator: samples that are not the class asked for, overall or for some classes. */
export function labelMessage(q: QualityChecked, run: RunSettings | null = null): string | null {
  if (q.intended === undefined || q.intendedByClass === undefined || q.recognisable < RECOGNISABLE_TO_JUDGE)
    return null;
  const remedy =
    run?.arch === 'cgan'
      ? ' Try --arch acgan: its class loss teaches G the label directly; or train longer.'
      : ' Try training longer, or a lower --lr.';
  if (q.intended < LABEL_IGNORED) {
    return `G ignores the label at epoch ${q.epoch}: only ${fmt(q.intended * 100, 0)}% of its ${q.samples} samples are the class they were drawn as (10% is chance), so every row of epoch_${q.epoch}.png draws the same mix.${remedy}`;
  }
  const ignored = q.intendedByClass
    .map((x, c) => [x, c] as const)
    .filter(([x]) => x < LABEL_IGNORED)
    .map(([, c]) => c);
  return ignored.length > 0
    ? `G ignores class${ignored.length > 1 ? 'es' : ''} ${ignored.join(', ')} at epoch ${q.epoch}: asked for ${ignored.length > 1 ? 'them' : 'it'}, it draws ${ignored.length > 1 ? 'them' : 'it'} ${ignored.map((c) => `${c}: ${fmt(q.intendedByClass![c] * 100, 0)}%`).join(', ')} of the time, against ${fmt(q.intended * 100, 0)}% over all classes. Look at ${ignored.length > 1 ? 'those rows' : 'that row'} of epoch_${q.epoch}.png.${remedy}`
    : null;
}

const KINDS: readonly StepKind[] = [
  'not-finite',
  'diverging',
  'd-stuck-at-chance',
  'd-too-strong',
  'g-winning',
  'losses-flat',
];

/** The earliest step that shows the condition itself and from which it holds over the rest of the window. */
function beganAt(kind: StepKind, steps: readonly Step[]): number {
  for (let i = 0; i < steps.length - 1; i++) {
    if (check(kind, [steps[i]]) !== null && check(kind, steps.slice(i)) !== null) return i;
  }
  return steps.length - 1;
}

export function warnings<T extends TrainingEvent>(
  o: WarningOptions,
): OperatorFunction<T, T | Warning | WarningCleared> {
  return (source) =>
    new Observable((subscriber) => {
      const window: Step[] = [];
      const active = new Set<WarningKind>();
      // The run's settings, from its run-started event, word the advice.
      let run: RunSettings | null = o.settings ?? null;
      return source.subscribe({
        next(e) {
          subscriber.next(e);
          if (e.type === 'run-started' && !o.settings) run = e.config;
          if (e.type === 'quality') {
            const judged = e.step >= (o.collapseAfter ?? o.window);
            const labels = judged ? labelMessage(e, run) : null;
            if (labels !== null)
              subscriber.next({
                type: 'warning',
                kind: 'label-ignored',
                step: e.step,
                epoch: e.epoch,
                message: labels,
              });
            if (o.collapseBy !== 'coverage') return;
            const message = judged ? coverageMessage(e, run) : null;
            if (message !== null)
              subscriber.next({ type: 'warning', kind: 'mode-collapse', step: e.step, epoch: e.epoch, message });
            return;
          }
          if (e.type === 'milestone' && o.collapseBy !== 'coverage') {
            // Before a window of steps the generator is untrained, not collapsed.
            const message = e.step >= (o.collapseAfter ?? o.window) ? collapseMessage(e, run) : null;
            if (message !== null)
              subscriber.next({ type: 'warning', kind: 'mode-collapse', step: e.step, epoch: e.epoch, message });
            return;
          }
          if (e.type !== 'step') return;
          window.push(e);
          if (window.length > o.window) window.shift();
          for (const kind of KINDS) {
            const judged = kind === 'not-finite' ? [e as Step] : window;
            const message = kind === 'not-finite' || window.length === o.window ? check(kind, judged, run) : null;
            if (message === null) {
              if (active.delete(kind)) subscriber.next({ type: 'warning-cleared', kind, step: e.step, epoch: e.epoch });
              continue;
            }
            if (active.has(kind)) continue;
            active.add(kind);
            const began = judged[beganAt(kind, judged)];
            subscriber.next({ type: 'warning', kind, step: began.step, epoch: began.epoch, message });
          }
        },
        error: (err) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
    });
}

/**
 * A recording's warnings derived again from its steps, as a live run would: the recorded ones are
 * dropped (they would repeat; records made before a warning kind existed lack it).
 */
export const warningsAgain =
  (stepsPerEpoch: number | undefined): OperatorFunction<TrainingEvent, TrainingEvent> =>
  (events) =>
    events.pipe(
      filter((e) => e.type !== 'warning' && e.type !== 'warning-cleared'),
      warnings<TrainingEvent>({ window: warningWindow(stepsPerEpoch ?? 200) }),
    );
