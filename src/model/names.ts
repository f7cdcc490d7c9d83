/**
 * The names of the losses and the backends, and the number of classes, without their code: the record's schema
 * (streams/config.ts) and the page read them without loading TensorFlow.js.
 */
export const LOSSES = ['bce', 'lsgan'] as const;
export type LossName = (typeof LOSSES)[number];

/** Every engine a run can ask for: webgl only in a browser (the site), tensorflow and wasm-blas only under Node. */
export const BACKENDS = ['auto', 'tensorflow', 'wasm-blas', 'wasm', 'webgl', 'cpu'] as const;
export type BackendChoice = (typeof BACKENDS)[number];
/** The engines of a browser tab, in the order auto tries them (site/browser-backend.ts). */
export const BROWSER_BACKENDS = ['webgl', 'wasm', 'cpu'] as const;

/** Classes a conditional GAN knows (MNIST's ten digits, Fashion-MNIST's ten items). */
export const CLASSES = 10;

/** Adam's defaults that no flag sets (beta2 has --beta2). */
export const ADAM_BETA2 = 0.999;
export const ADAM_EPSILON = 1e-8;

/** The weights file beside a saved network's model.json (the stock tfjs layers format). */
export const WEIGHTS_FILE = 'weights.bin';

/** Where a run folder (or its archive) holds a saved network's two files. */
export const networkPaths = (role: 'generator' | 'discriminator') =>
  ({ json: `${role}/model.json`, weights: `${role}/${WEIGHTS_FILE}` }) as const;
