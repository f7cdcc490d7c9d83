import * as tf from '@tensorflow/tfjs';
import { selectBackend } from './src/model/backend.ts';
import { ARCHITECTURES } from './src/model/architectures.ts';
import { createGan } from './src/model/gan.ts';
import { dStep, gStep } from './src/model/steps.ts';
import { seeded, normals } from './src/data/random.ts';
await selectBackend((process.argv[2] ?? 'wasm') as any);
const gan = createGan(ARCHITECTURES[process.argv[3] ?? 'mlp-gbn'], { pixels: 784, seed: 1, lr: 2e-4, beta1: 0.5 });
const rng = seeded(1); const real = new Float32Array(128 * 784).map(() => rng.uniform() * 2 - 1);
const o = { loss: 'bce' as const, labelSmoothing: 0, dropoutSeed: 1 };
for (let i = 0; i < 3; i++) { dStep(gan, real, normals(rng, 12800), o); gStep(gan, normals(rng, 12800), o); }
const t0 = performance.now();
const prof = await tf.profile(() => { for (let i = 0; i < 5; i++) { dStep(gan, real, normals(rng, 12800), o); gStep(gan, normals(rng, 12800), o); } });
const wall = (performance.now() - t0) / 5;
const agg = new Map<string, [number, number]>();
for (const k of prof.kernels) { const key = k.name + ' ' + JSON.stringify(k.inputShapes); const a = agg.get(key) ?? [0, 0]; a[0] += (k.kernelTimeMs as number) / 5; a[1] += 1 / 5; agg.set(key, a); }
const rows = [...agg].sort((a, b) => b[1][0] - a[1][0]);
let total = 0; for (const [, [t]] of rows) total += t;
console.log('wall ms/step (profiled)', wall.toFixed(1), 'kernel total', total.toFixed(1));
for (const [k, [t, c]] of rows.slice(0, 40)) console.log(t.toFixed(2).padStart(8), c.toFixed(0).padStart(4), k);
const byName = new Map<string, [number, number]>();
for (const k of prof.kernels) { if (k.name.endsWith('__op')) continue; const a = byName.get(k.name) ?? [0, 0]; a[0] += (k.kernelTimeMs as number) / 5; a[1] += 1 / 5; byName.set(k.name, a); }
console.log('---- by kernel');
let s = 0; for (const [, [t]] of byName) s += t; console.log('sum', s.toFixed(1));
for (const [k, [t, c]] of [...byName].sort((a, b) => b[1][0] - a[1][0]).slice(0, 30)) console.log(t.toFixed(2).padStart(8), c.toFixed(0).padStart(4), k);
for (const k of prof.kernels) if (k.name === 'Tile') { console.log(k.inputShapes, k.outputShapes, k.kernelTimeMs); break; }
