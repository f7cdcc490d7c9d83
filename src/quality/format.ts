/** A quality report as a small table for the console. */
import { FEATURES } from './classify.ts';
import type { Quality } from './quality.ts';

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '-');
const n2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '-');

export function formatQuality(what: string, realName: string, realCount: number, q: Quality): string {
  const rows: [string, string, string][] = [
    ['FID (classifier features)', n2(q.fid), 'lower is better; real vs real is the floor'],
    ['classifier score', n2(q.classifierScore), `at most ${q.coverage.histogram.length}`],
    [
      'classes covered',
      `${q.coverage.covered}/${q.coverage.histogram.length}`,
      `KL from uniform ${q.coverage.klFromUniform.toFixed(3)}, largest class ${pct(q.coverage.topShare)}`,
    ],
    ['recognisable (p >= 0.9)', pct(q.recognisable), ''],
    ...(q.intended !== undefined
      ? [
          ['intended class', pct(q.intended), 'samples the classifier puts in the class they were drawn as'] as [
            string,
            string,
            string,
          ],
        ]
      : []),
    ...(q.intendedByClass
      ? [['  by class', '', q.intendedByClass.map((x, c) => `${c}: ${pct(x)}`).join('  ')] as [string, string, string]]
      : []),
    ...(q.fidByClass
      ? [['FID by class', '', q.fidByClass.map((x, c) => `${c}: ${n2(x)}`).join('  ')] as [string, string, string]]
      : []),
    ['precision (k = 3)', pct(q.precision), 'samples inside the real manifold'],
    ['recall (k = 3)', pct(q.recall), "real images inside the samples' manifold"],
  ];
  return `${[
    `quality of ${what} (${q.samples} images) against ${realCount} held-out real images of ${realName}`,
    ...rows.map(([k, v, note]) => `  ${k.padEnd(26)} ${v.padStart(8)}  ${note}`),
    `  predicted classes          ${q.coverage.histogram.join(' ')}`,
    ...(q.samples < 2 * FEATURES
      ? [
          `  note: ${q.samples} images are few for FID over ${FEATURES} features (its covariance needs more than ${FEATURES}); use at least 1,000 to compare`,
        ]
      : []),
    ...(realCount < 2 * FEATURES
      ? [
          `  note: ${realCount} held-out real images are few for FID over ${FEATURES} features: compare FIDs measured against the same images only`,
        ]
      : []),
  ].join('\n')}\n`;
}
