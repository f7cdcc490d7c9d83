/**
 * A script's flag value decoded by a codec of src/plan/values.ts, or the fallback when the flag is
 * not given; a bad value ends the script with the codec's expectation (exit.ts). Shared by the
 * scripts that parse their own flags.
 */
import * as E from 'fp-ts/lib/Either.js';
import { fail } from './exit.ts';

export function flagValue<A>(
  given: Readonly<Record<string, string | true>>,
  name: string,
  codec: { decode: (x: unknown) => E.Either<unknown, A>; name: string },
  fallback: A,
): A {
  const raw = given[name];
  if (raw === undefined) return fallback;
  const decoded = codec.decode(raw);
  return E.isRight(decoded) ? decoded.right : fail(`--${name}: expected ${codec.name}, got '${raw}'`);
}
