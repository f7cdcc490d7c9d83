/**
 * The memory behind a tensor, for kernels written in JavaScript: on the wasm backend a view of
 * the WebAssembly heap (BackendWasm.typedArrayFromHeap), on the cpu backend the values array.
 * New outputs are allocated by the backend (makeOutput / makeTensorInfo), so tfjs owns and frees
 * them like any other kernel's. Other backends are not supported: `null`.
 */
import * as tf from '@tensorflow/tfjs';

type KernelBackend = Parameters<tf.KernelFunc>[0]['backend'];

interface WasmLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}
interface CpuLike {
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: Float32Array): tf.TensorInfo;
  data: { get(id: object): { values: Float32Array } };
}

export interface FloatMemory {
  /** New float32 tensors of these shapes, allocated together, then views of `inputs` and of them (views last only until the next allocation). */
  allocate(shapes: readonly number[][], inputs: readonly tf.TensorInfo[]): { inputs: Float32Array[]; outputs: tf.TensorInfo[]; outputViews: Float32Array[] };
}

export function floatMemory(backendName: string, backend: KernelBackend): FloatMemory | null {
  if (backendName === 'wasm') {
    const b = backend as unknown as WasmLike;
    return {
      allocate(shapes, inputs) {
        const outputs = shapes.map((s) => b.makeOutput([...s], 'float32'));
        // Views taken after every allocation: an allocation may grow (and so replace) the heap.
        return { inputs: inputs.map((t) => b.typedArrayFromHeap(t)), outputs, outputViews: outputs.map((t) => b.typedArrayFromHeap(t)) };
      },
    };
  }
  if (backendName === 'cpu') {
    const b = backend as unknown as CpuLike;
    return {
      allocate(shapes, inputs) {
        const arrays = shapes.map((s) => new Float32Array(s.reduce((x, y) => x * y, 1)));
        return { inputs: inputs.map((t) => b.data.get(t.dataId).values), outputs: shapes.map((s, i) => b.makeTensorInfo([...s], 'float32', arrays[i])), outputViews: arrays };
      },
    };
  }
  return null;
}
