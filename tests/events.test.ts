import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { decodeEvent, encodeEvent, packPixels, toGreyLevels, unpackPixels, type TrainingEvent } from '../src/streams/events.ts';
import { errorOf, unwrap } from './helpers/tf.ts';
import { runStarted, step } from './helpers/events.ts';

const milestone: TrainingEvent = { type: 'milestone', epoch: 1, step: 3, rows: 2, cols: 2, count: 2, pixels: packPixels(Uint8Array.of(0, 64, 128, 255, 1, 2, 3, 4)) };
const samples: TrainingEvent[] = [
  runStarted(3),
  step(1, 0.7, 0.3),
  { type: 'epoch', epoch: 1, step: 3, time: 1.5, samplesPerSec: 200, means: step(1, 0.6, 0.4) },
  milestone,
  { type: 'warning', step: 1, epoch: 1, kind: 'd-too-strong', message: 'm' },
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
  assert.match(errorOf(decodeEvent('{"type":"teleport"}')), /not a valid 'teleport' event/);
  const missing = JSON.parse(encodeEvent(samples[1]));
  delete missing.gLoss;
  assert.match(errorOf(decodeEvent(JSON.stringify(missing))), /not a valid 'step' event/);
  const wrongType = { ...JSON.parse(encodeEvent(samples[1])), step: 'one' };
  assert.ok(E.isLeft(decodeEvent(JSON.stringify(wrongType))));
  assert.match(errorOf(decodeEvent('[1,2]')), /not a valid event/);
  const short = { ...milestone, pixels: packPixels(Uint8Array.of(1, 2, 3)) };
  assert.match(errorOf(decodeEvent(JSON.stringify(short))), /holds 3 pixels, expected 8/);
});

test('milestone pixels: generator output [-1, 1] to grey levels and back through base64', () => {
  const grey = toGreyLevels(Float32Array.of(-1, 0, 1, -2, 2, 0.5));
  assert.equal(Array.from(grey), [0, 128, 255, 0, 255, 191]);
  assert.equal(Array.from(unpackPixels({ pixels: packPixels(grey) })), Array.from(grey));
});

test.run();
