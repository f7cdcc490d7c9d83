/**
 * The studio's side of the explore view: what needs the training images or the evaluator's
 * classifier, which stay on the server (MNIST's 60,000 digits are 47 MB). Generation, D's scores
 * and saliency run in the page, with stock TensorFlow.js on the run's saved networks.
 *
 * Each run's real images and classifier are loaded once and kept; the classifier features of the
 * training set and the novelty figure are computed on first use (seconds) and kept too.
 */

import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { limitDataset, pixelsOf, scaled } from '../data/dataset.ts';
import { permutation, seeded } from '../data/random.ts';
import { classTracks } from '../explore/class-tracks.ts';
import { featureSet, measureNovelty, type NearestTraining, nearestTraining } from '../explore/copying.ts';
import type { PointSet } from '../explore/neighbours.ts';
import { histogram, NOVELTY_SAMPLES } from '../explore/novelty.ts';
import { drawSamples, loadGenerator } from '../plan/saved-generator.ts';
import { FEATURES } from '../quality/classifier.ts';
import { pick } from '../quality/real-sets.ts';
import { classesOf, featuresOf, loadRunSets, type RunSets } from '../quality/run-sets.ts';
import { milestoneLabel, packPixels, unpackPixels } from '../streams/events.ts';
import { METRICS_FILE } from '../streams/sinks/file.ts';
import {
  type Neighbour,
  type Neighbours,
  type NoveltyShown,
  type RealImages,
  type TracksShown,
  tracksShown,
} from './answers.ts';
import type { Rejection } from './requests.ts';
import { eventsOf, readRunStarted } from './runs.ts';

const NOVELTY_BINS = 40;

const unprocessable = (message: string): Rejection => ({ status: 422, message });

export class Explorer {
  private readonly sets = new Map<string, Promise<E.Either<string, RunSets>>>();
  private readonly features = new Map<string, PointSet>();
  private readonly novelties = new Map<string, { at: number; shown: NoveltyShown }>();

  constructor(private readonly runsDir: string) {}

  private async setsOf(name: string): Promise<E.Either<Rejection, RunSets>> {
    const read = readRunStarted(join(this.runsDir, name, METRICS_FILE));
    if (E.isLeft(read))
      return E.left(unprocessable(`run '${name}': ${read.left}, so the images it trained on are unknown`));
    const started = read.right;
    const key = `${started.config.dataset}|${started.config.limit}`;
    if (!this.sets.has(key)) this.sets.set(key, loadRunSets(started.config));
    const sets = await this.sets.get(key)!;
    if (E.isLeft(sets)) {
      this.sets.delete(key);
      return E.left(unprocessable(`run '${name}': ${sets.left}`));
    }
    if (sets.right.train.rows !== 28 || sets.right.train.cols !== 28)
      return E.left(
        unprocessable(
          `run '${name}' trained on ${sets.right.train.rows}x${sets.right.train.cols} images: the explore analyses need 28x28`,
        ),
      );
    return E.right(sets.right);
  }

  /** `count` training images the run saw (a seeded pick), with their labels: the real side of D's scores. */
  async real(name: string, count: number, seed: number): Promise<E.Either<Rejection, RealImages>> {
    const sets = await this.setsOf(name);
    if (E.isLeft(sets)) return sets;
    const { train, classNames } = sets.right;
    const picked = pick(
      train,
      Array.from(permutation(seeded(seed, 31), train.count).subarray(0, Math.min(count, train.count))),
    );
    return E.right({
      rows: train.rows,
      cols: train.cols,
      count: picked.count,
      pixels: packPixels(picked.grey),
      labels: picked.labels ? Array.from(picked.labels) : null,
      names: classNames,
    });
  }

  /** The k nearest training images of one image (grey levels), in pixel space and in the classifier's feature space. */
  async nearest(name: string, grey: readonly number[], k: number): Promise<E.Either<Rejection, Neighbours>> {
    const sets = await this.setsOf(name);
    if (E.isLeft(sets)) return sets;
    const { train, classifier } = sets.right;
    if (grey.length !== pixelsOf(train))
      return E.left({
        status: 400,
        message: `nearest: an image of ${grey.length} pixels, expected ${pixelsOf(train)} (${train.rows}x${train.cols})`,
      });
    const key = `${train.name}|${train.count}`;
    if (!this.features.has(key)) this.features.set(key, featureSet(featuresOf(classifier), train, FEATURES));
    const image = Float32Array.from(grey, scaled);
    const found: NearestTraining = nearestTraining(image, train, k, {
      set: this.features.get(key)!,
      of: featuresOf(classifier),
    });
    const shown = (list: NearestTraining['pixel']): Neighbour[] =>
      list.map((n) => ({
        index: n.index,
        distance: n.distance,
        label: train.labels ? train.labels[n.index] : null,
        pixels: packPixels(train.grey.subarray(n.index * grey.length, (n.index + 1) * grey.length)),
      }));
    return E.right({ pixel: shown(found.pixel), feature: shown(found.feature ?? []) });
  }

  /** The novelty figure of the run's saved generator: NOVELTY_SAMPLES generated and held-out images against the training set. */
  async novelty(name: string): Promise<E.Either<Rejection, NoveltyShown>> {
    const model = join(this.runsDir, name, 'generator', 'model.json');
    if (!existsSync(model))
      return E.left({
        status: 404,
        message: `run '${name}' has no saved generator yet (it is saved when the run ends or stops)`,
      });
    const at = statSync(model).mtimeMs;
    const cached = this.novelties.get(name);
    if (cached && cached.at === at) return E.right(cached.shown);
    const sets = await this.setsOf(name);
    if (E.isLeft(sets)) return sets;
    const g = await loadGenerator(join(this.runsDir, name));
    if (E.isLeft(g)) return E.left(unprocessable(g.left));
    try {
      const { images } = drawSamples(g.right, NOVELTY_SAMPLES, seeded(1, 21));
      const m = measureNovelty(
        images,
        NOVELTY_SAMPLES,
        limitDataset(sets.right.heldOut, NOVELTY_SAMPLES),
        sets.right.train,
      );
      const hi = Math.max(...m.generated, ...m.heldOut) * 1.02 || 1;
      const shown = {
        novelty: m.novelty,
        lo: 0,
        hi,
        generated: histogram(m.generated, NOVELTY_BINS, 0, hi),
        heldOut: histogram(m.heldOut, NOVELTY_BINS, 0, hi),
      };
      this.novelties.set(name, { at, shown });
      return E.right(shown);
    } finally {
      g.right.model.dispose();
    }
  }

  /** The class each fixed noise point showed at each milestone, and the class shares at each quality check. */
  async tracks(name: string): Promise<E.Either<Rejection, TracksShown>> {
    const sets = await this.setsOf(name);
    if (E.isLeft(sets)) return sets;
    const events = await eventsOf(this.runsDir, name, ['milestone', 'quality']);
    const milestones = events
      .filter((e) => e.type === 'milestone')
      .map((m) => ({ label: milestoneLabel(m), step: m.step, grey: unpackPixels(m), count: m.count }));
    const t = classTracks(milestones, classesOf(sets.right.classifier));
    const checks = events.flatMap((e) =>
      e.type === 'quality' ? [{ label: `epoch ${e.epoch}`, histogram: e.histogram }] : [],
    );
    return E.right(tracksShown(t, sets.right.classNames, checks));
  }
}
