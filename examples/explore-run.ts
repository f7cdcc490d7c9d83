// Look inside a trained GAN from a script: the studio's explore analyses, as functions.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import {
  between,
  classesOf,
  classTracks,
  decodeEvent,
  drawFrom,
  formatNovelty,
  limitDataset,
  loadDiscriminator,
  loadGenerator,
  loadRunSets,
  measureNovelty,
  milestoneLabel,
  nearestTraining,
  normals,
  realness,
  saliency,
  scores,
  seeded,
  selectBackend,
  stacked,
  stillHopping,
  trainedOn,
  unpackPixels,
} from '../src/index.ts';

const run = process.argv[2] ?? 'runs/my-run';
await selectBackend('auto');
const [g, d, sets] = [
  await loadGenerator(run),
  await loadDiscriminator(run),
  await loadRunSets(trainedOn(run) ?? { dataset: 'mnist', limit: null }),
];
if (E.isLeft(g) || E.isLeft(d) || E.isLeft(sets)) throw new Error('expected a run folder with its networks saved');
const { train, heldOut, classifier } = sets.right;
// A folder of your own images has no held-out images, and a classifier only once trained on its classes.
if (!heldOut || !classifier) throw new Error(`expected a run on digits or clothes: ${sets.right.noClassifier}`);
const label = g.right.classes > 0 ? [7, 7] : undefined; // a conditional generator: ask for 7s

// Make more: two noise vectors, two images, and six along the great circle between them.
const z = normals(seeded(1, 2), 2 * g.right.noiseDim);
const two = drawFrom(g.right, z, 2, label);
const ends = [z.subarray(0, g.right.noiseDim), z.subarray(g.right.noiseDim)];
const walk = drawFrom(g.right, stacked(between(ends[0], ends[1], 6, 'spherical')), 6, label && new Array(6).fill(7));
console.log(`walk: its ends are the two images: ${walk.subarray(0, 784).every((v, i) => Math.abs(v - two[i]) < 1e-5)}`);

// What D thinks of them, and where it looks: the gradient of its realness logit over the first image's pixels.
const D = realness(d.right);
console.log(
  `D's scores: ${Array.from(scores(D, two, 2, 28, 28, D.needsLabel ? label : undefined), (s) => s.toFixed(2)).join(', ')}`,
);
const pull = saliency(D, two.subarray(0, 784), 28, 28, D.needsLabel ? 7 : undefined);
const top = pull.reduce((best, v, i) => (Math.abs(v) > Math.abs(pull[best]) ? i : best), 0);
console.log(`D looks hardest at row ${Math.floor(top / 28)}, column ${top % 28}`);

// Is it copying? The first image's nearest training images, then the novelty figure.
const near = nearestTraining(two.subarray(0, 784), train, 3);
console.log(`nearest training images: ${near.pixel.map((n) => `#${n.index} at ${n.distance.toFixed(2)}`).join(', ')}`);
const made = drawFrom(
  g.right,
  normals(seeded(2, 2), 500 * g.right.noiseDim),
  500,
  label && Array.from({ length: 500 }, (_, i) => i % 10),
);
console.log(formatNovelty(measureNovelty(made, 500, limitDataset(heldOut, 500), train).novelty));

// Which digit each fixed noise point showed at each milestone.
const milestones = readFileSync(join(run, 'metrics.ndjson'), 'utf8')
  .trim()
  .split('\n')
  .map(decodeEvent)
  .flatMap((e) => (E.isRight(e) && e.right.type === 'milestone' ? [e.right] : []));
const tracks = classTracks(
  milestones.map((m) => ({ label: milestoneLabel(m), step: m.step, grey: unpackPixels(m), count: m.count })),
  classesOf(classifier),
);
console.log(
  `class tracks (${tracks.labels.join(', ')}): ${stillHopping(tracks, 3)} of ${tracks.classes.length} points still changed class over the last 3 milestones`,
);
