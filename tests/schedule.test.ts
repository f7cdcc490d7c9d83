import * as tf from '@tensorflow/tfjs';
import { lastValueFrom, toArray } from 'rxjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { limitDataset } from '../src/data/dataset.ts';
import { embeddedDigits } from '../src/data/embedded.ts';
import { applyAdam, createAdam, disposeAdam } from '../src/model/adam.ts';
import { ARCHITECTURES } from '../src/model/architectures.ts';
import { createGan, disposeGan } from '../src/model/gan.ts';
import { prepareDataset } from '../src/plan/prepare.ts';
import { decodeTrainArgs, trainConfig } from '../src/plan/train-options.ts';
import { lrFactor, realPerStep } from '../src/streams/config.ts';
import type { RunStarted, Step, TrainingEvent } from '../src/streams/events.ts';
import { describeRun } from '../src/streams/sinks/console.ts';
import { training$ } from '../src/streams/training.ts';
import { errorOf, unwrap } from './helpers/either.ts';
import { useTestBackend } from './helpers/tf.ts';

await useTestBackend();

const data = limitDataset(embeddedDigits(), 128);
const backend = { name: 'wasm', threads: 1, kernels: [] };
const configOf = (argv: string[]) => {
  const r = unwrap(decodeTrainArgs(argv));
  if (r.help) throw new Error('help');
  return r;
};

test('CLI: --lr sets both rates, --lr-d and --lr-g each one; --d-steps and --lr-schedule decode; bad values get one line', () => {
  const plain = configOf([]).config;
  assert.is(plain.lrD, undefined);
  assert.is(plain.dSteps, undefined);
  const r = configOf(['--lr', '3e-4', '--lr-d', '4e-4', '--lr-g', '1e-4', '--d-steps', '2', '--lr-schedule', 'linear']);
  assert.equal(
    [r.config.lr, r.config.lrD, r.config.lrG, r.config.dSteps, r.config.lrSchedule],
    [3e-4, 4e-4, 1e-4, 2, 'linear'],
  );
  assert.equal(r.given, { lr: 3e-4, lrD: 4e-4, lrG: 1e-4, dSteps: 2, lrSchedule: 'linear' });
  assert.is(errorOf(decodeTrainArgs(['--lr-d', '0'])), "--lr-d: expected a number > 0 and <= 1, got '0'");
  assert.is(errorOf(decodeTrainArgs(['--d-steps', '0'])), "--d-steps: expected an integer from 1 to 100, got '0'");
  assert.is(
    errorOf(decodeTrainArgs(['--lr-schedule', 'cosine'])),
    "--lr-schedule: expected one of constant, linear, got 'cosine'",
  );
});

test("the GAN gets D's and G's own rates; the console says both", () => {
  const c = trainConfig({ lrD: 4e-4, lrG: 1e-4, dSteps: 3, lrSchedule: 'linear', out: 'unused' });
  const gan = createGan(ARCHITECTURES[c.arch], { ...c, pixels: 784 });
  assert.is(gan.dOptimizer.lr, 4e-4);
  assert.is(gan.gOptimizer.lr, 1e-4);
  const started = {
    config: c,
    dataset: { name: 'x', count: 192, rows: 28, cols: 28 },
    stepsPerEpoch: 1,
    totalSteps: 12,
    params: { generator: { total: 1 }, discriminator: { total: 1 } },
    backend: { name: 'wasm', threads: 1, kernels: [], blas: null },
  } as unknown as RunStarted;
  const text = describeRun(started);
  assert.match(text, /\(3 D updates per G update\)/);
  assert.match(text, /Adam lr D 0\.0004, G 0\.0001 \(falling linearly to 0\)/);
  disposeGan(gan);
});

test('the linear schedule: 1 at the first step, 1/N at the last of N; constant: always 1', () => {
  assert.is(lrFactor('linear', 1, 100), 1);
  assert.is(lrFactor('linear', 51, 100), 0.5);
  assert.is(lrFactor('linear', 100, 100), 0.01);
  assert.is(lrFactor(undefined, 100, 100), 1);
  assert.is(lrFactor('constant', 7, 10), 1);
});

test('Adam at lr x factor moves a weight exactly as Adam at (lr x factor)', () => {
  let runs = 0;
  const run = (lr: number, factor: number) => {
    const w = tf.variable(tf.tensor1d([0.5, -1, 2]), true, `w-${runs++}`);
    const adam = createAdam([w], { lr, beta1: 0.5, beta2: 0.999, epsilon: 1e-8 });
    for (let i = 0; i < 3; i++) applyAdam(adam, { [w.name]: tf.tensor1d([0.1 * (i + 1), -0.2, 0.3]) }, factor);
    const out = w.dataSync().slice();
    w.dispose();
    disposeAdam(adam);
    return out;
  };
  assert.equal(run(1e-3, 0.25), run(2.5e-4, 1));
  assert.not.equal(run(1e-3, 0.25), run(1e-3, 1));
});

const stepsOf = (events: readonly TrainingEvent[]) => events.filter((e): e is Step => e.type === 'step');

test('--d-steps 2: a step takes two real batches and updates D twice per G update; an epoch has half the steps', async () => {
  const c = trainConfig({
    epochs: 2,
    batchSize: 32,
    dSteps: 2,
    limit: 128,
    milestones: [],
    evalEvery: 0,
    seed: 5,
    out: 'unused',
  });
  assert.is(realPerStep(c), 64);
  const gan = createGan(ARCHITECTURES[c.arch], { ...c, pixels: 784 });
  const events = await lastValueFrom(training$(gan, data, c, backend).pipe(toArray()));
  const started = events[0] as RunStarted;
  assert.is(started.stepsPerEpoch, 2);
  assert.is(stepsOf(events).length, 4);
  assert.is(gan.dOptimizer.iterations, 8);
  assert.is(gan.gOptimizer.iterations, 4);
  disposeGan(gan);
  assert.match(
    errorOf(prepareDataset({ ...c, limit: 100, dataset: 'mnist-small', dSteps: 4 }, false)),
    /^--batch-size 32 \(x --d-steps 4 = 128 real images a step\) is larger than the 100 images of the dataset \(--limit 100\): expected at most 100$/,
  );
});

test('--lr-schedule linear reaches the optimizer: the same seed moves the weights less than at a constant rate', async () => {
  const moved = async (lrSchedule: 'constant' | 'linear') => {
    const c = trainConfig({
      epochs: 2,
      batchSize: 32,
      limit: 128,
      milestones: [],
      evalEvery: 0,
      seed: 5,
      lrSchedule,
      out: 'unused',
    });
    const gan = createGan(ARCHITECTURES[c.arch], { ...c, pixels: 784 });
    const first = gan.generator.layers.find((l) => l.params)!.params!;
    const w = Object.values(first)[0];
    const before = w.dataSync().slice();
    await lastValueFrom(training$(gan, data, c, backend).pipe(toArray()));
    const after = w.dataSync();
    let sum = 0;
    for (let i = 0; i < before.length; i++) sum += Math.abs(after[i] - before[i]);
    disposeGan(gan);
    return sum;
  };
  const constant = await moved('constant');
  const linear = await moved('linear');
  assert.ok(linear < 0.8 * constant, `linear ${linear} vs constant ${constant}`);
});

test.run();
