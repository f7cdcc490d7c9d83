/**
 * Choosing where the tensors live. `auto` takes the engine measured fastest for ganstream's
 * networks on the CPUs we have: the WebAssembly backend with ganstream's kernels and its matrix
 * products by OpenBLAS (wasm-blas), then tfjs-node (TensorFlow's C library, `tensorflow`), then the
 * WebAssembly backend alone, then plain JavaScript. On a 2-core x86 machine tensorflow took 2.1x
 * wasm-blas's time for a D and a G step of mlp-gbn at batch 64 and 1.1x for dcgan-64 (medians of
 * interleaved rounds, `npm run bench:engines`; README, Performance). A libtensorflow that does not load (missing, of another
 * version, a binding that fails) never stops a run: the next engine trains and `why` says so.
 */

import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import util from 'node:util';
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
  /** Why this engine and not the one asked for or tried first (printed in the run's start line), else null. */
  readonly why?: string | null;
}

const TFJS_NODE = '@tensorflow/tfjs-node';

/** Whether tfjs-node is in node_modules at all (it is optional: its install needs a download). */
export function tfjsNodeInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve(TFJS_NODE);
    return true;
  } catch {
    return false;
  }
}

/**
 * tfjs-node 4.22's kernels call util.isNullOrUndefined, which Node 23 removed and Deno's node:util
 * never had: without it every tensorflow operation throws. Put back where missing (x == null, as
 * Node defined it), before tfjs-node loads.
 */
function restoreRemovedUtil(): void {
  const u = util as unknown as { isNullOrUndefined?: (x: unknown) => boolean };
  u.isNullOrUndefined ??= (x: unknown) => x === null || x === undefined;
}

/** The first line of a load error that says what failed, e.g. "libtensorflow_cc.so.2: file too short". */
const loadError = (e: unknown) => {
  const first = String((e as Error)?.message ?? e).split('\n')[0]!;
  return first.replace(/^.*?(lib[\w.-]+\.so[\w.]*:)/, '$1').replace(/ \(required by [^)]*\)/, '');
};

async function tryTensorflow(): Promise<E.Either<string, BackendInfo>> {
  if (!tfjsNodeInstalled())
    return E.left(`${TFJS_NODE} is not installed (offline machines: npm run build:tfjs-node; README, Performance)`);
  try {
    // TensorFlow's own warnings, unless the user asked for them (its start-up notes print regardless).
    process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
    restoreRemovedUtil();
    // Optional dependency: a computed specifier keeps the type checker from requiring it.
    const specifier = TFJS_NODE;
    await import(specifier);
    if (!(await tf.setBackend('tensorflow'))) return E.left(`${TFJS_NODE} loaded but its backend did not start`);
  } catch (e) {
    return E.left(`${TFJS_NODE} did not load (${loadError(e)})`);
  }
  // A binding can load and still fail at its first operation (a runtime without what it calls).
  try {
    const sum = tf.tidy(() => tf.reshape(tf.add(tf.tensor1d([1, 2]), tf.scalar(1)), [2, 1]).dataSync());
    if (sum[0] !== 2 || sum[1] !== 3) return E.left(`${TFJS_NODE} computed 1 + [1, 2] as [${Array.from(sum)}]`);
    return E.right({ name: 'tensorflow', threads: 0, kernels: [], blas: null });
  } catch (e) {
    return E.left(`${TFJS_NODE} loaded but its first operation failed (${loadError(e)})`);
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

type Engine = 'tensorflow' | 'wasm-blas' | 'wasm' | 'cpu';
/** The engine's name as --backend spells it (wasm-blas is the wasm backend with OpenBLAS doing its products). */
export const engineOf = (b: BackendInfo): string => (b.name === 'wasm' && b.blas ? 'wasm-blas' : b.name);
/** The order `auto` tries the engines in: fastest first, as measured (see the top of this file). */
export const AUTO_ORDER: readonly Engine[] = ['wasm-blas', 'tensorflow', 'wasm', 'cpu'];

const start = (engine: Engine, o: BackendOptions) =>
  ({ tensorflow: tryTensorflow, 'wasm-blas': () => tryWasmBlas(o), wasm: () => tryWasm(o), cpu: useCpu })[engine]();

/** Tries the engines in turn; the first that starts trains, and `why` names those before it that did not. */
async function firstThatStarts(engines: readonly Engine[], o: BackendOptions): Promise<E.Either<string, BackendInfo>> {
  const failures: string[] = [];
  for (const engine of engines) {
    const r = await start(engine, o);
    if (E.isRight(r)) return E.right({ ...r.right, why: failures.length ? failures.join('; ') : null });
    failures.push(`${engine}: ${r.left}`);
  }
  return E.left(failures.join('; '));
}

/**
 * Sets the tfjs backend. `auto` tries the engines in AUTO_ORDER. `tensorflow` that does not load
 * falls back to auto's order, with why; the other names fail with the reason.
 */
export async function selectBackend(
  choice: BackendChoice,
  o: BackendOptions = {},
): Promise<E.Either<string, BackendInfo>> {
  const result = await (async (): Promise<E.Either<string, BackendInfo>> => {
    switch (choice) {
      case 'tensorflow': {
        const tfn = await tryTensorflow();
        if (E.isRight(tfn)) return tfn;
        const rest = AUTO_ORDER.filter((e) => e !== 'tensorflow');
        const used = await firstThatStarts(rest, o);
        return E.map((b: BackendInfo) => ({
          ...b,
          why: `--backend tensorflow: ${tfn.left}; using ${engineOf(b)} instead`,
        }))(used);
      }
      case 'wasm-blas':
      case 'wasm':
      case 'cpu':
        return start(choice, o);
      case 'webgl':
        return E.left(
          'runs only in a browser tab (npm run site): under Node, expected auto, tensorflow, wasm-blas, wasm or cpu',
        );
      case 'auto': {
        const chosen = await firstThatStarts(AUTO_ORDER, o);
        // Installed but passed over: say so, since a user who installed tfjs-node expects it.
        if (E.isRight(chosen) && chosen.right.blas && tfjsNodeInstalled())
          return E.right({ ...chosen.right, why: TENSORFLOW_PASSED_OVER });
        return chosen;
      }
    }
  })();
  await tf.ready();
  return E.mapLeft((why: string) => `--backend ${choice}: ${why}`)(result);
}

/** What auto says when tfjs-node is installed and wasm-blas trains instead (the numbers: README, Performance). */
export const TENSORFLOW_PASSED_OVER =
  'auto chose wasm-blas over tensorflow (tfjs-node): measured faster for these networks on 2-core CPUs (README, Performance); --backend tensorflow to use it';
