// Tensors and bytes: building and freeing GANs leaves nothing behind, and a run of every
// architecture with its default options (weight average, milestones, quality checks) holds a
// steady number of tensors from step to step.

import * as tf from '@tensorflow/tfjs';
import { filter, lastValueFrom, tap } from 'rxjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { limitDataset } from '../src/data/dataset.ts';
import { loadDataset } from '../src/data/load.ts';
import { ARCHITECTURE_NAMES, ARCHITECTURES } from '../src/model/architectures.ts';
import { createGan, disposeGan } from '../src/model/gan.ts';
import { trainConfig } from '../src/plan/train-options.ts';
import { loadJudge } from '../src/quality/judge-folder.ts';
import { training$ } from '../src/streams/training.ts';
import { unwrap } from './helpers/either.ts';
import { useTestBackend } from './helpers/tf.ts';

await useTestBackend();

const ganFor = (arch: string, seed = 1) => {
  const config = trainConfig({ arch, seed, out: 'unused' });
  return {
    config,
    gan: createGan(ARCHITECTURES[arch], { pixels: 784, seed, lr: config.lr, beta1: config.beta1, ema: config.ema }),
  };
};

test('createGan + disposeGan, twice over, for every architecture with its defaults: no tensor and no byte left behind', () => {
  for (const arch of ARCHITECTURE_NAMES) {
    const before = tf.memory();
    for (let i = 0; i < 2; i++) {
      const { config, gan } = ganFor(arch, i);
      assert.ok(config.ema > 0 && gan.generatorAverage, `${arch}: the default run averages the generator`);
      disposeGan(gan);
    }
    const after = tf.memory();
    assert.is(after.numTensors, before.numTensors, `${arch}: tensors`);
    assert.is(after.numBytes, before.numBytes, `${arch}: bytes`);
  }
});

const data = limitDataset(unwrap(loadDataset('mnist')), 192);
const judge = unwrap(await loadJudge(data));

/**
 * One architecture per code path a step can take: BatchNorm in G (mlp-gbn), in D too (mlp-bn), ReLU
 * and no BatchNorm (mlp-small), convolutions (dcgan; dcgan-64 is the same code, wider), the label
 * at the inputs (cgan) and D's class head (acgan).
 */
export const CODE_PATHS = ['mlp-gbn', 'mlp-bn', 'mlp-small', 'dcgan', 'cgan', 'acgan'];

for (const arch of CODE_PATHS) {
  test(`training$ of ${arch} with its defaults, milestones and quality checks: the same number of tensors after every step, none left once disposed`, async () => {
    const before = tf.memory().numTensors;
    const config = {
      ...trainConfig({ arch, epochs: 3, batchSize: 64, limit: 192, milestones: [1, 2], evalEvery: 3, out: 'unused' }),
    };
    const gan = createGan(ARCHITECTURES[arch], {
      pixels: 784,
      seed: config.seed,
      lr: config.lr,
      beta1: config.beta1,
      ema: config.ema,
    });
    assert.ok(gan.generatorAverage, 'the default weight average is on');
    const counts: number[] = [];
    let milestones = 0,
      checks = 0;
    await lastValueFrom(
      training$(gan, data, config, { name: 'wasm', threads: 1, kernels: [] }, { judge }).pipe(
        tap((e) => {
          if (e.type === 'milestone') milestones++;
          if (e.type === 'quality') checks++;
        }),
        filter((e) => e.type === 'step'),
        tap(() => counts.push(tf.memory().numTensors)),
      ),
    );
    assert.is(counts.length, 9);
    assert.is(milestones, 4, `${arch}: step 1 (a default milestone step), epochs 1, 2 and 3`);
    assert.is(checks, 1, 'one quality check, at the last epoch');
    assert.equal(
      counts,
      counts.map(() => counts[0]),
      `${arch}: tensors after each step ${counts.join(' ')}`,
    );
    disposeGan(gan);
    assert.is(tf.memory().numTensors, before, `${arch}: tensors once the GAN is disposed`);
  });
}

test.run();
