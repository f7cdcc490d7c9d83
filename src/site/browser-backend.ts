/**
 * The backend a browser tab (or its worker) trains on. --backend auto takes WebGL where the
 * browser runs it on a GPU, else WebAssembly (SIMD, with ganstream's wasm kernels; threads only
 * where the page is cross-origin isolated), else the cpu backend; webgl, wasm and cpu ask for one
 * by name. A WebGL drawn by a software renderer (SwiftShader, llvmpipe: no GPU reached the
 * browser) is slower than wasm on the same cores, so auto passes over it and says so. The Node
 * engines (tensorflow, wasm-blas) are refused with a one-line reason. Imports nothing from node:.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as E from 'fp-ts/lib/Either.js';
import type { BackendInfo } from '../model/backend.ts';
import { installKernels } from '../model/kernels/wasm-kernels.ts';
import { type BackendChoice, BROWSER_BACKENDS } from '../model/names.ts';

/** What auto chose, and why it passed over the engines before it. */
export interface BrowserBackendInfo extends BackendInfo {
  readonly why: string | null;
}

async function tryBackend(name: string): Promise<boolean> {
  try {
    return (await tf.setBackend(name)) && tf.getBackend() === name;
  } catch {
    return false;
  }
}

/** The WebGL renderer's name when it is a software one (no GPU), else null. */
export function softwareRenderer(): string | null {
  try {
    const gl = (tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } }).gpgpu?.gl;
    if (!gl) return null;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    return /swiftshader|llvmpipe|software/i.test(renderer) ? renderer : null;
  } catch {
    return null;
  }
}

/**
 * Starts a backend. `wasmFiles`: the URL of the folder holding tfjs-backend-wasm's .wasm files
 * (the site carries them beside the worker).
 */
export async function chooseBrowserBackend(
  choice: BackendChoice,
  wasmFiles: string,
): Promise<E.Either<string, BrowserBackendInfo>> {
  if (choice === 'tensorflow' || choice === 'wasm-blas')
    return E.left(
      `--backend ${choice} runs only under Node: in a browser, expected auto (${BROWSER_BACKENDS.join(', then ')}) or one of them`,
    );
  setWasmPaths(wasmFiles);
  const passed: string[] = [];
  const order: readonly string[] = choice === 'auto' ? BROWSER_BACKENDS : [choice];
  for (const name of order) {
    if (!(await tryBackend(name))) {
      passed.push(`${name} did not start`);
      continue;
    }
    if (choice === 'auto' && name === 'webgl') {
      const software = softwareRenderer();
      if (software) {
        passed.push(
          `webgl runs on ${software.match(/swiftshader|llvmpipe/i)?.[0] ?? software}, a software renderer, slower than wasm`,
        );
        continue;
      }
    }
    const kernels = name === 'wasm' ? installKernels('wasm') : [];
    return E.right({ name, threads: 1, kernels, blas: null, why: passed.length > 0 ? passed.join('; ') : null });
  }
  return E.left(`no TensorFlow.js backend started here (tried ${order.join(', ')})`);
}
