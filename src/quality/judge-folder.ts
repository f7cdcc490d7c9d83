/** The judge of a dataset under Node: its classifier and its held-out real images read from disk, loaded once per run. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { Dataset } from '../data/dataset.ts';
import type { Judge } from '../streams/operators/quality-checks.ts';
import { type Classifier, type ClassifierAbout, classifierDir, loadClassifier } from './classifier.ts';
import { folderClassifierCommand, folderJudge, folderMismatch, UNLABELLED_FOLDER } from './folder-judge.ts';
import { judgeOf } from './judge.ts';
import { classifierSetFor, heldOut } from './real-sets.ts';

/** Where train-classifier --dataset writes a folder's classifier, and where a run looks for one: $GANSTREAM_CLASSIFIERS, else classifiers/ in the working folder. */
export const classifiersFolder = (): string => process.env.GANSTREAM_CLASSIFIERS || 'classifiers';

/** The classifiers in `dir` (each a folder with about.json), with what their about.json says. */
function classifiersIn(dir: string): { dir: string; about: ClassifierAbout }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'about.json')))
    .flatMap((e) => {
      try {
        return [{ dir: join(dir, e.name), about: JSON.parse(readFileSync(join(dir, e.name, 'about.json'), 'utf8')) }];
      } catch {
        return [];
      }
    });
}

/** A labelled folder's classifier: the one in `dir` trained on these very images at this size, else why there is none. */
export async function loadFolderClassifier(
  d: Dataset,
  dir = classifiersFolder(),
): Promise<E.Either<string, Classifier>> {
  const candidates = classifiersIn(dir).filter((c) => c.about.folder?.hash === d.source?.hash);
  const fitting = candidates.find((c) => folderMismatch(c.about, d) === null);
  if (!fitting) {
    const near = candidates.map((c) => `${c.dir} ${folderMismatch(c.about, d)}`);
    return E.left(
      `a folder of images: recognisable share, coverage and FID need a classifier of its classes, and ${dir}/ holds none for these images at this size${near.length ? ` (${near.join('; ')})` : ''}; train one with ${folderClassifierCommand(d)}`,
    );
  }
  return loadClassifier(fitting.dir);
}

/** The judge of a dataset: by its name for digits and clothes; for an image folder (a whole Dataset, with its source), the classifier of its classes in `classifiers`. */
export async function loadJudge(
  dataset: Pick<Dataset, 'name' | 'rows' | 'cols'> & Partial<Dataset>,
  classifiers = classifiersFolder(),
): Promise<E.Either<string, Judge>> {
  if (dataset.source)
    return dataset.labels
      ? E.map((c: Classifier) => folderJudge(c, dataset as Dataset))(
          await loadFolderClassifier(dataset as Dataset, classifiers),
        )
      : E.left(UNLABELLED_FOLDER);
  if (dataset.rows !== 28 || dataset.cols !== 28)
    return E.left(`images of ${dataset.rows}x${dataset.cols}: the classifier judges 28x28`);
  const set = classifierSetFor(dataset.name);
  const c = await loadClassifier(classifierDir(set));
  if (E.isLeft(c)) return c;
  const real = heldOut(set);
  if (E.isLeft(real)) return real;
  return E.right(judgeOf(c.right, set, real.right));
}
