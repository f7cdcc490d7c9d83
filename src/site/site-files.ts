/**
 * Where things are in the static site (scripts/site.ts writes them, the page and the worker fetch
 * them), relative to the site's folder. Imports nothing from node:.
 */
import { MNIST, MNIST_NAME, MNIST_SMALL, MNIST_SMALL_NAME } from '../data/names.ts';

/** The page's script, the worker's, and the data folder. */
export const SITE_PAGE_SCRIPT = 'studio.js';
export const SITE_WORKER_SCRIPT = 'worker.js';
export const SITE_DATA_DIR = 'data';
/** Which datasets this build carries (written by the build; the page offers these alone). */
export const SITE_DATASETS_FILE = `${SITE_DATA_DIR}/datasets.json`;

/** A dataset as the site carries it: its gzipped IDX files, and the name a run records. */
export interface SiteDataset {
  /** What --dataset says. */
  readonly flag: string;
  /** The name a loaded one carries (as load.ts names it under Node). */
  readonly name: string;
  readonly images: string;
  readonly labels: string;
}

const files = (flag: string, name: string): SiteDataset => ({
  flag,
  name,
  images: `${SITE_DATA_DIR}/${flag}-images-idx3-ubyte.gz`,
  labels: `${SITE_DATA_DIR}/${flag}-labels-idx1-ubyte.gz`,
});

/** Every dataset a site can carry, by its --dataset name. */
export const SITE_DATASETS: Readonly<Record<string, SiteDataset>> = {
  [MNIST]: files(MNIST, MNIST_NAME),
  [MNIST_SMALL]: files(MNIST_SMALL, MNIST_SMALL_NAME),
  'fashion-mnist': files('fashion-mnist', 'fashion-mnist'),
};
