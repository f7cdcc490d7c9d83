/**
 * tfjs-backend-wasm has no Conv2DBackpropFilter (the gradient of a 2D convolution's filters), so
 * a convolutional model cannot train on it. It has Conv3DBackpropFilterV2: a 2D convolution is a
 * 3D one with depth 1. This kernel reshapes x [b, h, w, c] to [b, 1, h, w, c] and dy likewise,
 * asks for the 3D filter gradient [1, kh, kw, c, co] and reshapes it back (strides and dilations
 * of 1 only: with larger strides the 3D kernel's results are wrong). Installed through
 * tfjs's public kernel registry; results equal the cpu backend's (tests/kernels.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { type KernelBackend, withIntermediates } from './intermediates.ts';
import { addKernel } from './registry.ts';

interface Attrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number;
  dataFormat?: string;
  dilations?: number | [number, number];
  filterShape: [number, number, number, number];
}

/** Adds Conv2DBackpropFilter where the backend lacks it; the names added now. Idempotent. */
export function installConv2dFilterGrad(backendName: string): string[] {
  const conv3d = tf.getKernel('Conv3DBackpropFilterV2', backendName)?.kernelFunc;
  const reshape = tf.getKernel('Reshape', backendName)?.kernelFunc;
  if (!conv3d || !reshape) return [];
  const added = addKernel('conv2d-filter-grad', backendName, 'Conv2DBackpropFilter', () => (args) => {
    const { x, dy } = args.inputs as Record<string, tf.TensorInfo>;
    const a = args.attrs as unknown as Attrs;
    if ((a.dataFormat ?? 'NHWC') !== 'NHWC')
      throw new Error(`Conv2DBackpropFilter on ${backendName}: dataFormat ${a.dataFormat}, expected NHWC`);
    if (typeof a.pad === 'number')
      throw new Error(`Conv2DBackpropFilter on ${backendName}: explicit padding ${a.pad}, expected 'valid' or 'same'`);
    const backend = args.backend as KernelBackend;
    const [sh, sw] = typeof a.strides === 'number' ? [a.strides, a.strides] : a.strides;
    // The 3D kernel's results with strides above 1 differ from the cpu backend's: refuse rather than be wrong.
    if (sh !== 1 || sw !== 1)
      throw new Error(
        `Conv2DBackpropFilter on ${backendName}: strides ${sh}x${sw}, expected 1x1 (use pooling layers, or the cpu backend)`,
      );
    const dil = typeof a.dilations === 'number' ? [a.dilations, a.dilations] : (a.dilations ?? [1, 1]);
    if (dil[0] !== 1 || dil[1] !== 1)
      throw new Error(`Conv2DBackpropFilter on ${backendName}: dilations ${dil.join('x')}, expected 1x1`);
    return withIntermediates(backend, (temp) => {
      const as5 = (t: tf.TensorInfo) =>
        temp(reshape({ inputs: { x: t }, backend, attrs: { shape: [t.shape[0], 1, ...t.shape.slice(1)] } }));
      const g = temp(
        conv3d({
          inputs: { x: as5(x), dy: as5(dy) },
          backend,
          attrs: { strides: [1, sh, sw], pad: a.pad, filterShape: [1, ...a.filterShape] },
        }),
      );
      return reshape({ inputs: { x: g }, backend, attrs: { shape: a.filterShape } });
    });
  });
  return added ? ['Conv2DBackpropFilter'] : [];
}
