/**
 * The judge of a run on a labelled image folder: a classifier trained on that folder's classes
 * (scripts/train-classifier.ts --dataset), against the folder's held-out images, the ones the
 * classifier never saw. Which classifier fits which folder is decided here, from its about.json:
 * the same images (hash), the same size and channels. Imports nothing from node: (judge-folder.ts
 * finds the classifiers on disk).
 */
import type { Dataset } from '../data/dataset.ts';
import type { Judge } from '../streams/operators/quality-checks.ts';
import type { Classifier, ClassifierAbout } from './classify.ts';
import { judgeAgainst } from './judge.ts';
import { splitByClass } from './sets.ts';

/** Why a folder without class subfolders has no judge: said by the run, evaluate and explore alike. */
export const UNLABELLED_FOLDER =
  'an unlabelled folder of images: recognisable share, coverage and FID need a classifier of its classes, and unlabelled images have none to learn';

/** The command that trains a classifier for a folder as a run loads it. */
export const folderClassifierCommand = (d: Pick<Dataset, 'rows' | 'channels' | 'source'>): string =>
  `npm run train-classifier -- --dataset ${d.source?.path ?? '?'} --image-size ${d.rows} --channels ${d.channels}`;

/** Why a classifier does not judge this folder's images as loaded, or null when it does. */
export function folderMismatch(about: ClassifierAbout, d: Dataset): string | null {
  const f = about.folder;
  if (!f || !d.source) return 'not a classifier of an image folder';
  if (f.hash !== d.source.hash) return `trained on other images (hash ${f.hash}, this folder's is ${d.source.hash})`;
  if (f.imageSize !== d.rows || f.channels !== d.channels)
    return `judges ${f.imageSize}x${f.imageSize} images in ${f.channels === 3 ? 'colour' : 'grey'}, this run trains at ${d.rows}x${d.cols} in ${d.channels === 3 ? 'colour' : 'grey'}`;
  return null;
}

/** The real images a folder's classifier never trained on: the judge's reference. */
export const folderHeldOut = (d: Dataset): Dataset => splitByClass(d, d.classes?.length ?? 0).test;

/** The judge of a folder's run: its classifier (which must fit, folderMismatch) against the folder's held-out images. */
export const folderJudge = (c: Classifier, d: Dataset): Judge =>
  judgeAgainst(c, `${c.about.folder?.path ?? d.name} (${c.shape.classes} classes)`, folderHeldOut(d));
