/**
 * The studio's side of the explore view: what needs the training images or the evaluator's
 * classifier, which stay on the server (MNIST's 60,000 digits are 47 MB). Generation, D's scores
 * and saliency run in the page, with stock TensorFlow.js on the run's saved networks. The figures
 * are explore-figures.ts's; this module finds what they need in the run folder.
 *
 * Each run's real images and classifier are loaded once and kept; the classifier features of the
 * training set and the novelty figure are computed on first use (seconds) and kept too.
 */

import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { PointSet } from '../explore/neighbours.ts';
import { loadGenerator } from '../plan/saved-generator.ts';
import { loadRunSets, type RunSets } from '../quality/run-sets.ts';
import { METRICS_FILE } from '../streams/sinks/file.ts';
import type { Neighbours, NoveltyShown, RealImages, TracksShown } from './answers.ts';
import { nearestImages, noveltyOf, realImages, setsProblem, tracksOf, trainingFeatures } from './explore-figures.ts';
import type { Rejection } from './requests.ts';
import { eventsOf, readRunStarted } from './runs.ts';

const unprocessable = (message: string): Rejection => ({ status: 422, message });

export class Explorer {
  private readonly sets = new Map<string, Promise<E.Either<string, RunSets>>>();
  private readonly features = new Map<string, PointSet | null>();
  private readonly novelties = new Map<string, { at: number; shown: NoveltyShown }>();

  constructor(private readonly runsDir: string) {}

  private async setsOf(name: string): Promise<E.Either<Rejection, RunSets>> {
    const read = readRunStarted(join(this.runsDir, name, METRICS_FILE));
    if (E.isLeft(read))
      return E.left(unprocessable(`run '${name}': ${read.left}, so the images it trained on are unknown`));
    const started = read.right;
    const { dataset, limit, imageSize, channels } = started.config;
    const key = `${dataset}|${limit}|${imageSize ?? ''}|${channels ?? ''}`;
    if (!this.sets.has(key)) this.sets.set(key, loadRunSets({ ...started.config, recorded: started.dataset }));
    const sets = await this.sets.get(key)!;
    if (E.isLeft(sets)) {
      this.sets.delete(key);
      return E.left(unprocessable(`run '${name}': ${sets.left}`));
    }
    const problem = setsProblem(sets.right);
    return problem ? E.left(unprocessable(`run '${name}': ${problem}`)) : E.right(sets.right);
  }

  /** `count` training images the run saw (a seeded pick), with their labels: the real side of D's scores. */
  async real(name: string, count: number, seed: number): Promise<E.Either<Rejection, RealImages>> {
    const sets = await this.setsOf(name);
    return E.isLeft(sets) ? sets : E.right(realImages(sets.right, count, seed));
  }

  /** The k nearest training images of one image (grey levels), in pixel space and in the classifier's feature space. */
  async nearest(name: string, grey: readonly number[], k: number): Promise<E.Either<Rejection, Neighbours>> {
    const sets = await this.setsOf(name);
    if (E.isLeft(sets)) return sets;
    const { train } = sets.right;
    const key = `${train.name}|${train.count}|${train.rows}|${train.channels}`;
    const features = () => {
      if (!this.features.has(key)) this.features.set(key, trainingFeatures(sets.right));
      return this.features.get(key) ?? null;
    };
    return E.mapLeft((message: string): Rejection => ({ status: 400, message }))(
      nearestImages(sets.right, features, grey, k),
    );
  }

  /** The novelty figure of the run's saved generator: generated and held-out images against the training set. */
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
      const shown = noveltyOf(sets.right, g.right);
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
    return E.mapLeft(unprocessable)(tracksOf(sets.right, await eventsOf(this.runsDir, name, ['milestone', 'quality'])));
  }
}
