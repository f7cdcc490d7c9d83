import { firstValueFrom, from, lastValueFrom, toArray } from 'rxjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { limitDataset } from '../src/data/dataset.ts';
import { embeddedDigits } from '../src/data/embedded.ts';
import { ARCHITECTURES } from '../src/model/architectures.ts';
import { createGan, disposeGan } from '../src/model/gan.ts';
import { trainConfig } from '../src/plan/train-options.ts';
import type { TrainConfig } from '../src/streams/config.ts';
import type { Step, TrainingEvent, Warning } from '../src/streams/events.ts';
import { warnings } from '../src/streams/operators/warnings.ts';
import { syntheticRunStarted } from '../src/streams/sources/synthetic.ts';
import { training$ } from '../src/streams/training.ts';
import { step } from './helpers/events.ts';
import { useTestBackend } from './helpers/tf.ts';

const warningsOf = async (steps: Step[], window = 20) =>
  (await firstValueFrom(from(steps as TrainingEvent[]).pipe(warnings({ window }), toArray()))).filter(
    (e): e is Warning => e.type === 'warning',
  );

const series = (n: number, f: (i: number) => [number, number], from = 1) =>
  Array.from({ length: n }, (_, i) => step(from + i, ...f(i)));

test('a healthy run raises no warning', async () => {
  const healthy = series(200, (i) => [0.6 + 0.1 * Math.sin(i), 0.4 + 0.1 * Math.cos(i)]);
  assert.equal(await warningsOf(healthy), []);
});

test('D stuck at 0.5 (reference 000) is named with its cause and its fix', async () => {
  const stuck = series(60, (i) => [0.5 + 0.003 * Math.sin(i), 0.5 - 0.003 * Math.sin(i)]);
  const w = await warningsOf(stuck);
  assert.is(w.length, 1);
  assert.is(w[0].kind, 'd-stuck-at-chance');
  assert.is(w[0].step, 1);
  assert.match(w[0].message, /2 ln 2 = 1\.386/);
  assert.match(w[0].message, /ln 2 = 0\.693/);
  assert.match(w[0].message, /BatchNorm/);
  assert.match(w[0].message, /--arch mlp-gbn/);
});

test('a too-strong D fires once while it lasts, at the step it began, says when it cleared, and fires again after', async () => {
  const steps = [
    ...series(30, (i) => [0.6 + 0.05 * Math.sin(i), 0.45 + 0.05 * Math.cos(i)]),
    ...series(40, () => [0.99, 0.01], 31),
    ...series(60, (i) => [0.6 + 0.05 * Math.sin(i), 0.45 + 0.05 * Math.cos(i)], 71),
    ...series(40, () => [0.99, 0.01], 131),
  ];
  const w = await warningsOf(steps);
  assert.equal(
    w.map((x) => x.kind),
    ['d-too-strong', 'd-too-strong'],
  );
  assert.equal(
    w.map((x) => x.step),
    [31, 131],
  );
  // Cleared once the mean over the window (20 steps) no longer holds: between the healthy steps' start and the next spell.
  const all = await firstValueFrom(from(steps as TrainingEvent[]).pipe(warnings({ window: 20 }), toArray()));
  const cleared = all.filter((e) => e.type === 'warning-cleared');
  assert.equal(
    cleared.map((e) => [e.kind, e.step]),
    [['d-too-strong', cleared[0]?.step]],
  );
  assert.ok(cleared[0].step > 71 && cleared[0].step < 91, `cleared at step ${cleared[0].step}`);
  // Placed right after the step that showed it.
  const at = all.indexOf(cleared[0]);
  assert.equal(all[at - 1], steps[cleared[0].step - 1]);
});

test('flat losses are reported when nothing else explains them', async () => {
  const w = await warningsOf([
    ...series(30, (i) => [0.6 + 0.05 * Math.sin(i), 0.45]),
    ...series(30, () => [0.7, 0.35], 31),
  ]);
  assert.equal(
    w.map((x) => [x.kind, x.step]),
    [['losses-flat', 31]],
  );
  assert.match(w[0].message, /have not moved over 20 steps/);
});

test('G winning (D accuracy below 40%) and non-finite losses', async () => {
  const w = await warningsOf(series(30, () => [0.3, 0.7]));
  assert.equal(
    w.map((x) => x.kind),
    ['g-winning'],
  );
  const nan = await warningsOf([step(1, 0.6, 0.4), step(2, 0.6, 0.4, { dLoss: NaN })]);
  assert.is(nan.length, 1);
  assert.is(nan[0].kind, 'not-finite');
  assert.is(nan[0].step, 2);
  assert.match(nan[0].message, /dLoss became NaN/);
});

test('milestones are judged for mode collapse only after a window of steps', async () => {
  const milestone = (step: number): TrainingEvent => ({
    type: 'milestone',
    epoch: 1,
    step,
    rows: 1,
    cols: 1,
    count: 2,
    pixels: 'AAA=',
    diversity: 0.01,
    realDiversity: 0.3,
  });
  const run = (events: TrainingEvent[]) => firstValueFrom(from(events).pipe(warnings({ window: 20 }), toArray()));
  assert.equal(
    (await run([milestone(5)])).filter((e) => e.type === 'warning'),
    [],
  );
  const late = (await run([milestone(20)])).filter((e): e is Warning => e.type === 'warning');
  assert.equal(
    late.map((w) => w.kind),
    ['mode-collapse'],
  );
});

const started = (config: Partial<TrainConfig>): TrainingEvent =>
  syntheticRunStarted(400, 100, { arch: 'mlp-gbn', lr: 4e-4, labelSmoothing: 0.1, loss: 'bce', ema: 0.999, ...config });
const warningsIn = async (config: Partial<TrainConfig>, steps: Step[]) =>
  (
    await firstValueFrom(from([started(config), ...steps] as TrainingEvent[]).pipe(warnings({ window: 20 }), toArray()))
  ).filter((e): e is Warning => e.type === 'warning');

test('advice fits the run: what is already on is not suggested, the learning rate is quoted as it is', async () => {
  const diverging = series(40, () => [0.999999, 1e-12]).map((s) => ({ ...s, dLoss: 60, gLoss: 30 }));
  const onLsgan = await warningsIn({ loss: 'lsgan', labelSmoothing: 0.1 }, diverging);
  const message = onLsgan.find((w) => w.kind === 'diverging')!.message;
  assert.match(message, /Try a lower --lr \(now 0\.0004\)\.$/);
  assert.not.match(message, /--loss lsgan|--label-smoothing 0\.1/);
  const onBce = (await warningsIn({ loss: 'bce', labelSmoothing: 0, lr: 2e-4 }, diverging)).find(
    (w) => w.kind === 'diverging',
  )!.message;
  assert.match(onBce, /Try a lower --lr \(now 0\.0002\), --label-smoothing 0\.1, or --loss lsgan\.$/);

  const tooStrong = series(40, () => [0.99, 0.01]);
  const withDropout = (await warningsIn({ arch: 'mlp-gbn', labelSmoothing: 0.1 }, tooStrong)).find(
    (w) => w.kind === 'd-too-strong',
  )!.message;
  assert.match(withDropout, /Try a lower --lr \(now 0\.0004\)\.$/, 'mlp-gbn has dropout in D and smoothing on');
  const withoutDropout = (await warningsIn({ arch: 'mlp-bn', labelSmoothing: 0, lr: 2e-4 }, tooStrong)).find(
    (w) => w.kind === 'd-too-strong',
  )!.message;
  assert.match(
    withoutDropout,
    /Try --label-smoothing 0\.1, a lower --lr \(now 0\.0002\), or a discriminator with dropout \(--arch mlp-gbn\)\.$/,
  );

  const gWinning = series(40, () => [0.3, 0.7]);
  const smoothed = (await warningsIn({ arch: 'mlp-gbn', labelSmoothing: 0.1 }, gWinning)).find(
    (w) => w.kind === 'g-winning',
  )!.message;
  assert.match(smoothed, /Try --label-smoothing 0 \(now 0\.1, which holds D's targets back\)\.$/);
  assert.not.match(smoothed, /higher D learning rate/);
  const small = (await warningsIn({ arch: 'mlp-small', labelSmoothing: 0, lr: 1e-3 }, gWinning)).find(
    (w) => w.kind === 'g-winning',
  )!.message;
  assert.match(small, /Try a larger discriminator \(--arch mlp-gbn: 1024-512-256\)\.$/);
  const nothingLeft = (await warningsIn({ arch: 'mlp-gbn', labelSmoothing: 0 }, gWinning)).find(
    (w) => w.kind === 'g-winning',
  )!.message;
  assert.match(nothingLeft, /Try a lower --lr \(now 0\.0004\): smaller steps let D keep up\.$/);
});

test('in a training run, the advice knows the run: mlp-gbn with smoothing is not told to smooth or to use dropout', async () => {
  await useTestBackend();
  const config = trainConfig({ epochs: 1, batchSize: 64, limit: 1280, milestones: [], evalEvery: 0, out: 'unused' });
  const gan = createGan(ARCHITECTURES[config.arch], {
    pixels: 784,
    seed: config.seed,
    lr: config.lr,
    beta1: config.beta1,
    ema: config.ema,
  });
  const data = limitDataset(embeddedDigits(), 1280);
  const events = await lastValueFrom(
    training$(gan, data, config, { name: 'wasm', threads: 1, kernels: [] }).pipe(toArray()),
  );
  disposeGan(gan);
  const strong = events.find((e): e is Warning => e.type === 'warning' && e.kind === 'd-too-strong');
  assert.ok(strong, 'D is too strong in the first 20 steps of mlp-gbn');
  assert.match(strong.message, /Try a lower --lr \(now 0\.0004\)\.$/);
});

test.run();
