import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decideSignal, RELAY_WINDOW_MS } from '../src/plan/stop-signals.ts';

test('the first signal stops after the step; its relayed copies are ignored; a later one quits', () => {
  assert.is(decideSignal(null, 5000), 'stop');
  const first = { signal: 'SIGINT' as const, at: 5000 };
  assert.is(decideSignal(first, 5000), 'echo');
  assert.is(decideSignal(first, 5000 + RELAY_WINDOW_MS - 1), 'echo');
  assert.is(decideSignal(first, 5000 + RELAY_WINDOW_MS), 'quit');
  assert.is(decideSignal(first, 60_000), 'quit');
});

test.run();
