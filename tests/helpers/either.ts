/** Unwrapping fp-ts Eithers in assertions. */
import * as E from 'fp-ts/lib/Either.js';

export function unwrap<L, A>(e: E.Either<L, A>): A {
  if (E.isLeft(e))
    throw new Error(`expected a value, got the error: ${typeof e.left === 'string' ? e.left : JSON.stringify(e.left)}`);
  return e.right;
}

export function errorOf<L, A>(e: E.Either<L, A>): L {
  if (E.isRight(e)) throw new Error('expected an error, got a value');
  return e.left;
}
