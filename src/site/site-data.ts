/**
 * The site's files as a worker reads them: fetched beside its script, decoded by the same
 * functions as under Node (datasets from IDX bytes, the classifier from its saved files). The
 * training worker and the explore worker share these. Imports nothing from node:.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { Dataset } from '../data/dataset.ts';
import { datasetFromBytes } from '../data/from-bytes.ts';
import { type Classifier, classifierFromFiles } from '../quality/classify.ts';
import { type ClassifierSet, splitDigits } from '../quality/sets.ts';
import { JUDGE_OF_DATASET, SITE_DATASETS, SITE_JUDGES, type SiteDataset } from './site-files.ts';

/** A file of the site, fetched beside this worker's script. */
export async function siteFile(path: string): Promise<E.Either<string, { name: string; bytes: Uint8Array }>> {
  const url = new URL(path, self.location.href);
  try {
    const response = await fetch(url);
    if (!response.ok) return E.left(`${path} answered ${response.status}`);
    return E.right({ name: path, bytes: new Uint8Array(await response.arrayBuffer()) });
  } catch (e) {
    return E.left(`${path} could not be fetched (${(e as Error).message})`);
  }
}

/** The dataset a run's --dataset names, from the site's data folder (`own`: a resumed run of the student's own images). */
export async function siteDataset(flag: string, own = false): Promise<E.Either<string, Dataset>> {
  const known: SiteDataset | undefined = SITE_DATASETS[flag];
  if (own && !known)
    return E.left(`--dataset ${flag}: the run trained on your own images: add the same folder again to continue it`);
  if (!known)
    return E.left(
      `--dataset ${flag}: in a browser tab, expected one of ${Object.keys(SITE_DATASETS).join(', ')}, or your own images`,
    );
  const [images, labels] = await Promise.all([siteFile(known.images), siteFile(known.labels)]);
  if (E.isLeft(images)) return E.left(`--dataset ${flag}: this site does not carry it (${images.left})`);
  if (E.isLeft(labels)) return E.left(`--dataset ${flag}: this site does not carry it (${labels.left})`);
  const loaded = await datasetFromBytes(images.right, labels.right, known.name);
  return E.mapLeft((why: string) => `--dataset ${flag}: ${why}`)(loaded);
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/**
 * What judges a dataset, from the site: the classifier of its set and its held-out real images
 * (t10k; for mnist-small, the held-out fifth of `full`, as under Node).
 */
export async function siteClassifier(
  flag: string,
  full: Dataset,
): Promise<E.Either<string, { classifier: Classifier; set: ClassifierSet; real: Dataset }>> {
  const set = JUDGE_OF_DATASET[flag];
  if (!set) return E.left(`no classifier judges --dataset ${flag}`);
  const files = SITE_JUDGES[set];
  const [model, weights, about] = await Promise.all(
    [files.classifier.model, files.classifier.weights, files.classifier.about].map(siteFile),
  );
  if (E.isLeft(model)) return model;
  if (E.isLeft(weights)) return weights;
  if (E.isLeft(about)) return about;
  let parsed: [unknown, unknown];
  try {
    parsed = [JSON.parse(text(model.right.bytes)), JSON.parse(text(about.right.bytes))];
  } catch (e) {
    return E.left(`${files.classifier.model} is not JSON (${(e as Error).message})`);
  }
  const classifier = await classifierFromFiles(files.classifier.model, parsed[0], weights.right.bytes, parsed[1]);
  if (E.isLeft(classifier)) return classifier;
  let real: E.Either<string, Dataset> = E.right(splitDigits(full).test);
  if (files.heldOut) {
    const [images, labels] = await Promise.all([siteFile(files.heldOut.images), siteFile(files.heldOut.labels)]);
    if (E.isLeft(images)) return images;
    if (E.isLeft(labels)) return labels;
    real = await datasetFromBytes(images.right, labels.right, files.heldOut.name);
  }
  return E.isLeft(real) ? real : E.right({ classifier: classifier.right, set, real: real.right });
}
