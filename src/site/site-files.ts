/**
 * Where things are in the static site (scripts/site.ts writes them, the page and the worker fetch
 * them), relative to the site's folder. Imports nothing from node:.
 */
import { MNIST, MNIST_NAME, MNIST_SMALL, MNIST_SMALL_NAME } from '../data/names.ts';

/** The page's script, the worker's, and the data folder. */
export const SITE_PAGE_SCRIPT = 'studio.js';
export const SITE_WORKER_SCRIPT = 'worker.js';
/** The explore page (the studio's explore page, told that runs are kept in the tab), its script and its worker's. */
export const SITE_EXPLORE_PAGE = 'explore.html';
export const SITE_EXPLORE_SCRIPT = 'explore.js';
export const SITE_EXPLORE_WORKER_SCRIPT = 'explore-worker.js';
/** A trained run the build was given (--example), as a Download's archive: opened in a tab that keeps no run yet. */
export const SITE_EXAMPLE = 'example.zip';
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

/** Where a classifier set's files are in the site: its saved model, and its held-out real images (none: split from mnist-small). */
export interface SiteJudge {
  readonly classifier: { readonly model: string; readonly weights: string; readonly about: string };
  readonly heldOut: { readonly images: string; readonly labels: string; readonly name: string } | null;
}

const judgeFiles = (set: string, heldOut: SiteJudge['heldOut']): SiteJudge => ({
  classifier: {
    model: `classifiers/${set}/model.json`,
    weights: `classifiers/${set}/weights.bin`,
    about: `classifiers/${set}/about.json`,
  },
  heldOut,
});

/** The judges by classifier set (quality/sets.ts's ClassifierSet). */
export const SITE_JUDGES = {
  mnist: judgeFiles('mnist', {
    images: `${SITE_DATA_DIR}/mnist-t10k-images-idx3-ubyte.gz`,
    labels: `${SITE_DATA_DIR}/mnist-t10k-labels-idx1-ubyte.gz`,
    name: 'mnist t10k (10,000 test digits)',
  }),
  digits: judgeFiles('digits', null),
  fashion: judgeFiles('fashion', {
    images: `${SITE_DATA_DIR}/fashion-mnist-t10k-images-idx3-ubyte.gz`,
    labels: `${SITE_DATA_DIR}/fashion-mnist-t10k-labels-idx1-ubyte.gz`,
    name: 'fashion-mnist t10k',
  }),
} as const satisfies Record<string, SiteJudge>;

/** The classifier set that judges each dataset the site carries. */
export const JUDGE_OF_DATASET: Readonly<Record<string, keyof typeof SITE_JUDGES>> = {
  [MNIST]: 'mnist',
  [MNIST_SMALL]: 'digits',
  'fashion-mnist': 'fashion',
};
