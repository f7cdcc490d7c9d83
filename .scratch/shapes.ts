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
const reg = (tf as any).getKernelsForBackend(tf.getBackend());
for (const k of reg) {
  if (k.kernelName !== 'BatchMatMul' && k.kernelName !== '_FusedMatMul') continue;
  const f = k.kernelFunc;
  k.kernelFunc = (args: any) => { const t0 = performance.now(); const r = f(args); const dt = performance.now() - t0;
    const key = `${k.kernelName} ${args.inputs.a.shape} ${args.attrs.transposeA?'T':'N'} ${args.inputs.b.shape} ${args.attrs.transposeB?'T':'N'} ${args.attrs.activation ?? ''}`;
    const a = agg.get(key) ?? { n: 0, ms: 0 }; a.n++; a.ms += dt; agg.set(key, a); return r; };
}
for (let i = 0; i < N; i++) step(100 + i);
let s = 0;
for (const [k, a] of [...agg.entries()].sort((a, b) => b[1].ms - a[1].ms)) { s += a.ms/N; const [_, as, ta, bs2, tb] = k.split(' '); console.log(k.padEnd(60), (a.n / N).toFixed(0), (a.ms / N).toFixed(2)); }
console.log('total', s.toFixed(2));
