/**
 * How ganstream's kernels go in front of a backend's own, through tfjs's public kernel registry:
 * a kernel either replaces the one registered (and keeps it, to fall back to and to restore) or
 * adds one the backend lacks. Each is done once per owner (the kernel file doing it), here, so
 * that every kernel file can be installed any number of times: the guard every install shares.
 * Two owners may replace the same kernel, each wrapping the one before (OpenBLAS's products
 * wrap the untransposing ones).
 */
import * as tf from '@tensorflow/tfjs';

/** The kernels replaced so far, by `owner/backend/kernel`: the ones they replaced, as they were. */
const replaced = new Map<string, tf.KernelConfig>();
/** The kernels added so far, by `owner/backend/kernel`. */
const added = new Set<string>();
const keyOf = (owner: string, backendName: string, kernelName: string) => `${owner}/${backendName}/${kernelName}`;

/**
 * Puts a kernel in front of the backend's `kernelName`: `make` gets the kernel it replaces (to
 * fall back to) and returns the new one, or null where it cannot run here. True when replaced
 * now; false when it was already, when the backend has no such kernel, or when `make` declined.
 */
export function replaceKernel(
  owner: string,
  backendName: string,
  kernelName: string,
  make: (previous: tf.KernelFunc) => tf.KernelFunc | null,
): boolean {
  const key = keyOf(owner, backendName, kernelName);
  const previous = tf.getKernel(kernelName, backendName);
  if (replaced.has(key) || !previous) return false;
  const kernelFunc = make(previous.kernelFunc);
  if (!kernelFunc) return false;
  tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({ ...previous, kernelFunc });
  replaced.set(key, previous);
  return true;
}

/**
 * Registers a kernel the backend lacks: `make` returns it, or null where it cannot run here. True
 * when added now; false when the backend already has one (ours or its own) or `make` declined.
 */
export function addKernel(
  owner: string,
  backendName: string,
  kernelName: string,
  make: () => tf.KernelFunc | null,
): boolean {
  if (tf.getKernel(kernelName, backendName)) return false;
  const kernelFunc = make();
  if (!kernelFunc) return false;
  tf.registerKernel({ kernelName, backendName, kernelFunc });
  added.add(keyOf(owner, backendName, kernelName));
  return true;
}

/**
 * Undoes what `owner` did to `kernelNames` on the backend: the kernels it replaced restored, those
 * it added removed (the last owner to replace a kernel is undone first).
 */
export function restoreKernels(owner: string, backendName: string, kernelNames: readonly string[]): void {
  for (const kernelName of kernelNames) {
    const key = keyOf(owner, backendName, kernelName);
    const previous = replaced.get(key);
    if (previous) {
      tf.unregisterKernel(kernelName, backendName);
      tf.registerKernel(previous);
      replaced.delete(key);
    } else if (added.delete(key)) tf.unregisterKernel(kernelName, backendName);
  }
}

/**
 * A value made at most once, on first use (a kernel file's SIMD functions: instantiated only when
 * one of its kernels is installed).
 */
export function onFirstUse<T>(make: () => T): () => T {
  let made: { value: T } | null = null;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}
