import * as tf from '@tensorflow/tfjs';
import { normals, seeded } from '../src/data/random.ts';
import { ARCHITECTURES } from '../src/model/architectures.ts';
import { installKernels, selectBackend } from '../src/model/backend.ts';
import { createGan } from '../src/model/gan.ts';
import { dStep, gStep } from '../src/model/steps.ts';
const arch = ARCHITECTURES[(process.argv[2] ?? 'mlp-gbn') as 'mlp-gbn'];
const b = await selectBackend('auto', { kernels: true, convolutions: false });
installKernels((b as any).right.name);
const rng = seeded(0); const bs = 128;
const real = Float32Array.from({ length: bs * 784 }, () => rng.uniform() * 2 - 1);
const gan = createGan(arch, { pixels: 784, seed: 0, lr: 2e-4, beta1: 0.5 });
const o = (i: number) => ({ loss: 'bce' as const, labelSmoothing: 0, dropoutSeed: i });
const step = (i: number) => { dStep(gan, real, normals(rng, bs * arch.noiseDim), o(i)); gStep(gan, normals(rng, bs * arch.noiseDim), o(i)); };
for (let i = 0; i < 10; i++) step(i);
const agg = new Map<string, { n: number; ms: number }>();
const N = 20;
// time each kernel by wrapping runKernel
const engine = (tf as any).engine();
const orig = engine.runKernelFunc ? null : null;
const backend = tf.backend() as any;
const kernelsByName = new Map<string, number>();
const reg = (tf as any).getKernelsForBackend(tf.getBackend());
for (const k of reg) {
  const f = k.kernelFunc;
  k.kernelFunc = (args: any) => { const t0 = performance.now(); const r = f(args); const dt = performance.now() - t0; const a = agg.get(k.kernelName) ?? { n: 0, ms: 0 }; a.n++; a.ms += dt; agg.set(k.kernelName, a); return r; };
}
const t0 = performance.now();
for (let i = 0; i < N; i++) step(100 + i);
const total = (performance.now() - t0) / N;
let sum = 0;
const rows = [...agg.entries()].sort((a, b) => b[1].ms - a[1].ms);
for (const [k, a] of rows) { sum += a.ms / N; console.log(k.padEnd(32), (a.n / N).toFixed(0).padStart(4), (a.ms / N).toFixed(2)); }
console.log('kernels', sum.toFixed(2), 'step', total.toFixed(2));
