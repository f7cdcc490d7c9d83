#!/usr/bin/env -S node --import tsx
/**
 * Scores generated images with the evaluator's classifier against held-out real images.
 *
 *   npm run evaluate -- --model runs/<run> [--n 5000]      a run folder or a saved generator
 *   npm run evaluate -- --samples images-idx3-ubyte        images from any GAN (IDX, or a PNG grid)
 *   npm run evaluate -- --real                             real images against the reference: the floor
 *   [--dataset mnist | mnist-small | fashion-mnist | <IDX images file>]  the real images (and so the classifier)
 *   [--json]                                               one JSON line instead of the table
 */
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { imagesAt, imagesOf, limitDataset, pixelsOf } from '../src/data/dataset.ts';
import { FASHION_MNIST_DIR, isImageFolder, loadDataset, loadIdxDataset } from '../src/data/load.ts';
import { DATASET_NAMES, MNIST } from '../src/data/names.ts';
import { normals, permutation, seeded } from '../src/data/random.ts';
import { measureNovelty, measureNoveltyWithin } from '../src/explore/copying.ts';
import { formatNovelty, NOVELTY_SAMPLES, type Novelty } from '../src/explore/novelty.ts';
import { ARCHITECTURE_NAMES, ARCHITECTURES } from '../src/model/architectures.ts';
import { BACKENDS, engineOf } from '../src/model/backend.ts';
import { classCount } from '../src/model/condition.ts';
import { createGan, disposeGan } from '../src/model/gan.ts';
import { generate } from '../src/model/steps.ts';
import { parseFlags } from '../src/plan/flags.ts';
import { runFolderOf } from '../src/plan/run-archive-folder.ts';
import { drawSamples, learnedClasses, loadGenerator, trainedOn } from '../src/plan/saved-generator.ts';
import { oneOf } from '../src/plan/values.ts';
import { classifierDir, loadClassifier } from '../src/quality/classifier.ts';
import { folderHeldOut, UNLABELLED_FOLDER } from '../src/quality/folder-judge.ts';
import { formatQuality } from '../src/quality/format.ts';
import { referenceSet } from '../src/quality/judge.ts';
import { loadFolderClassifier } from '../src/quality/judge-folder.ts';
import { quality, reference } from '../src/quality/quality.ts';
import { classifierSetFor, heldOut } from '../src/quality/real-sets.ts';
import { runImages, trainingImages } from '../src/quality/run-sets.ts';
import { readSamples } from '../src/quality/samples.ts';
import { writeFileAtomic } from '../src/streams/sinks/atomic-write.ts';
import { startBackend } from './lib/backend.ts';
import { fail, failOnUncaught } from './lib/exit.ts';
import { flagValue } from './lib/flag-value.ts';

failOnUncaught();

const HELP = `Usage: npm run evaluate -- (--model PATH | --samples FILE | --real) [--n 5000] [--dataset SPEC] [--seed N] [--json]

Scores images with ganstream's digit (or Fashion-MNIST) classifier against held-out real images:
Fréchet distance of its features (FID), classifier score, class coverage, recognisable share,
precision and recall (k = 3). Writes the JSON beside the samples (quality.json in a run folder,
<file>.quality.json for --samples).

  --model PATH     a run folder (or its .zip archive), a generator folder or its model.json: draws
                   --n samples
  --samples FILE   an IDX images file (gzipped or not) or a PNG grid of 28x28 cells
  --real           real images against the reference (the floor): for mnist, --n of the 60,000
                   training digits against all of t10k; otherwise half of the held-out images
                   against the other half
  --untrained ARCH a freshly initialised generator of an architecture (seeded by --seed): the ceiling
  --n N            samples to draw from --model (default 5000)
  --dataset SPEC   mnist (default: MNIST's 10,000 test digits, t10k, judged by the classifier trained
                   on the 60,000 training digits) | mnist-small (the 2,000 of its digits the
                   mnist-small classifier never saw) | fashion-mnist (t10k) | an IDX images file of
                   real 28x28 images (judged by the MNIST classifier)
                   (default: the dataset of the run folder given to --model, else mnist)
  --seed N         seeds the generator's noise (default 1)
  --backend NAME   ${BACKENDS.join(' | ')} (default auto)
  --json           print one JSON line instead of the table
`;

const flags = parseFlags(
  process.argv.slice(2),
  ['model', 'samples', 'n', 'dataset', 'seed', 'untrained', 'backend'],
  ['real', 'json', 'help'],
);
if (E.isLeft(flags)) fail(flags.left);
const f = flags.right;
if (f.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const sources = (['model', 'samples', 'real', 'untrained'] as const).filter((k) => f[k] !== undefined);
if (sources.length !== 1)
  fail(
    `expected exactly one of --model, --samples, --real, --untrained, got ${sources.length ? sources.map((s) => `--${s}`).join(' and ') : 'none'} (see --help)`,
  );
const intFlag = (name: string, fallback: number, min: number): number => {
  const raw = f[name];
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (typeof raw !== 'string' || !Number.isInteger(v) || v < min)
    fail(`--${name}: expected an integer >= ${min}, got '${raw}'`);
  return v;
};
// A run archive (the site's Download) is read from the folder it is unpacked into.
const modelFolder = typeof f.model === 'string' ? runFolderOf(f.model) : null;
if (modelFolder && E.isLeft(modelFolder)) fail(`--model ${modelFolder.left}`);
const modelPath = modelFolder && E.isRight(modelFolder) ? modelFolder.right.folder : null;
if (modelFolder && E.isRight(modelFolder) && modelFolder.right.unpacked)
  process.stderr.write(`${modelFolder.right.unpacked}\n`);
const n = intFlag('n', 5000, 10);
const seed = intFlag('seed', 1, 0);

/** What the run holding --model trained on (its record's first line), read once. */
const trained = modelPath ? trainedOn(modelPath) : null;
const datasetSpec = (f.dataset as string | undefined) ?? trained?.dataset ?? MNIST;
if (isImageFolder(datasetSpec)) {
  await evaluateOnFolder(datasetSpec);
  process.exit(0);
}
const set = classifierSetFor(datasetSpec);
const realSet = ([...DATASET_NAMES, FASHION_MNIST_DIR] as string[]).includes(datasetSpec)
  ? heldOut(set)
  : E.mapLeft((why: string) => `--dataset: ${why}`)(loadIdxDataset(datasetSpec));
if (E.isLeft(realSet)) fail(realSet.left);
const real = realSet.right;
if (real.rows !== 28 || real.cols !== 28) fail(`--dataset: images of ${real.rows}x${real.cols}, expected 28x28`);

const backend = await startBackend(flagValue(f, 'backend', oneOf(BACKENDS), 'auto'));
const classifier = await loadClassifier(classifierDir(set));
if (E.isLeft(classifier)) fail(classifier.left);

let images: Float32Array, count: number, out: string | null, what: string;
/** The class each sample was drawn as, for conditional samples. */
let labels: Uint8Array | undefined;
// Generated images are compared with the reference set (src/quality/judge.ts); --real compares real images with it:
// for MNIST, n of the 60,000 training digits (picked by --seed); otherwise the held-out images the reference leaves out.
const ref = referenceSet(set, real);
if (f.real && set === 'mnist') {
  const train = loadDataset(MNIST);
  if (E.isLeft(train)) fail(train.left);
  const order = permutation(seeded(seed, 22), train.right.count);
  images = imagesAt(train.right, order.slice(0, n));
  count = n;
  out = null;
  what = `${n} of the ${train.right.count} training digits (seed ${seed})`;
} else if (f.real) {
  const half = ref.count;
  images = imagesOf(real, half, 2 * half);
  count = half;
  out = null;
  what = `held-out real images ${half}-${2 * half - 1} of ${real.name}`;
} else if (typeof f.untrained === 'string') {
  const arch = ARCHITECTURES[f.untrained];
  if (!arch) fail(`--untrained: expected one of ${ARCHITECTURE_NAMES.join(', ')}, got '${f.untrained}'`);
  const gan = createGan(arch, { pixels: 784, seed, lr: arch.lr, beta1: 0.5, noiseDim: arch.noiseDim, ema: 0 });
  images = generate(gan, normals(seeded(seed, 21), n * gan.noiseDim));
  disposeGan(gan);
  count = n;
  out = null;
  what = `${n} samples of an untrained ${arch.name} generator (seed ${seed})`;
} else if (typeof f.samples === 'string') {
  const s = await readSamples(f.samples);
  if (E.isLeft(s)) fail(s.left);
  ({ images, count, labels } = s.right);
  out = `${f.samples}.quality.json`;
  what = f.samples;
} else {
  const model = modelPath as string;
  const g = await loadGenerator(model);
  if (E.isLeft(g)) fail(g.left);
  if (g.right.rows !== 28 || g.right.cols !== 28)
    fail(`--model: the generator draws ${g.right.rows}x${g.right.cols} images, expected 28x28`);
  ({ images, labels } = drawSamples(g.right, n, seeded(seed, 21)));
  count = n;
  out = join(statSync(model).isDirectory() ? model : dirname(model), 'quality.json');
  what = `${n} samples of ${model}`;
}

const started = performance.now();
const q = quality(classifier.right, reference(classifier.right, imagesOf(ref), ref.count), images, count, {
  labels,
  referenceLabels: ref.labels ?? undefined,
});
// Generated images only: is the generator copying? Its first NOVELTY_SAMPLES images and as many held-out real ones, each to its nearest training image.
let copying: Novelty | null = null;
if (f.model !== undefined || f.samples !== undefined) {
  const sets = runImages({
    dataset: datasetSpec,
    limit: trained?.limit ?? null,
  });
  if (E.isLeft(sets)) fail(sets.left);
  const m = Math.min(NOVELTY_SAMPLES, count);
  copying = measureNovelty(
    images.subarray(0, m * 784),
    m,
    limitDataset(sets.right.heldOut!, NOVELTY_SAMPLES),
    sets.right.train,
  ).novelty;
}
const seconds = (performance.now() - started) / 1000;
const record = { what, classifier: set, real: ref.name, ...q, ...(copying ? { novelty: copying } : {}), seconds };
if (out) writeFileAtomic(out, `${JSON.stringify(record, null, 2)}\n`);
if (f.json) process.stdout.write(`${JSON.stringify(record)}\n`);
else
  process.stdout.write(
    `${formatQuality(what, ref.name, ref.count, q) + (copying ? `${formatNovelty(copying)}\n` : '') + (out ? `written to ${out}\n` : '')}(${seconds.toFixed(1)}s on ${engineOf(backend)})\n`,
  );

/**
 * A run on a folder of images: its samples judged by the classifier of the folder's classes
 * (train-classifier --dataset) against the folder's held-out images, when the folder has classes
 * and such a classifier exists; and, in any case, how new its images are: their distance to the
 * nearest training image against the training images' own distance to their nearest other.
 */
async function evaluateOnFolder(spec: string): Promise<void> {
  if (!modelPath)
    fail(
      `--dataset ${spec} is a folder of images: evaluate scores a run trained on it (--model RUN); --samples, --real and --untrained compare with 28x28 digits or clothes`,
    );
  const train = trainingImages({
    dataset: spec,
    limit: trained?.limit ?? null,
    imageSize: trained?.imageSize ?? null,
    channels: trained?.channels ?? null,
    ...(trained?.recorded ? { recorded: trained.recorded } : {}),
  });
  if (E.isLeft(train)) fail(`--dataset: ${train.left}`);
  const d = train.right;
  const backend = await startBackend(flagValue(f, 'backend', oneOf(BACKENDS), 'auto'));
  const g = await loadGenerator(modelPath);
  if (E.isLeft(g)) fail(g.left);
  if (g.right.rows !== d.rows || g.right.cols !== d.cols || g.right.channels !== d.channels)
    fail(
      `--model: the generator draws ${g.right.rows}x${g.right.cols}x${g.right.channels} images, the folder ${spec} loads as ${d.rows}x${d.cols}x${d.channels}`,
    );
  const started = performance.now();
  const { images, labels } = drawSamples(learnedClasses(g.right, classCount(d)), n, seeded(seed, 21));
  const what = `${n} samples of ${modelPath}`;
  const classifier = d.labels ? await loadFolderClassifier(d) : E.left(UNLABELLED_FOLDER);
  const judged = E.isRight(classifier)
    ? (() => {
        const ref = folderHeldOut(d);
        const c = classifier.right;
        const q = quality(c, reference(c, imagesOf(ref), ref.count), images, n, {
          labels,
          referenceLabels: ref.labels ?? undefined,
        });
        return { ref, q, c };
      })()
    : null;
  const m = Math.min(NOVELTY_SAMPLES, n);
  const copying = measureNoveltyWithin(images.subarray(0, m * pixelsOf(d)), m, d, NOVELTY_SAMPLES).novelty;
  const seconds = (performance.now() - started) / 1000;
  const out = join(statSync(modelPath).isDirectory() ? modelPath : dirname(modelPath), 'quality.json');
  const record = {
    what,
    ...(judged
      ? { classifier: judged.c.name, real: judged.ref.name, ...judged.q }
      : { absent: E.isLeft(classifier) ? classifier.left : '' }),
    novelty: copying,
    seconds,
  };
  writeFileAtomic(out, `${JSON.stringify(record, null, 2)}\n`);
  if (f.json) process.stdout.write(`${JSON.stringify(record)}\n`);
  else
    process.stdout.write(
      `${judged ? formatQuality(what, judged.ref.name, judged.ref.count, judged.q) : `no FID, recognisable share or coverage: ${E.isLeft(classifier) ? classifier.left : ''}\n`}${formatNovelty(copying)}\nwritten to ${out}\n(${seconds.toFixed(1)}s on ${engineOf(backend)})\n`,
    );
}
