/** The tests' tfjs backend: wasm with ganstream's kernels, as users without tfjs-node get. */
import * as E from 'fp-ts/lib/Either.js';
import { selectBackend } from '../../src/model/backend.ts';

export async function useWasm(): Promise<void> {
  const r = await selectBackend('wasm');
  if (E.isLeft(r)) throw new Error(r.left);
}
