/** Comparing long numeric arrays in assertions: a failure says where and how many differ, at once (uvu's diff of 60,000 values never finishes). */
import * as assert from 'uvu/assert';

type Values = ArrayLike<number>;

/** The first index where two arrays differ and how many differ, or null when they are equal. */
export function firstDifference(actual: Values, expected: Values): { index: number; count: number } | null {
  if (actual.length !== expected.length)
    return { index: Math.min(actual.length, expected.length), count: Math.abs(actual.length - expected.length) };
  let index = -1;
  let count = 0;
  for (let i = 0; i < actual.length; i++) {
    if (Object.is(actual[i], expected[i])) continue;
    if (index < 0) index = i;
    count++;
  }
  return index < 0 ? null : { index, count };
}

/** Asserts two numeric arrays hold the same values, with a one-line message when they do not. */
export function assertSameValues(actual: Values, expected: Values, what = 'values'): void {
  const d = firstDifference(actual, expected);
  if (d === null) return;
  const message =
    actual.length !== expected.length
      ? `${what}: ${actual.length} values, expected ${expected.length}`
      : `${what}: ${d.count} of ${actual.length} values differ, the first at ${d.index} (${actual[d.index]}, expected ${expected[d.index]})`;
  assert.unreachable(message);
}
