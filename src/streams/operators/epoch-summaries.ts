/** Passes step events through and, after the last step of each epoch, emits the epoch's means. */
import { Observable, type OperatorFunction } from 'rxjs';
import { type EpochEnd, METRIC_NAMES, type Step, type StepMetrics } from '../events.ts';

/** The process's resident memory in MB where the runtime tells it (Node, Deno); 0 in a browser, which does not. */
const residentMB = (): number => {
  const host = (globalThis as { process?: { memoryUsage?: () => { rss: number } } }).process;
  return host?.memoryUsage ? Math.round(host.memoryUsage().rss / 1e6) : 0;
};

export function epochSummaries(stepsPerEpoch: number, batchSize: number): OperatorFunction<Step, Step | EpochEnd> {
  return (source) =>
    new Observable((subscriber) => {
      let sums: Record<string, number> = {};
      let count = 0;
      let trainingMs = 0;
      return source.subscribe({
        next(step) {
          subscriber.next(step);
          count++;
          trainingMs += step.ms;
          for (const k of METRIC_NAMES) sums[k] = (sums[k] ?? 0) + step[k];
          if (step.step % stepsPerEpoch !== 0) return;
          const means = Object.fromEntries(METRIC_NAMES.map((k) => [k, sums[k] / count])) as StepMetrics;
          subscriber.next({
            type: 'epoch',
            epoch: step.epoch,
            step: step.step,
            time: step.time,
            samplesPerSec: (count * batchSize) / (trainingMs / 1000),
            rssMB: residentMB(),
            means,
          });
          sums = {};
          count = 0;
          trainingMs = 0;
        },
        error: (e) => subscriber.error(e),
        complete: () => subscriber.complete(),
      });
    });
}
