/**
 * The backend a browser tab (or its worker) trains on: WebGL where the browser offers it, else
 * the cpu backend. --backend auto asks in that order; cpu is cpu; the Node engines (tensorflow,
 * wasm-blas) are refused with a one-line reason. Imports nothing from node:.
 */
import * as tf from '@tensorflow/tfjs';
import * as E from 'fp-ts/lib/Either.js';
import type { BackendInfo } from '../model/backend.ts';
import type { BackendChoice } from '../model/names.ts';

/** The browser's engines, in the order auto tries them. */
export const BROWSER_BACKENDS = ['webgl', 'cpu'] as const;

async function tryBackend(name: string): Promise<boolean> {
  try {
    return (await tf.setBackend(name)) && tf.getBackend() === name;
  } catch {
    return false;
  }
}

export async function chooseBrowserBackend(choice: BackendChoice): Promise<E.Either<string, BackendInfo>> {
  if (choice !== 'auto' && choice !== 'cpu')
    return E.left(
      `--backend ${choice} runs only under Node: in a browser, expected auto (${BROWSER_BACKENDS.join(', then ')}) or cpu`,
    );
  const order = choice === 'cpu' ? ['cpu'] : BROWSER_BACKENDS;
  for (const name of order) {
    if (await tryBackend(name)) return E.right({ name, threads: 1, kernels: [], blas: null });
  }
  return E.left(`no TensorFlow.js backend started here (tried ${order.join(', ')})`);
}
