/**
 * Choosing where the tensors live: tfjs-node (libtensorflow) when it is installed, else the
 * WebAssembly backend with ganstream's kernels and its matrix products by OpenBLAS (wasm-blas),
 * else the WebAssembly backend alone, else plain JavaScript.
 */

import { cpus } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import * as E from 'fp-ts/lib/Either.js';
import { type BlasInfo, installNativeMatMul, loadBlas } from './kernels/native-matmul.ts';
import { installKernels } from './kernels/wasm-kernels.ts';
import { initThreadedWasm } from './wasm-threads.ts';

export { BACKENDS, type BackendChoice } from './names.ts';

import type { BackendChoice } from './names.ts';

export interface BackendInfo {
  readonly name: string;
  readonly threads: number;
  /** Kernels that ganstream replaced with its own. */
  readonly kernels: readonly string[];
  /** The OpenBLAS doing the matrix products (wasm-blas), else null. */
  readonly blas?: BlasInfo | null;
}

async function tryTensorflow(): Promise<E.Either<string, BackendInfo>> {
  try {
    // Optional dependency: a computed specifier keeps the type checker from requiring it.
    const specifier = '@tensorflow/tfjs-node';
    await import(specifier);
    if (!(await tf.setBackend('tensorflow'))) return E.left('the tensorflow backend did not initialise');
    return E.right({ name: 'tensorflow', threads: 0, kernels: [], blas: null });
  } catch (e) {
    return E.left(`@tensorflow/tfjs-node is not installed or did not load (${(e as Error).message.split('\n')[0]})`);
  }
}

export { installKernels } from './kernels/wasm-kernels.ts';

export interface BackendOptions {
  /** Install ganstream's kernels (default true; the benchmark turns them off to time plain tfjs). */
  readonly kernels?: boolean;
  /** Threads for the wasm backend (default: every CPU; 1 for the single-threaded build; see wasm-blas). */
  readonly threads?: number;
}

async function tryWasm(o: BackendOptions): Promise<E.Either<string, BackendInfo>> {
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const threads = o.threads ?? cpus().length;
    // Both cores when the threaded build can be started (wasm-threads.ts), else one.
    const threaded = threads > 1 ? await initThreadedWasm(threads) : E.left('one thread asked for');
    if (E.isLeft(threaded)) {
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      if (!(await tf.setBackend('wasm'))) return E.left('the wasm backend did not initialise');
    }
    const kernels = o.kernels === false ? [] : installKernels('wasm');
    return E.right({ name: 'wasm', threads: wasm.getThreadsCount(), kernels, blas: null });
  } catch (e) {
    return E.left(`@tensorflow/tfjs-backend-wasm did not load (${(e as Error).message.split('\n')[0]})`);
  }
}

/**
 * The wasm backend with its matrix products and convolutions by OpenBLAS on every core:
 * single-threaded, since a second wasm thread only competes with OpenBLAS's (measured with the
 * bench at batch 64: mlp-gbn 52 ms/step with one wasm thread against 68 with two; dcgan 104
 * against 128, dcgan-64 467 against 741).
 */
async function tryWasmBlas(o: BackendOptions): Promise<E.Either<string, BackendInfo>> {
  const blas = loadBlas();
  if (E.isLeft(blas)) return blas;
  const wasm = await tryWasm({ ...o, threads: o.threads ?? 1 });
  if (E.isLeft(wasm)) return wasm;
  const native = o.kernels === false ? [] : installNativeMatMul('wasm');
  if (o.kernels !== false && native.length === 0)
    return E.left('the OpenBLAS kernels could not be installed on the wasm backend');
  return E.right({
    ...wasm.right,
    kernels: [...wasm.right.kernels, ...native.map((k) => `${k} (OpenBLAS)`)],
    blas: blas.right,
  });
}

async function useCpu(): Promise<E.Either<string, BackendInfo>> {
  await tf.setBackend('cpu');
  return E.right({ name: 'cpu', threads: 1, kernels: [], blas: null });
}

/** Sets the tfjs backend. `auto` tries tensorflow, then wasm, then cpu. */
export async function selectBackend(
  choice: BackendChoice,
  o: BackendOptions = {},
): Promise<E.Either<string, BackendInfo>> {
  const result = await (async () => {
    switch (choice) {
      case 'tensorflow':
        return tryTensorflow();
      case 'wasm-blas':
        return tryWasmBlas(o);
      case 'wasm':
        return tryWasm(o);
      case 'webgl':
        return E.left(
          'runs only in a browser tab (npm run site): under Node, expected auto, tensorflow, wasm-blas, wasm or cpu',
        );
      case 'cpu':
        return useCpu();
      case 'auto': {
        const tfn = await tryTensorflow();
        if (E.isRight(tfn)) return tfn;
        const blas = await tryWasmBlas(o);
        if (E.isRight(blas)) return blas;
        const wasm = await tryWasm(o);
        return E.isRight(wasm) ? wasm : useCpu();
      }
    }
  })();
  await tf.ready();
  return E.mapLeft((why: string) => `--backend ${choice}: ${why}`)(result);
}
