/**
 * The tests' tfjs backend: wasm with ganstream's kernels, as users without tfjs-node get, unless
 * GANSTREAM_TEST_BACKEND names another (`npm run test:tensorflow` runs the model suite on tfjs-node).
 * An engine that does not start fails the test file rather than falling back.
 */
import * as E from 'fp-ts/lib/Either.js';
import { BACKENDS, type BackendChoice, selectBackend } from '../../src/model/backend.ts';

export const TEST_BACKEND = (process.env.GANSTREAM_TEST_BACKEND ?? 'wasm') as BackendChoice;
if (!BACKENDS.includes(TEST_BACKEND))
  throw new Error(`GANSTREAM_TEST_BACKEND: expected one of ${BACKENDS.join(', ')}, got '${TEST_BACKEND}'`);

export async function useTestBackend(): Promise<void> {
  const r = await selectBackend(TEST_BACKEND);
  if (E.isLeft(r)) throw new Error(r.left);
  if (r.right.why) throw new Error(`${TEST_BACKEND} did not start: ${r.right.why}`);
}
