import { lastValueFrom, toArray } from 'rxjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { limitDataset } from '../src/data/dataset.ts';
import { embeddedDigits } from '../src/data/embedded.ts';
import { ARCHITECTURES } from '../src/model/architectures.ts';
import { createGan, disposeGan } from '../src/model/gan.ts';
import { generate } from '../src/model/steps.ts';
import { trainConfig } from '../src/plan/train-options.ts';
import {
  decodeEvent,
  encodeEvent,
  packPixels,
  type Snapshot,
  toGreyLevels,
  unpackPixels,
} from '../src/streams/events.ts';
import { milestoneNoise } from '../src/streams/sources/noise.ts';
import { training$ } from '../src/streams/training.ts';
import { errorOf, unwrap } from './helpers/either.ts';
import { useTestBackend } from './helpers/tf.ts';

await useTestBackend();

test('pixels pack to base64 and back exactly, beyond one 32 kB chunk; bad base64 unpacks to nothing', () => {
  const grey = Uint8Array.from({ length: 100_003 }, (_, i) => (i * 7919) % 256);
  const packed = packPixels(grey);
  assert.is(packed, Buffer.from(grey).toString('base64'));
  assert.equal(unpackPixels({ pixels: packed }), grey);
  assert.is(unpackPixels({ pixels: '***' }).length, 0);
});

test("--snapshot-every 4: a 4x4 grid after every fourth step, from the milestone grids' first noise points; decodable; none before a resumed step", async () => {
  const c = trainConfig({
    epochs: 2,
    batchSize: 32,
    limit: 128,
    milestones: [],
    evalEvery: 0,
    seed: 4,
    snapshotEvery: 4,
    out: 'unused',
  });
  const gan = createGan(ARCHITECTURES[c.arch], { ...c, pixels: 784 });
  const events = await lastValueFrom(
    training$(gan, limitDataset(embeddedDigits(), 128), c, { name: 'wasm', threads: 1, kernels: [] }).pipe(toArray()),
  );
  const shots = events.filter((e): e is Snapshot => e.type === 'snapshot');
  assert.equal(
    shots.map((s) => s.step),
    [4, 8],
  );
  const afterStep6 = events.findIndex((e) => e.type === 'step' && e.step === 4);
  assert.is(events[afterStep6 + 1].type, 'snapshot');
  for (const s of shots) {
    assert.equal([s.count, s.rows, s.cols], [16, 28, 28]);
    assert.equal(unwrap(decodeEvent(encodeEvent(s))), s);
  }
  // Step 8 is the last: the last snapshot is what G draws now.
  const now = toGreyLevels(generate(gan, milestoneNoise(c.seed, 64, gan.noiseDim).subarray(0, 16 * gan.noiseDim)));
  assert.equal(unpackPixels(shots[1]), now);
  assert.ok(!unpackPixels(shots[0]).every((v, i) => v === now[i]), 'the generator changed between snapshots');
  disposeGan(gan);
});

test('a snapshot whose pixels do not match its size is refused with one line', () => {
  const bad = {
    type: 'snapshot',
    epoch: 1,
    step: 2,
    rows: 28,
    cols: 28,
    count: 16,
    pixels: packPixels(new Uint8Array(10)),
  };
  assert.is(errorOf(decodeEvent(JSON.stringify(bad))), 'snapshot event: pixels holds 10 values, expected 12544');
});

test.run();
