/**
 * Builds the static site: the studio's page and its explore page (the same pages, told that runs
 * train and are kept in the tab), their scripts and workers bundled by esbuild, and the datasets
 * as gzipped IDX files; the scripts, pages and wasm also precompressed (precompress.ts). Written
 * beside the target and renamed into place at the end (writeFolderAtomic), so a failed build
 * leaves nothing half-written.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as E from 'fp-ts/lib/Either.js';
import type { Dataset } from '../data/dataset.ts';
import { encodeIdx, isGzip } from '../data/idx.ts';
import { FASHION_MNIST_DIR, loadDataset, mnistDataDir } from '../data/load.ts';
import { MNIST } from '../data/names.ts';
import { networkPaths } from '../model/names.ts';
import { classifierDir } from '../quality/classifier.ts';
import { METRICS_FILE } from '../streams/checkpoint-run.ts';
import { decodeEvent } from '../streams/events.ts';
import { isRunFile, packRun, unpackRun } from '../streams/run-archive.ts';
import { writeFolderAtomic } from '../streams/sinks/atomic-write.ts';
import { bundleError, bundleForBrowser, EXPLORE_ENTRY, PAGE_ENTRY } from '../studio/bundle.ts';
import { siteExploreHtml } from '../studio/page/explore-html.ts';
import { sitePageHtml } from '../studio/page/html.ts';
import { checkRunName } from '../studio/requests.ts';
import { precompressed } from './precompress.ts';
import {
  JUDGE_OF_DATASET,
  SITE_DATASETS,
  SITE_EXAMPLE,
  SITE_EXPLORE_PAGE,
  SITE_EXPLORE_SCRIPT,
  SITE_EXPLORE_WORKER_SCRIPT,
  SITE_JUDGES,
  SITE_PAGE_SCRIPT,
  SITE_WORKER_SCRIPT,
} from './site-files.ts';

const entry = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export interface BuiltSite {
  readonly dir: string;
  readonly files: readonly { readonly path: string; readonly bytes: number }[];
  readonly datasets: readonly string[];
  /** Datasets left out, each with why. */
  readonly skipped: readonly string[];
  /** The example run's name (null: none). */
  readonly example: string | null;
}

const gz = (bytes: Uint8Array) => (isGzip(bytes) ? bytes : new Uint8Array(gzipSync(bytes, { level: 9 })));

/** `prefix`-images and -labels IDX files of a folder (gzipped or not), gzipped. */
function idxPair(dir: string, prefix: string): E.Either<string, [Uint8Array, Uint8Array]> {
  const find = (kind: string) =>
    [`${prefix}-${kind}`, `${prefix}-${kind}.gz`].map((f) => join(dir, f)).find((f) => existsSync(f));
  const images = find('images-idx3-ubyte');
  const labels = find('labels-idx1-ubyte');
  if (!images || !labels) return E.left(`no ${prefix}-images/labels IDX files in ${dir}`);
  return E.right([gz(new Uint8Array(readFileSync(images))), gz(new Uint8Array(readFileSync(labels)))]);
}

/** A dataset's two gzipped IDX files: from the files on disk where they are gzipped already, else encoded here. */
function datasetFiles(flag: string): E.Either<string, [Uint8Array, Uint8Array]> {
  if (flag === MNIST) {
    const dir = mnistDataDir();
    return E.isLeft(dir) ? dir : idxPair(dir.right, 'train');
  }
  if (flag === 'fashion-mnist')
    return existsSync(FASHION_MNIST_DIR)
      ? idxPair(FASHION_MNIST_DIR, 'train')
      : E.left(`${FASHION_MNIST_DIR} does not exist (Debian's dataset-fashion-mnist)`);
  const loaded: E.Either<string, Dataset> = loadDataset(flag);
  if (E.isLeft(loaded)) return loaded;
  const d = loaded.right;
  if (!d.labels) return E.left(`${flag} has no labels`);
  return E.right([gz(encodeIdx([d.count, d.rows, d.cols], d.bytes)), gz(encodeIdx([d.count], d.labels))]);
}

/** Where the held-out real images (t10k) of the classifier sets that carry them are on this machine. */
const HELD_OUT_DIR: Partial<Record<keyof typeof SITE_JUDGES, () => E.Either<string, string>>> = {
  mnist: mnistDataDir,
  fashion: () => E.right(FASHION_MNIST_DIR),
};

/** A classifier set's held-out real images (t10k), gzipped. */
function heldOutFiles(set: keyof typeof SITE_JUDGES): E.Either<string, [Uint8Array, Uint8Array]> {
  const dir = HELD_OUT_DIR[set]?.() ?? E.left(`the ${set} classifier has no held-out files on this machine`);
  return E.isLeft(dir) ? dir : idxPair(dir.right, 't10k');
}

/** The files of a run folder (or of a run archive) as an archive's, with the run's name and the dataset it trained on. */
function exampleRun(path: string): E.Either<string, { name: string; dataset: string; archive: Uint8Array }> {
  if (!existsSync(path)) return E.left(`--example ${path}: no such run folder or archive`);
  let files: Record<string, Uint8Array> = {};
  if (statSync(path).isDirectory()) {
    for (const name of readdirSync(path, { recursive: true }) as string[]) {
      const file = name.split(sep).join('/');
      if (isRunFile(file)) files[file] = new Uint8Array(readFileSync(join(path, name)));
    }
  } else {
    const unpacked = unpackRun(new Uint8Array(readFileSync(path)), path);
    if (E.isLeft(unpacked)) return E.left(`--example ${unpacked.left}`);
    files = unpacked.right;
  }
  const generator = networkPaths('generator').json;
  if (!files[METRICS_FILE] || !files[generator])
    return E.left(
      `--example ${path}: expected a run that has ended, with ${METRICS_FILE} and ${generator} (a run folder or its .zip)`,
    );
  // Its first line, by the record's own codec.
  const first = decodeEvent(new TextDecoder().decode(files[METRICS_FILE]).split('\n')[0]);
  if (E.isLeft(first) || first.right.type !== 'run-started')
    return E.left(`--example ${path}: ${METRICS_FILE} does not begin with a run-started event`);
  const dataset = first.right.config.dataset;
  const name = basename(path).replace(/\.zip$/i, '');
  const named = checkRunName(name);
  if (E.isLeft(named)) return E.left(`--example ${path}: ${named.left.message}`);
  return E.right({ name, dataset, archive: packRun(files) });
}

/**
 * Builds the site into `out` (which must not exist, or be empty, unless `force`). `datasets`: the
 * --dataset names to carry (default: every one this machine has); `example`: a trained run (a
 * folder or its archive) for the site to carry and open where a tab keeps no run yet.
 */
export async function buildSite(
  out: string,
  o: { readonly datasets?: readonly string[]; readonly force?: boolean; readonly example?: string } = {},
): Promise<E.Either<string, BuiltSite>> {
  const wanted = o.datasets ?? Object.keys(SITE_DATASETS);
  const unknown = wanted.find((d) => !SITE_DATASETS[d]);
  if (unknown) return E.left(`--datasets: '${unknown}': expected some of ${Object.keys(SITE_DATASETS).join(', ')}`);
  if (existsSync(out) && readdirSync(out).length > 0 && !o.force)
    return E.left(`--out ${out}: the folder is not empty (use --force to replace it)`);
  const example = o.example === undefined ? null : exampleRun(o.example);
  if (example && E.isLeft(example)) return example;
  try {
    // Gathered here, then written beside `out` and renamed into place.
    const site: Record<string, string | Uint8Array> = {};
    const write = (path: string, content: string | Uint8Array) => {
      site[path] = content;
    };
    const carried: string[] = [];
    const skipped: string[] = [];
    for (const flag of wanted) {
      const files = datasetFiles(flag);
      if (E.isLeft(files)) {
        if (o.datasets) throw new Error(`--datasets: ${flag}: ${files.left}`);
        skipped.push(`${flag}: ${files.left}`);
        continue;
      }
      write(SITE_DATASETS[flag].images, files.right[0]);
      write(SITE_DATASETS[flag].labels, files.right[1]);
      // The classifier that judges it, and its held-out real images: the quality checks in the tab.
      const set = JUDGE_OF_DATASET[flag];
      const judge = SITE_JUDGES[set];
      for (const [name, path] of [
        ['model.json', judge.classifier.model],
        ['weights.bin', judge.classifier.weights],
        ['about.json', judge.classifier.about],
      ])
        write(path, new Uint8Array(readFileSync(join(classifierDir(set), name))));
      if (judge.heldOut) {
        const held = heldOutFiles(set);
        if (E.isLeft(held)) throw new Error(`${flag}'s judge: ${held.left}`);
        write(judge.heldOut.images, held.right[0]);
        write(judge.heldOut.labels, held.right[1]);
      }
      carried.push(flag);
    }
    if (carried.length === 0) throw new Error(`no dataset to carry (${skipped.join('; ')})`);
    const exampleName = example && E.isRight(example) ? example.right.name : null;
    if (example && E.isRight(example)) {
      // Its explore views need the images it trained on: the site must carry them.
      if (!carried.includes(example.right.dataset))
        throw new Error(
          `--example ${o.example}: it trained on --dataset ${example.right.dataset}, which this site does not carry (${carried.join(', ')})`,
        );
      write(SITE_EXAMPLE, example.right.archive);
    }
    const [page, worker, explore, exploreWorker] = await Promise.all([
      bundleForBrowser(PAGE_ENTRY, { minify: true, legalComments: 'none' }),
      bundleForBrowser(entry('./worker.ts'), { minify: true, format: 'iife', legalComments: 'none' }),
      bundleForBrowser(EXPLORE_ENTRY, { minify: true, legalComments: 'none' }),
      bundleForBrowser(entry('./explore-worker.ts'), { minify: true, format: 'iife', legalComments: 'none' }),
    ]);
    // tfjs-backend-wasm's builds (plain, SIMD, threaded SIMD), beside the worker that loads them.
    const wasmDir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
    for (const f of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm')))
      write(f, new Uint8Array(readFileSync(join(wasmDir, f))));
    write('index.html', sitePageHtml(carried, exampleName));
    write(SITE_PAGE_SCRIPT, page);
    write(SITE_WORKER_SCRIPT, worker);
    write(SITE_EXPLORE_PAGE, siteExploreHtml());
    write(SITE_EXPLORE_SCRIPT, explore);
    write(SITE_EXPLORE_WORKER_SCRIPT, exploreWorker);
    Object.assign(site, precompressed(site));
    mkdirSync(dirname(out), { recursive: true });
    writeFolderAtomic(out, site);
    const files = Object.entries(site).map(([path, content]) => ({
      path,
      bytes: typeof content === 'string' ? Buffer.byteLength(content) : content.length,
    }));
    return E.right({ dir: out, files, datasets: carried, skipped, example: exampleName });
  } catch (e) {
    return E.left(
      (e as { errors?: unknown }).errors ? `the site did not bundle: ${bundleError(e)}` : (e as Error).message,
    );
  }
}
