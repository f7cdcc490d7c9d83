/**
 * The explore view's figures that need a run's real images or its classifier, as functions of
 * them: the studio's server (explore.ts, from the run folder) and the site's explore worker (from
 * the site's files and the tab's run) answer with the same values. Imports nothing from node:.
 */
import * as E from 'fp-ts/lib/Either.js';
import { limitDataset, pixelsOf, scaled } from '../data/dataset.ts';
import { permutation, seeded } from '../data/random.ts';
import { classTracks } from '../explore/class-tracks.ts';
import {
  featureSet,
  measureNovelty,
  measureNoveltyWithin,
  type NearestTraining,
  nearestTraining,
} from '../explore/copying.ts';
import type { PointSet } from '../explore/neighbours.ts';
import { histogram, NOVELTY_SAMPLES } from '../explore/novelty.ts';
import { classCount } from '../model/condition.ts';
import { drawSamples, learnedClasses, type SavedGenerator } from '../plan/generator-model.ts';
import { FEATURES } from '../quality/classify.ts';
import { classesOf, featuresOf, type RunSets } from '../quality/run-sets-of.ts';
import { pick } from '../quality/sets.ts';
import { milestoneLabel, packPixels, type TrainingEvent, unpackPixels } from '../streams/events.ts';
import {
  type Neighbour,
  type Neighbours,
  type NoveltyShown,
  type RealImages,
  type TracksShown,
  tracksShown,
} from './answers.ts';

const NOVELTY_BINS = 40;

/**
 * Why a run's sets cannot be explored (null: they can): a classifier that judges other images than
 * the run's (IDX files of another size, judged by the 28x28 digits' classifier).
 */
export function setsProblem(sets: RunSets): string | null {
  const c = sets.classifier?.shape;
  return c && (c.rows !== sets.train.rows || c.cols !== sets.train.cols || c.channels !== sets.train.channels)
    ? `it trained on ${sets.train.rows}x${sets.train.cols} images: the explore analyses need ${c.rows}x${c.cols}, the classifier's size`
    : null;
}

/** Why a figure that needs the classifier is absent for these sets. */
const noClassifier = (sets: RunSets): string => `no classifier of the run's classes (${sets.noClassifier ?? 'none'})`;

/** `count` training images the run saw (a seeded pick), with their labels: the real side of D's scores. */
export function realImages(sets: RunSets, count: number, seed: number): RealImages {
  const { train, classNames } = sets;
  const picked = pick(
    train,
    Array.from(permutation(seeded(seed, 31), train.count).subarray(0, Math.min(count, train.count))),
  );
  return {
    rows: train.rows,
    cols: train.cols,
    channels: train.channels,
    count: picked.count,
    pixels: packPixels(picked.bytes),
    labels: picked.labels ? Array.from(picked.labels) : null,
    names: classNames,
  };
}

/** The classifier features of every training image (seconds for MNIST): computed once per set and kept by the caller; none without a classifier. */
export const trainingFeatures = (sets: RunSets): PointSet | null =>
  sets.classifier ? featureSet(featuresOf(sets.classifier), sets.train, FEATURES) : null;

/**
 * The k nearest training images of one image (levels, in colour three a pixel), in pixel space and
 * in the classifier's feature space (none without a classifier).
 */
export function nearestImages(
  sets: RunSets,
  features: () => PointSet | null,
  grey: readonly number[],
  k: number,
): E.Either<string, Neighbours> {
  const { train, classifier } = sets;
  if (grey.length !== pixelsOf(train))
    return E.left(
      `nearest: an image of ${grey.length} values, expected ${pixelsOf(train)} (${train.rows}x${train.cols}${train.channels === 3 ? ' in colour' : ''})`,
    );
  const image = Float32Array.from(grey, scaled);
  const set = features();
  const found: NearestTraining = nearestTraining(
    image,
    train,
    k,
    set && classifier ? { set, of: featuresOf(classifier) } : undefined,
  );
  const shown = (list: NearestTraining['pixel']): Neighbour[] =>
    list.map((n) => ({
      index: n.index,
      distance: n.distance,
      label: train.labels ? train.labels[n.index] : null,
      pixels: packPixels(train.bytes.subarray(n.index * grey.length, (n.index + 1) * grey.length)),
    }));
  return E.right({ pixel: shown(found.pixel), feature: shown(found.feature ?? []) });
}

/**
 * The novelty figure of a generator: NOVELTY_SAMPLES generated and held-out images against the
 * training set; for a folder of images (none held out), training images against the others.
 */
export function noveltyOf(sets: RunSets, g: SavedGenerator): NoveltyShown {
  const { images } = drawSamples(learnedClasses(g, classCount(sets.train)), NOVELTY_SAMPLES, seeded(1, 21));
  const m = sets.heldOut
    ? measureNovelty(images, NOVELTY_SAMPLES, limitDataset(sets.heldOut, NOVELTY_SAMPLES), sets.train)
    : measureNoveltyWithin(images, NOVELTY_SAMPLES, sets.train, NOVELTY_SAMPLES);
  const hi = Math.max(...m.generated, ...m.heldOut) * 1.02 || 1;
  return {
    novelty: m.novelty,
    lo: 0,
    hi,
    generated: histogram(m.generated, NOVELTY_BINS, 0, hi),
    heldOut: histogram(m.heldOut, NOVELTY_BINS, 0, hi),
  };
}

/** The class each fixed noise point showed at each milestone of a record, and the class shares at each quality check; without a classifier, why not. */
export function tracksOf(sets: RunSets, events: readonly TrainingEvent[]): E.Either<string, TracksShown> {
  if (!sets.classifier) return E.left(`class tracks: ${noClassifier(sets)}`);
  const milestones = events.flatMap((m) =>
    m.type === 'milestone' ? [{ label: milestoneLabel(m), step: m.step, grey: unpackPixels(m), count: m.count }] : [],
  );
  const t = classTracks(milestones, classesOf(sets.classifier));
  const checks = events.flatMap((e) =>
    e.type === 'quality' ? [{ label: `epoch ${e.epoch}`, histogram: e.histogram }] : [],
  );
  return E.right(tracksShown(t, sets.classNames, checks));
}
