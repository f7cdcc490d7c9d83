/**
 * The scripts' engine: the one asked for (auto by default), with a note on stderr when it is not
 * the one asked for (tfjs-node that did not load, or auto's first choice that did not start). A
 * training run says the same in its start line instead (scripts/train.ts).
 */
import * as E from 'fp-ts/lib/Either.js';
import {
  type BackendChoice,
  type BackendInfo,
  selectBackend,
  TENSORFLOW_PASSED_OVER,
} from '../../src/model/backend.ts';
import { fail } from './exit.ts';

export async function startBackend(choice: BackendChoice): Promise<BackendInfo> {
  const backend = await selectBackend(choice);
  if (E.isLeft(backend)) fail(backend.left);
  const why = backend.right.why;
  if (why && why !== TENSORFLOW_PASSED_OVER) process.stderr.write(`note: backend: ${why}\n`);
  return backend.right;
}
