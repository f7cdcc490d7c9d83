/** io-ts codecs that read flag values from strings, with messages that say what is accepted. */
import * as t from 'io-ts';

const isNumeric = (s: string) => /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s.trim());

export function numberFrom(
  what: string,
  ok: (n: number) => boolean,
  integer: boolean,
): t.Type<number, string, unknown> {
  return new t.Type<number, string, unknown>(
    what,
    (u): u is number => typeof u === 'number' && ok(u),
    (u, c) => {
      if (typeof u !== 'string' || !isNumeric(u)) return t.failure(u, c, what);
      const n = Number(u);
      return (integer && !Number.isInteger(n)) || !ok(n) ? t.failure(u, c, what) : t.success(n);
    },
    String,
  );
}

/** Integers only up to 2^53 (beyond, a number is no longer exact: 99999999999999999999 reads as 1e20). */
export const intAtLeast = (min: number) =>
  numberFrom(`an integer >= ${min}`, (n) => Number.isSafeInteger(n) && n >= min, true);
export const intIn = (min: number, max: number) =>
  numberFrom(`an integer from ${min} to ${max}`, (n) => Number.isSafeInteger(n) && n >= min && n <= max, true);
export const numberIn = (what: string, ok: (n: number) => boolean) => numberFrom(what, ok, false);

export function oneOf<K extends string>(names: readonly K[]): t.Type<K, string, unknown> {
  const what = `one of ${names.join(', ')}`;
  return new t.Type<K, string, unknown>(
    what,
    (u): u is K => typeof u === 'string' && (names as readonly string[]).includes(u),
    (u, c) =>
      typeof u === 'string' && (names as readonly string[]).includes(u) ? t.success(u as K) : t.failure(u, c, what),
    (k) => k,
  );
}

/** A number that must be one of `numbers`, read from its digits. */
export function oneOfNumbers<N extends number>(numbers: readonly N[]): t.Type<N, string, unknown> {
  const what = numbers.length === 2 ? `${numbers[0]} or ${numbers[1]}` : `one of ${numbers.join(', ')}`;
  const read = (u: unknown) => (typeof u === 'string' ? numbers.find((n) => String(n) === u.trim()) : undefined);
  return new t.Type<N, string, unknown>(
    what,
    (u): u is N => (numbers as readonly unknown[]).includes(u),
    (u, c) => {
      const n = read(u);
      return n === undefined ? t.failure(u, c, what) : t.success(n);
    },
    String,
  );
}

export const intList = (min: number) =>
  new t.Type<number[], string, unknown>(
    `a comma-separated list of integers >= ${min}`,
    (u): u is number[] => Array.isArray(u),
    (u, c) => {
      if (typeof u !== 'string') return t.failure(u, c, `a comma-separated list of integers >= ${min}`);
      const parts = u.split(',').map((p) => p.trim());
      const ok = parts.every((p) => /^\d+$/.test(p) && Number.isSafeInteger(Number(p)) && Number(p) >= min);
      return ok ? t.success(parts.map(Number)) : t.failure(u, c, `a comma-separated list of integers >= ${min}`);
    },
    (ns) => ns.join(','),
  );

export const nonEmptyString = new t.Type<string, string, unknown>(
  'a non-empty value',
  (u): u is string => typeof u === 'string' && u.length > 0,
  (u, c) => (typeof u === 'string' && u.length > 0 ? t.success(u) : t.failure(u, c, 'a non-empty value')),
  (s) => s,
);
