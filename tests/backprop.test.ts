import * as tf from '@tensorflow/tfjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { seeded } from '../src/data/random.ts';
import { ARCHITECTURE_NAMES, ARCHITECTURES, type LayerSpec } from '../src/model/architectures.ts';
import { backward, forwardForTraining } from '../src/model/backprop.ts';
import { LOSSES, towards, towardsGradient } from '../src/model/losses.ts';
import {
  allVariables,
  type BatchMoments,
  buildNetwork,
  forward,
  type Network,
  trainableVariables,
} from '../src/model/network.ts';
import { useTestBackend } from './helpers/tf.ts';

await useTestBackend();

const rng = seeded(21);
const batch = (rows: number, width: number) =>
  tf.tensor2d(
    Float32Array.from({ length: rows * width }, () => rng.uniform() * 2 - 1),
    [rows, width],
  );
const maxAbs = (t: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(t)).dataSync()[0]);
/** Largest difference relative to b's largest value, or to `floor` when b is (nearly) all zero. */
const maxRelDiff = (a: tf.Tensor, b: tf.Tensor, floor = 1e-6) =>
  tf.tidy(() => maxAbs(tf.sub(a, b)) / Math.max(floor, maxAbs(b)));

/** The discriminator's gradients from the hand-written backward pass and from tfjs's autodiff of the same pass. */
function compare(net: Network, input: tf.Tensor2D, loss: (typeof LOSSES)[number], groups: number) {
  const target = 0.9;
  const pass = forwardForTraining(net, input, { groups, dropoutSeed: 3 });
  const ours = backward(net, pass, towardsGradient(loss, pass.output, target) as tf.Tensor2D, {
    params: true,
    input: true,
  });
  const auto = tf.variableGrads(
    () => towards(loss, forwardForTraining(net, input, { groups, dropoutSeed: 3 }).output, target),
    trainableVariables(net),
  );
  const dInput = tf.grad((x: tf.Tensor) =>
    towards(loss, forwardForTraining(net, x as tf.Tensor2D, { groups, dropoutSeed: 3 }).output, target),
  )(input);
  return { ours, auto: auto.grads, dInput };
}

for (const name of ARCHITECTURE_NAMES) {
  const arch = ARCHITECTURES[name];
  // A strided D's autodiff needs tfjs's stride-2 gradient kernels: on the cpu backend (oursAndCpuAutodiff).
  const strided = arch.discriminator.some((s) => s.kind === 'stridedConv');
  for (const loss of LOSSES) {
    test(`${name}, ${loss}: hand-written gradients equal tfjs autodiff (D parameters and input, G parameters)`, async () => {
      if (strided) {
        const values = batch(16, 784);
        assertClose(await oursAndCpuAutodiff(arch.discriminator, 784, values.dataSync() as Float32Array, loss), 'D');
        values.dispose();
      }
      tf.tidy(() => {
        if (!strided) {
          const d = buildNetwork('d', arch.discriminator, 784, 784, seeded(1));
          const { ours, auto, dInput } = compare(d, batch(16, 784), loss, 2);
          assert.equal(Object.keys(ours.params).sort(), Object.keys(auto).sort());
          for (const k of Object.keys(auto))
            assert.ok(maxRelDiff(ours.params[k], auto[k]) < 1e-4, `${k}: ${maxRelDiff(ours.params[k], auto[k])}`);
          assert.ok(maxRelDiff(ours.input!, dInput) < 1e-4, `input: ${maxRelDiff(ours.input!, dInput)}`);
        }
        const g = buildNetwork('g', arch.generator, arch.noiseDim, 784, seeded(2));
        const gg = compare(g, batch(8, arch.noiseDim), loss, 1);
        // A bias that feeds BatchNorm directly (dcgan: layers 0 and 5) has a gradient of zero up to rounding: compare it on the scale of the others.
        const scale = Math.max(...Object.values(gg.auto).map(maxAbs)) * 1e-2;
        for (const k of Object.keys(gg.auto))
          assert.ok(
            maxRelDiff(gg.ours.params[k], gg.auto[k], scale) < 1e-4,
            `${k}: ${maxRelDiff(gg.ours.params[k], gg.auto[k], scale)}`,
          );
      });
    });
  }
}

type Named = Record<string, Float32Array>;

/**
 * A discriminator's gradients (parameters, by layer, and input) for `values` as [rows, width]:
 * by the hand-written backward pass on the test backend, and by tfjs's autodiff on the cpu
 * backend from the same weights. tfjs's own stride-2 gradient kernels are refused on wasm
 * (src/model/kernels), so a strided network's autodiff runs there.
 */
async function oursAndCpuAutodiff(
  specs: readonly LayerSpec[],
  width: number,
  values: Float32Array,
  loss: (typeof LOSSES)[number],
  check?: (d: Network) => void,
): Promise<{ ours: Named; auto: Named }> {
  const rows = values.length / width;
  const gradients = async (backend: string): Promise<Named> => {
    await tf.setBackend(backend);
    const d = buildNetwork('d', specs, width, 784, seeded(7));
    check?.(d);
    const byLayer = (named: tf.NamedTensorMap): Named =>
      Object.fromEntries(
        Object.entries(named).map(([k, t]) => [k.slice(k.indexOf('/')), t.dataSync() as Float32Array]),
      );
    const out = tf.tidy(() => {
      const input = tf.tensor2d(values, [rows, width]);
      const target = 0.9;
      if (backend !== 'cpu') {
        const pass = forwardForTraining(d, input, { groups: 2 });
        const ours = backward(d, pass, towardsGradient(loss, pass.output, target) as tf.Tensor2D, {
          params: true,
          input: true,
        });
        return { ...byLayer(ours.params), input: ours.input!.dataSync() as Float32Array };
      }
      const auto = tf.variableGrads(
        () => towards(loss, forwardForTraining(d, input, { groups: 2 }).output, target),
        trainableVariables(d),
      ).grads;
      const dInput = tf.grad((x: tf.Tensor) =>
        towards(loss, forwardForTraining(d, x as tf.Tensor2D, { groups: 2 }).output, target),
      )(input);
      return { ...byLayer(auto), input: dInput.dataSync() as Float32Array };
    });
    allVariables(d).forEach((v) => {
      v.dispose();
    });
    return out;
  };
  const home = tf.getBackend();
  try {
    return { ours: await gradients(home), auto: await gradients('cpu') };
  } finally {
    await tf.setBackend(home);
  }
}

/** Every gradient within 1e-4 of autodiff's, relative to the largest of all of them (a hundredth of it for near-zero ones). */
function assertClose({ ours, auto }: { ours: Named; auto: Named }, what: string) {
  // Loops, not spreads: a dense layer's gradient has more values than a call takes arguments.
  const largest = (a: Float32Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const relDiff = (a: Float32Array, b: Float32Array, floor: number) =>
    a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0) / Math.max(floor, largest(b));
  assert.equal(Object.keys(ours).sort(), Object.keys(auto).sort());
  const scale = Math.max(...Object.values(auto).map(largest)) * 1e-2;
  for (const k of Object.keys(auto))
    assert.ok(relDiff(ours[k], auto[k], scale) < 1e-4, `${what} ${k}: ${relDiff(ours[k], auto[k], scale)}`);
}

test('a strided convolution (stride 2, odd and even image sizes): hand-written gradients on the test backend equal tfjs autodiff on the cpu backend', async () => {
  // 14x14 halves to 7x7 (output pixels at odd stride-1 pixels), 7x7 to 4x4 (at even ones, padding at the bottom and right).
  const specs: LayerSpec[] = [
    { kind: 'reshape', shape: [14, 14, 2] },
    { kind: 'stridedConv', filters: 3, kernel: 3 },
    { kind: 'leakyRelu', alpha: 0.2 },
    { kind: 'stridedConv', filters: 4, kernel: 5 },
    { kind: 'batchNorm' },
    { kind: 'dense', units: 1 },
  ];
  const inputs = seeded(22);
  const values = Float32Array.from({ length: 6 * 392 }, () => inputs.uniform() * 2 - 1);
  for (const loss of LOSSES) {
    const both = await oursAndCpuAutodiff(specs, 392, values, loss, (d) =>
      assert.equal(
        d.layers.map((l) => l.output.image),
        [[14, 14, 2], [7, 7, 3], [7, 7, 3], [4, 4, 4], [4, 4, 4], null],
      ),
    );
    assertClose(both, loss);
  }
});

test('two groups in one pass are two separate passes: same outputs and BatchNorm moments', () => {
  tf.tidy(() => {
    const d = buildNetwork('d', ARCHITECTURES['mlp-bn'].discriminator, 784, 784, seeded(4));
    const [a, b] = [batch(8, 784), batch(8, 784)];
    const joint: BatchMoments[] = [],
      separate: BatchMoments[] = [];
    const together = forwardForTraining(d, tf.concat([a, b], 0), { groups: 2, moments: joint }).output;
    const apart = tf.concat(
      [forward(d, a, { training: true, moments: separate }), forward(d, b, { training: true, moments: separate })],
      0,
    );
    assert.ok(maxRelDiff(together, apart) < 1e-5);
    // Per layer, the real half's moments come before the generated half's, as with two passes.
    const byLayer = (ms: BatchMoments[]) => ms.map((m) => m.layer).join();
    assert.is(byLayer(joint), '2,2,5,5,8,8');
    const order = [0, 3, 1, 4, 2, 5];
    joint.forEach((m, i) => {
      assert.ok(maxRelDiff(m.variance, separate[order[i]].variance) < 1e-5);
    });
    [...joint, ...separate].forEach((m) => {
      m.mean.dispose();
      m.variance.dispose();
    });
  });
});

test('the first layer computes no input gradient unless asked, and no parameter gradients when told not to', () => {
  tf.tidy(() => {
    const d = buildNetwork('d', ARCHITECTURES.mlp.discriminator, 784, 784, seeded(5));
    const pass = forwardForTraining(d, batch(4, 784));
    const dOut = tf.onesLike(pass.output) as tf.Tensor2D;
    assert.is(backward(d, pass, dOut, { params: true, input: false }).input, null);
    const passOn = backward(d, pass, dOut, { params: false, input: true });
    assert.equal(Object.keys(passOn.params), []);
    assert.equal(passOn.input!.shape, [4, 784]);
  });
});

test('a batch that does not split into equal groups is refused', () => {
  const d = buildNetwork('d', ARCHITECTURES['mlp-bn'].discriminator, 784, 784, seeded(6));
  assert.throws(
    () =>
      tf.tidy(() => {
        forwardForTraining(d, batch(5, 784), { groups: 2 });
      }),
    /5 rows cannot be split into 2 equal groups/,
  );
});

test.run();
