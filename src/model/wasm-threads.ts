/**
 * Both cores for tfjs-backend-wasm in Node. Three things keep its threaded build (tfjs 4.22) on one
 * thread there:
 * 1. tfjs reports no multithreading support under Node (WASM_HAS_MULTITHREAD_SUPPORT is false
 *    when IS_NODE), so it loads the single-threaded build;
 * 2. Emscripten starts its pthread workers from blob: URLs, which Node's Worker refuses, and the
 *    main-script blob is the factory's source text, which names the bundle's module-level
 *    variables (require$$0 .. require$$4, commonjsGlobal);
 * 3. the C++ side caps the thread count at emscripten_num_logical_cores() / 2, assuming two
 *    hyperthreads per core, and in Node that count is os.cpus().length: 2 / 2 = 1 here.
 * While the backend initialises, this adapter sets the flag, writes the two blobs to temporary
 * files (defining the bundle's names ahead of the main script), and lets os.cpus() report twice
 * the logical CPUs. Then it puts everything back, and unrefs the worker pool so that a finished
 * script can exit.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as E from 'fp-ts/lib/Either.js';

/** The bundle's module-level names that the factory's source uses, as the node bundle defines them. */
const BUNDLE_NAMES: Readonly<Record<string, string>> = {
  require$$0: "require('fs')",
  require$$1: "require('path')",
  require$$3: "require('perf_hooks')",
  require$$4: "require('os')",
  commonjsGlobal: 'globalThis',
};

/** The source prepended to the main script: the bundle names it uses, or an error naming one we do not know. */
export function mainScriptPrelude(source: string): E.Either<string, string> {
  const used = [...new Set(source.match(/\brequire\$\$\d+\b|\bcommonjsGlobal\b/g) ?? [])];
  const unknown = used.filter((n) => !(n in BUNDLE_NAMES));
  if (unknown.length)
    return E.left(`the wasm main script uses ${unknown.join(', ')}, which this adapter does not define`);
  return E.right(`${used.map((n) => `var ${n} = ${BUNDLE_NAMES[n]};`).join('\n')}\n`);
}

class FileBlob {
  readonly text: string;
  constructor(parts: unknown[]) {
    this.text = parts.map(String).join('');
  }
}

interface EmscriptenWorker {
  unref(): void;
}
interface PThreads {
  unusedWorkers: EmscriptenWorker[];
  runningWorkers: EmscriptenWorker[];
}

/** Folders of worker scripts, removed when the process exits (one listener, however many initialisations). */
const scriptFolders: string[] = [];
function removeAtExit(dir: string): void {
  if (scriptFolders.length === 0)
    process.once('exit', () => {
      for (const d of scriptFolders) rmSync(d, { recursive: true, force: true });
    });
  scriptFolders.push(dir);
}

/** Initialises the threaded wasm backend with `threads` threads; the number it really runs, or why not. */
export async function initThreadedWasm(threads: number): Promise<E.Either<string, number>> {
  if (typeof (globalThis as { Deno?: unknown }).Deno !== 'undefined') return E.left('not set up under Deno');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const dir = mkdtempSync(join(tmpdir(), 'ganstream-wasm-'));
  removeAtExit(dir);
  let files = 0;
  const writeScript = (text: string) => {
    const path = join(dir, `script-${files++}.cjs`);
    writeFileSync(path, text);
    return path;
  };
  const saved = { Blob: globalThis.Blob, createObjectURL: URL.createObjectURL, cpus: os.cpus };
  let problem: string | null = null;
  (globalThis as { Blob: unknown }).Blob = FileBlob;
  URL.createObjectURL = ((b: unknown) =>
    b instanceof FileBlob ? writeScript(b.text) : saved.createObjectURL(b as Blob)) as typeof URL.createObjectURL;
  Object.defineProperty(Object.prototype, 'mainScriptUrlOrBlob', {
    configurable: true,
    set(value: unknown) {
      let script = value;
      if (value instanceof FileBlob) {
        const prelude = mainScriptPrelude(value.text);
        if (E.isLeft(prelude)) problem = prelude.left;
        script = writeScript((E.isRight(prelude) ? prelude.right : '') + value.text);
      }
      Object.defineProperty(this, 'mainScriptUrlOrBlob', {
        value: script,
        writable: true,
        configurable: true,
        enumerable: true,
      });
    },
  });
  (os as { cpus: typeof os.cpus }).cpus = () => {
    const cpus = saved.cpus();
    return [...cpus, ...cpus];
  };
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(threads);
  let ok = false;
  try {
    ok = problem === null && (await tf.setBackend('wasm'));
  } catch (e) {
    problem = (e as Error).message;
  } finally {
    delete (Object.prototype as { mainScriptUrlOrBlob?: unknown }).mainScriptUrlOrBlob;
    (globalThis as { Blob: unknown }).Blob = saved.Blob;
    URL.createObjectURL = saved.createObjectURL;
    (os as { cpus: typeof os.cpus }).cpus = saved.cpus;
  }
  if (!ok) return E.left(problem ?? 'the threaded wasm backend did not initialise');
  const pthreads = (tf.backend() as unknown as { wasm: { PThread?: PThreads } }).wasm.PThread;
  for (const w of [...(pthreads?.unusedWorkers ?? []), ...(pthreads?.runningWorkers ?? [])]) w.unref();
  return E.right(wasm.getThreadsCount());
}
