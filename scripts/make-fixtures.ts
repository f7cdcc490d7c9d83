#!/usr/bin/env -S node --import tsx
/**
 * Writes the small fixtures in fixtures/ (run once; the files are committed):
 * - idx-gz/, idx-raw/: the first 32 digits of mnist-small as IDX files, gzipped and raw;
 * - streams/*.ndjson: synthetic recordings built to trigger each warning, a healthy one, and a
 *   10-step one whose summary can be checked by hand.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { limitDataset } from '../src/data/dataset.ts';
import { embeddedDigits } from '../src/data/embedded.ts';
import { encodeIdx } from '../src/data/idx.ts';
import { encodeEvent, packPixels, type TrainingEvent } from '../src/streams/events.ts';
import { syntheticRun } from '../src/streams/sources/synthetic.ts';

const HELP = `Usage: node --import tsx scripts/make-fixtures.ts

Writes the test fixtures again: fixtures/idx-gz and fixtures/idx-raw (the first 32 digits of mnist-small
as IDX files) and fixtures/streams/*.ndjson (synthetic recordings). Takes no flags but --help.
`;
const words = process.argv.slice(2);
if (words[0] === '--help') {
  process.stdout.write(HELP);
  process.exit(0);
}
if (words.length > 0) {
  process.stderr.write(`error: unexpected argument '${words[0]}': make-fixtures takes no flags (see --help)\n`);
  process.exit(2);
}

const d = limitDataset(embeddedDigits(), 32);
const images = encodeIdx([d.count, d.rows, d.cols], d.grey);
const labels = encodeIdx([d.count], d.labels!);
mkdirSync('fixtures/idx-gz', { recursive: true });
mkdirSync('fixtures/idx-raw', { recursive: true });
writeFileSync('fixtures/idx-gz/train-images-idx3-ubyte.gz', gzipSync(images, { level: 9 }));
writeFileSync('fixtures/idx-gz/train-labels-idx1-ubyte.gz', gzipSync(labels, { level: 9 }));
writeFileSync('fixtures/idx-raw/digits-images-idx3-ubyte', images);
writeFileSync('fixtures/idx-raw/digits-labels-idx1-ubyte', labels);

const ndjson = (events: TrainingEvent[]) => `${events.map(encodeEvent).join('\n')}\n`;
const healthy = (i: number): [number, number] => [0.65 + 0.08 * Math.sin(i / 3), 0.4 + 0.08 * Math.cos(i / 5)];
const streams: Record<string, TrainingEvent[]> = {
  healthy: syntheticRun(300, 100, healthy),
  'stuck-at-chance': syntheticRun(300, 100, (i) => [0.5 + 0.004 * Math.sin(i), 0.5 - 0.004 * Math.cos(i)]),
  'd-too-strong': syntheticRun(300, 100, (i) => (i < 100 ? healthy(i) : [0.99, 0.01])),
  'g-winning': syntheticRun(300, 100, (i) => (i < 100 ? healthy(i) : [0.3, 0.7])),
  'losses-flat': syntheticRun(300, 100, (i) => (i < 100 ? healthy(i) : [0.7, 0.35])),
  // G's loss climbs without bound while D's outputs on fakes go to 0.
  diverging: syntheticRun(300, 100, (i) => (i < 100 ? healthy(i) : [0.99, Math.exp(-(i - 90) / 4)])),
  'not-finite': syntheticRun(300, 100, healthy).map((e) =>
    e.type === 'step' && e.step === 150 ? { ...e, dLoss: NaN, gLoss: NaN } : e,
  ),
  // Two milestones of four 2x2 images: varied, then all alike.
  'mode-collapse': (() => {
    const run = syntheticRun(200, 100, healthy);
    const milestone = (epoch: number, pixels: number[], diversity: number): TrainingEvent => ({
      type: 'milestone',
      epoch,
      step: epoch * 100,
      rows: 2,
      cols: 2,
      count: 4,
      pixels: packPixels(Uint8Array.from(pixels)),
      diversity,
      realDiversity: 0.3,
    });
    run.splice(101, 0, milestone(1, [0, 255, 0, 255, 255, 0, 255, 0, 0, 0, 255, 255, 255, 255, 0, 0], 0.35));
    run.splice(run.length - 1, 0, milestone(2, Array(16).fill(128), 0));
    return run;
  })(),
  // Ten steps: D(x) 0.8 / D(G(z)) 0.2 on odd steps, 0.6 / 0.4 on even ones. See tests/summary.test.ts.
  golden: [
    ...syntheticRun(10, 10, (i) => (i % 2 ? [0.6, 0.4] : [0.8, 0.2])).slice(0, -1),
    { type: 'run-ended', status: 'completed', step: 10, epoch: 1, time: 1.25 },
  ],
};
mkdirSync('fixtures/streams', { recursive: true });
for (const [name, events] of Object.entries(streams)) writeFileSync(`fixtures/streams/${name}.ndjson`, ndjson(events));
// A recording cut by a kill (torn last line) with a garbage line in the middle.
const torn = ndjson(streams.healthy).split('\n');
torn.splice(50, 0, 'garbage: this line is not JSON');
writeFileSync('fixtures/streams/torn.ndjson', `${torn.slice(0, -2).join('\n')}\n${torn[torn.length - 2].slice(0, 40)}`);
console.log(
  `fixtures: 32 digits in fixtures/idx-gz and fixtures/idx-raw; ${Object.keys(streams).length + 1} streams in fixtures/streams`,
);
