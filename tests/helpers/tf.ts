/** The tests' tfjs backend: wasm with ganstream's kernels, as users without tfjs-node get. */
import * as E from 'fp-ts/lib/Either.js';
import { selectBackend } from '../../src/model/backend.ts';

export async function useWasm(): Promise<void> {
  const r = await selectBackend('wasm');
  if (E.isLeft(r)) throw new Error(r.left);
}

export function unwrap<A>(e: E.Either<string, A>): A {
  if (E.isLeft(e)) throw new Error(`expected a value, got the error: ${e.left}`);
  return e.right;
}

export function errorOf<A>(e: E.Either<string, A>): string {
  if (E.isRight(e)) throw new Error('expected an error, got a value');
  return e.left;
}
