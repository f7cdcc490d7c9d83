import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  decodeEvent,
  encodeEvent,
  packPixels,
  type TrainingEvent,
  toGreyLevels,
  unpackPixels,
} from '../src/streams/events.ts';
import { errorOf, unwrap } from './helpers/either.ts';
import { runStarted, step } from './helpers/events.ts';

const milestone: TrainingEvent = {
  type: 'milestone',
  epoch: 1,
  step: 3,
  rows: 2,
  cols: 2,
  count: 2,
  pixels: packPixels(Uint8Array.of(0, 64, 128, 255, 1, 2, 3, 4)),
  diversity: 0.2,
  realDiversity: 0.3,
};
const samples: TrainingEvent[] = [
  runStarted(3),
  step(1, 0.7, 0.3),
  { type: 'epoch', epoch: 1, step: 3, time: 1.5, samplesPerSec: 200, rssMB: 300, means: step(1, 0.6, 0.4) },
  milestone,
  {
    type: 'comparison',
    epoch: 1,
    step: 3,
    rows: 1,
    cols: 2,
    count: 2,
    real: packPixels(Uint8Array.of(1, 2, 3, 4)),
    fake: packPixels(Uint8Array.of(5, 6, 7, 8)),
    realScores: [0.9, 0.8],
    fakeScores: [0.1, NaN],
  },
  { type: 'warning', step: 1, epoch: 1, kind: 'd-too-strong', message: 'm' },
  { type: 'warning-cleared', step: 3, epoch: 1, kind: 'd-too-strong' },
  { type: 'run-ended', status: 'completed', step: 3, epoch: 1, time: 2 },
];

test('every event type round-trips through its codec and one NDJSON line', () => {
  for (const e of samples) {
    const line = encodeEvent(e);
    assert.not.ok(line.includes('\n'));
    const back = unwrap(decodeEvent(line));
    assert.equal(JSON.parse(encodeEvent(back)), JSON.parse(line));
  }
  const s = unwrap(decodeEvent(encodeEvent(samples[1])));
  assert.is(s.type, 'step');
});

test('NaN and infinite metrics are written as null and read back as NaN', () => {
  const line = encodeEvent(step(2, 0.5, 0.5, { dLoss: NaN, gLoss: Infinity }));
  assert.match(line, /"dLoss":null/);
  assert.match(line, /"gLoss":null/);
  const back = unwrap(decodeEvent(line));
  assert.ok(back.type === 'step' && Number.isNaN(back.dLoss) && Number.isNaN(back.gLoss));
});

test('malformed records are rejected with a reason', () => {
  assert.match(errorOf(decodeEvent('{"type":"step","step":1')), /not JSON/);
  assert.match(
    errorOf(decodeEvent('{"type":"teleport"}')),
    /^not an event: type "teleport", expected one of run-started, step, epoch, milestone, snapshot, comparison, warning, warning-cleared, checkpoint, run-resumed, rolled-back, quality, run-ended$/,
  );
  const missing = JSON.parse(encodeEvent(samples[1]));
  delete missing.gLoss;
  assert.is(
    errorOf(decodeEvent(JSON.stringify(missing))),
    "not a valid 'step' event: gLoss: got nothing, expected JsonNumber",
  );
  const wrongType = { ...JSON.parse(encodeEvent(samples[1])), step: 'one' };
  assert.is(
    errorOf(decodeEvent(JSON.stringify(wrongType))),
    `not a valid 'step' event: step: got "one", expected number`,
  );
  assert.match(errorOf(decodeEvent('[1,2]')), /^not an event: type nothing/);
  const nested = {
    ...JSON.parse(encodeEvent(samples[2])),
    means: { ...JSON.parse(encodeEvent(samples[2])).means, dLoss: 'x' },
  };
  assert.is(
    errorOf(decodeEvent(JSON.stringify(nested))),
    `not a valid 'epoch' event: means.dLoss: got "x", expected JsonNumber`,
  );
  const short = { ...milestone, pixels: packPixels(Uint8Array.of(1, 2, 3)) };
  assert.match(errorOf(decodeEvent(JSON.stringify(short))), /milestone event: pixels holds 3 values, expected 8/);
  const scores = { ...JSON.parse(encodeEvent(samples[4])), fakeScores: [0.1] };
  assert.match(errorOf(decodeEvent(JSON.stringify(scores))), /comparison event: fakeScores holds 1 values, expected 2/);
});

test('milestone pixels: generator output [-1, 1] to grey levels and back through base64', () => {
  const grey = toGreyLevels(Float32Array.of(-1, 0, 1, -2, 2, 0.5));
  assert.equal(Array.from(grey), [0, 128, 255, 0, 255, 191]);
  assert.equal(Array.from(unpackPixels({ pixels: packPixels(grey) })), Array.from(grey));
});

test.run();
