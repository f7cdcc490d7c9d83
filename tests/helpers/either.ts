/** Unwrapping fp-ts Eithers in assertions. */
import * as E from 'fp-ts/lib/Either.js';

export function unwrap<A>(e: E.Either<string, A>): A {
  if (E.isLeft(e)) throw new Error(`expected a value, got the error: ${e.left}`);
  return e.right;
}

export function errorOf<A>(e: E.Either<string, A>): string {
  if (E.isRight(e)) throw new Error('expected an error, got a value');
  return e.left;
}
