import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { from, lastValueFrom, toArray } from 'rxjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { imagesOf, limitDataset } from '../src/data/dataset.ts';
import { embeddedDigits } from '../src/data/embedded.ts';
import { encodeIdx } from '../src/data/idx.ts';
import { classNames } from '../src/data/names.ts';
import { normals, seeded } from '../src/data/random.ts';
import { ARCHITECTURES } from '../src/model/architectures.ts';
import { forwardForTraining } from '../src/model/backprop.ts';
import { CLASSES, cyclingLabels, oneHot, withLabels } from '../src/model/condition.ts';
import { createGan, disposeGan } from '../src/model/gan.ts';
import { towards } from '../src/model/losses.ts';
import { countParams, trainableVariables } from '../src/model/network.ts';
import { modelFiles } from '../src/model/persistence.ts';
import { dStep, generate, gStep } from '../src/model/steps.ts';
import { prepareDataset } from '../src/plan/prepare.ts';
import { trainConfig } from '../src/plan/train-options.ts';
import { moments } from '../src/quality/metrics.ts';
import { fidByClass } from '../src/quality/quality.ts';
import { namedRowsSize } from '../src/render/labelled-grids.ts';
import { type Milestone, type QualityChecked, toGreyLevels, unpackPixels } from '../src/streams/events.ts';
import { labelMessage, warnings } from '../src/streams/operators/warnings.ts';
import { milestonePng } from '../src/streams/sinks/canvas.ts';
import { milestoneNoise } from '../src/streams/sources/noise.ts';
import { training$ } from '../src/streams/training.ts';
import { acganRun } from './helpers/acgan-run.ts';
import { assertSameValues } from './helpers/arrays.ts';
import { pngSize, runScript, runScriptAsync } from './helpers/cli.ts';
import { errorOf } from './helpers/either.ts';
import { useTestBackend } from './helpers/tf.ts';

await useTestBackend();

const data = limitDataset(embeddedDigits(), 64);
const real = imagesOf(data);
const realLabels = data.labels!;
const newGan = (arch: 'cgan' | 'acgan', seed = 1) =>
  createGan(ARCHITECTURES[arch], { pixels: 784, seed, lr: 2e-4, beta1: 0.5 });
const options = { loss: 'bce' as const, labelSmoothing: 0, dropoutSeed: 5 };

test("parameter counts by hand: the label widens G's and a cGAN D's first layer by 10 inputs; an AC-GAN D has 11 outputs", () => {
  const dense = (i: number, o: number) => i * o + o;
  const bn = (n: number) => 2 * n; // trainable gamma and beta
  const g = dense(110, 256) + bn(256) + dense(256, 512) + bn(512) + dense(512, 1024) + bn(1024) + dense(1024, 784);
  const body = (inputs: number) => dense(inputs, 1024) + dense(1024, 512) + dense(512, 256);
  const cgan = newGan('cgan');
  assert.is(countParams(cgan.generator).trainable, g);
  assert.is(countParams(cgan.discriminator).trainable, body(794) + dense(256, 1));
  const acgan = newGan('acgan');
  assert.is(countParams(acgan.generator).trainable, g);
  assert.is(countParams(acgan.discriminator).trainable, body(784) + dense(256, 11));
  disposeGan(cgan);
  disposeGan(acgan);
});

for (const arch of ['cgan', 'acgan'] as const) {
  test(`${arch}: D steps on a fixed labelled batch lower D's loss`, () => {
    const gan = newGan(arch, 2);
    const noise = normals(seeded(3), 64 * 100);
    const labels = { real: realLabels, fake: cyclingLabels(64) };
    const first = dStep(gan, real, noise, options, labels);
    let last = first;
    for (let i = 0; i < 10; i++) last = dStep(gan, real, noise, options, labels);
    assert.ok(last.dLoss < first.dLoss * 0.7, `${first.dLoss} -> ${last.dLoss}`);
    disposeGan(gan);
  });

  test(`${arch}: the G step moves every weight against the gradient tfjs autodiff finds (labels at G's input${arch === 'acgan' ? ', the class loss' : ", D's label columns left out"})`, () => {
    const gan = newGan(arch, 4);
    const noise = normals(seeded(6), 32 * 100);
    const labels = cyclingLabels(32);
    const variables = trainableVariables(gan.generator);
    const before = variables.map((v) => v.dataSync().slice());
    // The generator's loss as one differentiable function, written with tfjs ops only.
    const { grads } = tf.variableGrads(() => {
      const images = forwardForTraining(gan.generator, withLabels(tf.tensor2d(noise, [32, 100]), labels)).output;
      const dIn = gan.conditioning === 'input' ? withLabels(images, labels) : images;
      const out = forwardForTraining(gan.discriminator, dIn, { dropoutSeed: options.dropoutSeed + 2 }).output;
      if (gan.conditioning === 'input') return towards('bce', out, 1);
      const [adversarial, classes] = tf.split(out, [1, CLASSES], 1);
      const ce = tf.mean(tf.neg(tf.sum(tf.mul(oneHot(labels), tf.logSoftmax(classes)), 1)));
      return tf.add(towards('bce', adversarial, 1), ce) as tf.Scalar;
    }, variables);
    gStep(gan, noise, options, labels);
    // Adam's first update is lr * g / (|g| + eps): a step of lr against the sign of each gradient.
    let agree = 0,
      counted = 0;
    variables.forEach((v, k) => {
      const g = grads[v.name].dataSync();
      const after = v.dataSync();
      for (let i = 0; i < g.length; i++) {
        if (Math.abs(g[i]) < 1e-6) continue;
        counted++;
        if (Math.sign(before[k][i] - after[i]) === Math.sign(g[i])) agree++;
      }
    });
    assert.ok(counted > 100_000, `${counted} weights with a gradient`);
    assert.ok(agree / counted > 0.999, `${agree} of ${counted} moved against the autodiff gradient`);
    tf.dispose(Object.values(grads));
    disposeGan(gan);
  });

  test(`${arch}: saved as a stock two-input layers model that computes what the training network computes`, async () => {
    const gan = newGan(arch, 7);
    const files = await modelFiles(gan, 'generator', 28, 28, 'bce');
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: files.modelJson.modelTopology as tf.io.ModelJSON['modelTopology'],
        weightSpecs: (files.modelJson.weightsManifest as { weights: tf.io.WeightsManifestEntry[] }[])[0].weights,
        weightData: files.weights.buffer as ArrayBuffer,
      }),
    );
    assert.equal(
      model.inputs.map((i) => i.shape),
      [
        [null, 100],
        [null, 1],
      ],
    );
    const noise = normals(seeded(8), 10 * 100);
    const labels = Uint8Array.from([3, 1, 4, 1, 5, 9, 2, 6, 5, 3]);
    const ours = generate(gan, noise, { labels });
    const stock = (
      model.predict([tf.tensor2d(noise, [10, 100]), tf.tensor2d(Array.from(labels), [10, 1])]) as tf.Tensor
    ).dataSync();
    let worst = 0;
    for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i] - stock[i]));
    assert.ok(worst < 1e-4, `largest difference ${worst}`);
    const d = await modelFiles(gan, 'discriminator', 28, 28, 'bce');
    const inputs = (d.modelJson.modelTopology as { config: { input_layers: unknown[] } }).config.input_layers.length;
    assert.is(inputs, arch === 'cgan' ? 2 : 1);
    model.dispose();
    disposeGan(gan);
  });
}

test('a conditional run: labelled batches, milestone grids with one named row per class and the same noise in every row', async () => {
  const c = trainConfig({
    arch: 'cgan',
    epochs: 1,
    batchSize: 32,
    limit: 64,
    milestones: [1],
    milestoneSteps: [],
    evalEvery: 0,
    snapshotEvery: 0,
    out: 'unused',
  });
  const gan = createGan(ARCHITECTURES.cgan, { ...c, pixels: 784 });
  const events = await lastValueFrom(
    training$(gan, data, c, { name: 'wasm', threads: 1, kernels: [] }).pipe(toArray()),
  );
  const m = events.find((e): e is Milestone => e.type === 'milestone')!;
  assert.equal([m.count, m.rowLabels], [80, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']]);
  const noise = milestoneNoise(c.seed, 8, 100);
  const expected = generate(
    gan,
    Float32Array.from({ length: 80 * 100 }, (_, i) => noise[i % 800]),
    { labels: Uint8Array.from({ length: 80 }, (_, i) => Math.floor(i / 8)) },
  );
  assertSameValues(unpackPixels(m), toGreyLevels(expected), 'the milestone grid against G drawn row by row');
  assert.equal(classNames('fashion-mnist').slice(0, 3), ['T-shirt/top', 'Trouser', 'Pullover']);
  assert.equal(
    pngSize(milestonePng(m)),
    namedRowsSize({ count: 80, rows: 28, cols: 28, gridCols: 8, scale: 2, pad: 2 }, m.rowLabels!),
  );
  assert.is(namedRowsSize({ count: 80, rows: 28, cols: 28, gridCols: 8, scale: 2, pad: 2 }, ['0']).width, 466 + 25);
  disposeGan(gan);
});

const qualityEvent = (intended: number, byClass: number[]): QualityChecked => ({
  type: 'quality',
  step: 3000,
  epoch: 3,
  samples: 1000,
  realSamples: 10000,
  classifier: 'mnist',
  fid: 20,
  classifierScore: 7,
  covered: 10,
  klFromUniform: 0.02,
  topShare: 0.12,
  recognisable: 0.6,
  histogram: new Array(10).fill(100),
  intended,
  intendedByClass: byClass,
});

test('warnings: a generator that ignores the label, or some classes, is told so and what to try; a healthy one is not', async () => {
  const fine = qualityEvent(0.9, new Array(10).fill(0.9));
  assert.is(labelMessage(fine), null);
  const ignored = labelMessage(qualityEvent(0.12, new Array(10).fill(0.12)), trainConfig({ arch: 'cgan', out: 'x' }));
  assert.match(
    ignored!,
    /^G ignores the label at epoch 3: only 12% of its 1000 samples are the class they were drawn as \(10% is chance\), so every row of epoch_3.png draws the same mix\. Try --arch acgan/,
  );
  const some = labelMessage(qualityEvent(0.8, [0.9, 0.9, 0.9, 0.05, 0.9, 0.9, 0.9, 0.9, 0.1, 0.9]));
  assert.match(
    some!,
    /^G ignores classes 3, 8 at epoch 3: asked for them, it draws them 3: 5%, 8: 10% of the time, against 80% over all classes\. Look at those rows of epoch_3.png\./,
  );
  assert.is(
    labelMessage({ ...qualityEvent(0.1, new Array(10).fill(0.1)), recognisable: 0.05 }),
    null,
    'still learning to draw at all',
  );
  const events = await lastValueFrom(
    from([qualityEvent(0.12, new Array(10).fill(0.12))]).pipe(warnings({ window: 20, collapseAfter: 1000 }), toArray()),
  );
  assert.equal(
    events.map((e) => (e.type === 'warning' ? e.kind : e.type)),
    ['quality', 'label-ignored'],
  );
});

test('FID by class: a class drawn exactly as its real images scores 0, a shifted one more, a class with too few images NaN', () => {
  const r = seeded(12);
  const n = 200;
  const features = Float32Array.from({ length: 2 * n * 64 }, () => r.normal());
  const refLabels = Uint8Array.from({ length: 2 * n }, (_, i) => (i < n ? 0 : 1));
  const ref = { n: 2 * n, features, moments: moments(features, 2 * n, 64), accepted: new Uint8Array(2 * n).fill(1) };
  const shifted = features.map((v, i) => (i >= n * 64 ? v + 1 : v));
  const byClass = fidByClass(ref, refLabels, shifted, refLabels, 10);
  assert.ok(Math.abs(byClass[0]) < 1e-6, `class 0: ${byClass[0]}`);
  assert.ok(Math.abs(byClass[1] - 64) < 1, `class 1, every feature shifted by 1: ${byClass[1]}`);
  assert.ok(byClass.slice(2).every(Number.isNaN));
});

test('a conditional generator draws the classes in turn when no labels are given; labels out of range are refused', () => {
  const gan = newGan('cgan', 9);
  const noise = normals(seeded(10), 12 * 100);
  assertSameValues(
    generate(gan, noise),
    generate(gan, noise, { labels: cyclingLabels(12) }),
    'no labels against the classes in turn',
  );
  assert.throws(
    () => generate(gan, noise, { labels: Uint8Array.from({ length: 12 }, () => 10) }),
    /label 10 at position 0, expected 0 to 9/,
  );
  assert.throws(() => generate(gan, noise, { labels: new Uint8Array(3) }), /expected 12 labels, got 3/);
  disposeGan(gan);
});

test('a conditional architecture on a dataset without labels: one line from the script, exit 2, nothing written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ganstream-nolabels-'));
  const images = join(dir, 'faces-images-idx3-ubyte');
  writeFileSync(images, encodeIdx([64, 28, 28], data.bytes.subarray(0, 64 * 784)));
  const c = trainConfig({ arch: 'cgan', dataset: images, out: join(dir, 'run') });
  assert.match(
    errorOf(prepareDataset(c, false)),
    /^--arch cgan is conditional and the dataset .* has no labels: expected a dataset with labels/,
  );
  const r = runScript('scripts/train.ts', ['--arch', 'acgan', '--dataset', images, '--out', join(dir, 'run')]);
  assert.is(r.code, 2);
  assert.match(
    r.stderr,
    /^error: --arch acgan is conditional and the dataset .* has no labels: expected a dataset with labels \(mnist, mnist-small, fashion-mnist, an IDX images file with its labels file beside it, or a folder of images in one subfolder per class\)\n$/,
  );
  assert.ok(!existsSync(join(dir, 'run')));
});

test('generate --digit and --digits with a briefly trained acgan: the classifier finds the requested classes; evaluate reports the intended-class share', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ganstream-acgan-'));
  const run = acganRun();
  const sevens = join(dir, 'sevens-images-idx3-ubyte');
  // An unconditional generator, for the bad request below.
  const plain = createGan(ARCHITECTURES['mlp-gbn'], { pixels: 784, seed: 1, lr: 2e-4, beta1: 0.5 });
  const plainDir = join(dir, 'plain');
  mkdirSync(plainDir);
  const files = await modelFiles(plain, 'generator', 28, 28, 'bce');
  writeFileSync(join(plainDir, 'model.json'), JSON.stringify(files.modelJson));
  writeFileSync(join(plainDir, 'weights.bin'), files.weights);
  disposeGan(plain);
  // Independent scripts, side by side.
  const [g, strip, rows, badStrip, unconditional, badDigit, both] = await Promise.all([
    runScriptAsync('scripts/generate.ts', [
      '--model',
      run,
      '--digit',
      '7',
      '--count',
      '100',
      '--format',
      'idx',
      '--out',
      sevens,
    ]),
    // The label moved from 3 to 8 with the noise held still: the strip's ends are --digit 3 and --digit 8 from the same noise.
    runScriptAsync('scripts/generate.ts', [
      '--model',
      run,
      '--label-walk',
      '3,8',
      '--steps',
      '6',
      '--format',
      'idx',
      '--out',
      join(dir, 'strip-images-idx3-ubyte'),
    ]),
    // --digits 3,8 --count 4: a row per class, the same 4 noise vectors in each; the first is the strip's.
    runScriptAsync('scripts/generate.ts', [
      '--model',
      run,
      '--digits',
      '3,8',
      '--count',
      '4',
      '--format',
      'idx',
      '--out',
      join(dir, 'rows-images-idx3-ubyte'),
    ]),
    runScriptAsync('scripts/generate.ts', ['--model', run, '--label-walk', '3']),
    runScriptAsync('scripts/generate.ts', ['--model', plainDir, '--digit', '3']),
    runScriptAsync('scripts/generate.ts', ['--model', run, '--digit', '12']),
    runScriptAsync('scripts/generate.ts', ['--model', run, '--digit', '1', '--digits', '2,3']),
  ]);
  assert.is(g.code, 0, g.stderr);
  assert.match(
    g.stdout,
    /^wrote 100 images of 28x28, all of class 7 to .* and their labels to .*sevens-labels-idx1-ubyte\n$/,
  );
  const e = runScript('scripts/evaluate.ts', ['--samples', sevens, '--json']);
  assert.is(e.code, 0, e.stderr);
  const q = JSON.parse(e.stdout) as { intended: number; coverage: { histogram: number[] } };
  assert.ok(q.intended > 0.5, `intended ${q.intended}`);
  assert.is(q.coverage.histogram.indexOf(Math.max(...q.coverage.histogram)), 7, `classes ${q.coverage.histogram}`);
  assert.is(strip.code, 0, strip.stderr);
  const pixelsOf = (file: string) => readFileSync(join(dir, file)).subarray(16);
  assert.is(rows.code, 0, rows.stderr);
  assert.equal(Array.from(readFileSync(join(dir, 'rows-labels-idx1-ubyte')).subarray(8)), [3, 3, 3, 3, 8, 8, 8, 8]);
  assertSameValues(
    pixelsOf('strip-images-idx3-ubyte').subarray(0, 784),
    pixelsOf('rows-images-idx3-ubyte').subarray(0, 784),
    "the strip's first image",
  );
  assertSameValues(
    pixelsOf('strip-images-idx3-ubyte').subarray(5 * 784, 6 * 784),
    pixelsOf('rows-images-idx3-ubyte').subarray(4 * 784, 5 * 784),
    "the strip's sixth image",
  );
  assert.not.equal(
    Array.from(pixelsOf('strip-images-idx3-ubyte').subarray(2 * 784, 3 * 784)),
    Array.from(pixelsOf('rows-images-idx3-ubyte').subarray(0, 784)),
    'the middle differs from the start',
  );
  // Bad requests: one line, exit 2.
  assert.is(badStrip.stderr, "error: --label-walk: expected two classes from 0 to 9, got '3'\n");
  assert.is(unconditional.code, 2);
  assert.match(
    unconditional.stderr,
    /^error: --digit: .*plain holds an unconditional generator \(one input, noise\): expected a generator trained with --arch cgan or acgan\n$/,
  );
  assert.is(badDigit.code, 2);
  assert.is(badDigit.stderr, "error: --digit: expected an integer from 0 to 9, got '12'\n");
  assert.is(both.stderr, 'error: --digit and --digits: give one of them\n');
});

test.run();
