/**
 * The console sink: what the run is, a live progress line on a terminal, one line per epoch,
 * warnings, and the summary at the end. Writes through the `write` it is given.
 */
import type { Observable, Subscription } from 'rxjs';
import { type Stats, type Summary, SummaryAccumulator } from '../analysis/summary.ts';
import { dStepsOf, lrOf, realPerStep, type TrainConfig } from '../config.ts';
import {
  type EpochEnd,
  milestoneLabel,
  type QualityChecked,
  type RolledBack,
  type RunResumed,
  type RunStarted,
  type Step,
  type TrainingEvent,
} from '../events.ts';

export interface ConsoleOptions {
  readonly write: (text: string) => void;
  /** Redraw a progress line in place (a terminal), at most every `refreshMs`. */
  readonly live: boolean;
  readonly refreshMs?: number;
  /**
   * A resumed run's stream starts with its record, this many events: they count in the summary but
   * are not printed again; the header, with the plan as it is now, comes with the run-resumed after them.
   */
  readonly recorded?: number;
}

export const describeResume = (e: RunResumed): string =>
  `resumed after step ${thousands(e.step)} (epoch ${e.epoch}) of ${thousands(e.totalSteps)} (${e.epochs} epochs), ${duration(e.time)} of training so far\n`;

export const describeQuality = (e: QualityChecked): string =>
  `  quality at epoch ${e.epoch}: FID ${e.fid.toFixed(2)}, ${e.covered}/${e.histogram.length} classes (largest ${pct(e.topShare)}), ${pct(e.recognisable)} recognisable${e.intended !== undefined ? `, ${pct(e.intended)} of the intended class` : ''}, classifier score ${e.classifierScore.toFixed(2)} (${e.samples} samples)\n`;

export const describeRollback = (e: RolledBack): string =>
  `step ${thousands(e.diverged)}: a loss became NaN or infinite; rolled back to the checkpoint after step ${thousands(e.step)} (epoch ${e.epoch}), learning rate halved to ${e.lr} (rollback ${e.rollback} of ${e.of})\n`;

const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
const n3 = (x: number) => x.toFixed(3);
const thousands = (n: number) => Math.round(n).toLocaleString('en-US');

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** ", matrix products by OpenBLAS 0.3.21 (Cooperlake, 2 threads, libopenblas.so.0)" from the recorded library. */
function blasNote(blas: RunStarted['backend']['blas']): string {
  if (!blas) return '';
  const [, version, core] = /^OpenBLAS (\S+).*?\b(\w+) MAX_THREADS/.exec(blas.config) ?? [];
  return `, matrix products by OpenBLAS${version ? ` ${version}` : ''} (${core ? `${core}, ` : ''}${blas.threads} thread${blas.threads === 1 ? '' : 's'}, ${blas.library})`;
}

function describeAdam(c: TrainConfig): string {
  const lr = lrOf(c);
  const rates = lr.d === lr.g ? `lr ${lr.d}` : `lr D ${lr.d}, G ${lr.g}`;
  return `Adam ${rates}${c.lrSchedule === 'linear' ? ' (falling linearly to 0)' : ''} beta1 ${c.beta1}`;
}

export function describeRun(e: RunStarted): string {
  const c = e.config;
  const params = (p: { total: number }) => `${(p.total / 1e6).toFixed(2)}M`;
  const threads = e.backend.threads > 0 ? ` (${e.backend.threads} thread${e.backend.threads > 1 ? 's' : ''})` : '';
  return `${[
    `ganstream: ${c.arch} on ${e.dataset.name}: ${thousands(e.dataset.count)} images of ${e.dataset.rows}x${e.dataset.cols}${e.dataset.channels === 3 ? ' in colour' : ''}`,
    `  ${c.epochs} epochs x ${e.stepsPerEpoch} steps of ${c.batchSize}${dStepsOf(c) > 1 ? ` (${dStepsOf(c)} D updates per G update)` : ''} = ${thousands(e.totalSteps)} steps; loss ${c.loss}${c.labelSmoothing ? `, label smoothing ${c.labelSmoothing}` : ''}; ${describeAdam(c)}; seed ${c.seed}`,
    `  generator ${params(e.params.generator)} parameters, discriminator ${params(e.params.discriminator)}; backend ${e.backend.name}${threads}${blasNote(e.backend.blas)}`,
    ...(e.backend.why ? [`  backend: ${e.backend.why}`] : []),
  ].join('\n')}\n`;
}

export function describeEpoch(e: EpochEnd, epochs: number): string {
  const m = e.means;
  return (
    `epoch ${String(e.epoch).padStart(String(epochs).length)}/${epochs}  D loss ${n3(m.dLoss)}  G loss ${n3(m.gLoss)}  ` +
    `D acc ${pct((m.dAccReal + m.dAccFake) / 2)} (real ${pct(m.dAccReal)}, fake ${pct(m.dAccFake)})  D(x) ${n3(m.dReal)}  D(G(z)) ${n3(m.dFake)}  ` +
    `${thousands(e.samplesPerSec)} img/s  ${duration(e.time)}\n`
  );
}

function progressLine(s: Step, run: RunStarted): string {
  const c = run.config;
  const inEpoch = s.step - (s.epoch - 1) * run.stepsPerEpoch;
  const width = 20;
  const filled = Math.round((inEpoch / run.stepsPerEpoch) * width);
  const eta = (s.time / s.step) * (run.totalSteps - s.step);
  return (
    `epoch ${s.epoch}/${c.epochs} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${inEpoch}/${run.stepsPerEpoch}  ` +
    `D ${n3(s.dLoss)}  G ${n3(s.gLoss)}  D acc ${pct((s.dAccReal + s.dAccFake) / 2)}  ${thousands((realPerStep(c) * 1000) / s.ms)} img/s  ETA ${duration(eta)}`
  );
}

const statsRow = (name: string, s: Stats) =>
  `  ${name.padEnd(8)} ${n3(s.mean).padStart(8)} ${n3(s.std).padStart(8)} ${n3(s.min).padStart(8)} ${n3(s.max).padStart(8)}`;

export function formatSummary(s: Summary): string {
  const lines = [
    `summary: ${s.status}, ${thousands(s.steps)} steps, ${s.epochs} epochs in ${duration(s.seconds)}, ${thousands(s.samplesPerSec)} samples/s, ${s.warnings} warning${s.warnings === 1 ? '' : 's'}`,
    `  ${'metric'.padEnd(8)} ${'mean'.padStart(8)} ${'std'.padStart(8)} ${'min'.padStart(8)} ${'max'.padStart(8)}   (whole run | last 10% of steps)`,
  ];
  for (const k of ['dLoss', 'dAcc', 'gLoss'] as const) {
    const last = s.last10[k].count > 0 ? statsRow('', s.last10[k]).slice(10) : `  ${'not reached'.padStart(17)}`;
    lines.push(`${statsRow(k, s.run[k])}   |${last}`);
  }
  return `${lines.join('\n')}\n`;
}

export function consoleSink(events$: Observable<TrainingEvent>, o: ConsoleOptions): Subscription {
  let run: RunStarted | null = null;
  let lastDraw = 0;
  let lineOpen = false;
  const summary = new SummaryAccumulator();
  let seen = 0;
  const clearLine = () => {
    if (lineOpen) {
      o.write('\r\x1b[2K');
      lineOpen = false;
    }
  };
  return events$.subscribe((e) => {
    summary.add(e);
    const fromRecord = seen++ < (o.recorded ?? 0);
    if (e.type === 'run-started') run = e;
    if (e.type === 'run-resumed' && run)
      run = { ...run, config: { ...run.config, epochs: e.epochs }, totalSteps: e.totalSteps };
    if (fromRecord) return;
    switch (e.type) {
      case 'run-started':
        o.write(describeRun(e));
        break;
      case 'run-resumed':
        if (run) o.write(describeRun(run));
        o.write(describeResume(e));
        break;
      case 'step': {
        const now = Date.now();
        if (!o.live || !run || now - lastDraw < (o.refreshMs ?? 250)) break;
        lastDraw = now;
        o.write(`\r\x1b[2K${progressLine(e, run)}`);
        lineOpen = true;
        break;
      }
      case 'epoch':
        clearLine();
        o.write(describeEpoch(e, run?.config.epochs ?? e.epoch));
        break;
      case 'milestone':
        clearLine();
        o.write(
          `  milestone: ${e.count} samples from the fixed noise ${e.byStep ? 'after' : 'at'} ${milestoneLabel(e)}\n`,
        );
        break;
      case 'rolled-back':
        clearLine();
        o.write(describeRollback(e));
        break;
      case 'quality':
        clearLine();
        o.write(describeQuality(e));
        break;
      case 'warning':
        clearLine();
        o.write(`warning (step ${e.step}, ${e.kind}): ${e.message}\n`);
        break;
      case 'warning-cleared':
        clearLine();
        o.write(`warning cleared (step ${e.step}, ${e.kind}): it no longer holds\n`);
        break;
      case 'run-ended':
        clearLine();
        o.write(formatSummary(summary.result()));
        break;
    }
  });
}
