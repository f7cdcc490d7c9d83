import * as tf from '@tensorflow/tfjs';
import * as E from 'fp-ts/lib/Either.js';
import { selectBackend } from './src/model/backend.ts';
import { ARCHITECTURES } from './src/model/architectures.ts';
import { createGan } from './src/model/gan.ts';
import { dStep, gStep } from './src/model/steps.ts';
import { seeded, normals } from './src/data/random.ts';
const info = await selectBackend((process.argv[2] ?? 'wasm') as any); console.log(info);
for (const name of ['mlp-bn', 'mlp-gbn']) {
  const gan = createGan(ARCHITECTURES[name], { pixels: 784, seed: 1, lr: 2e-4, beta1: 0.5 });
  const rng = seeded(1); const real = new Float32Array(128 * 784).map(() => rng.uniform() * 2 - 1);
  const o = { loss: 'bce' as const, labelSmoothing: 0, dropoutSeed: 1 };
  let d: any, g: any;
  for (let i = 0; i < 3; i++) { dStep(gan, real, normals(rng, 12800), o); gStep(gan, normals(rng, 12800), o); }
  const nt = tf.memory().numTensors; const t0 = performance.now();
  let td = 0;
  for (let i = 0; i < 10; i++) { const a = performance.now(); d = dStep(gan, real, normals(rng, 12800), o); td += performance.now() - a; g = gStep(gan, normals(rng, 12800), o); }
  console.log(name, ((performance.now() - t0) / 10).toFixed(1), 'ms/step; d part', (td / 10).toFixed(1), 'tensors', nt, tf.memory().numTensors, d, g);
}
