/**
 * The names of the losses and the backends, without their code: the record's schema
 * (streams/config.ts) and the page read them without loading TensorFlow.js.
 */
export const LOSSES = ['bce', 'lsgan'] as const;
export type LossName = (typeof LOSSES)[number];

export const BACKENDS = ['auto', 'tensorflow', 'wasm-blas', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKENDS)[number];
