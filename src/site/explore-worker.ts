/**
 * The site's explore worker: the explore view's figures that need the run's training images or
 * the evaluator's classifier (nearest training images, novelty, class tracks, real images for D's
 * scores), computed off the page's thread from the site's files, by the same functions as the
 * studio's server (studio/explore-figures.ts). Imports nothing from node:.
 */
import * as tf from '@tensorflow/tfjs';
import * as E from 'fp-ts/lib/Either.js';
import { limitDataset } from '../data/dataset.ts';
import { classNames } from '../data/names.ts';
import type { PointSet } from '../explore/neighbours.ts';
import { artifactsOf } from '../model/model-artifacts.ts';
import { generatorOf } from '../plan/generator-model.ts';
import type { RunSets } from '../quality/run-sets-of.ts';
import type { TrainingEvent } from '../streams/events.ts';
import { isBad, recordLines, textLines } from '../streams/sources/record-lines.ts';
import {
  nearestImages,
  noveltyOf,
  realImages,
  setsProblem,
  tracksOf,
  trainingFeatures,
} from '../studio/explore-figures.ts';
import { chooseBrowserBackend } from './browser-backend.ts';
import type { ExploreAnswers, FromExplore, NetworkBytes, ToExplore } from './explore-messages.ts';
import { siteClassifier, siteDataset } from './site-data.ts';

const post = (m: FromExplore) => (self as unknown as Worker).postMessage(m);

interface Opened {
  readonly sets: RunSets;
  readonly events: readonly TrainingEvent[];
  readonly generator: NetworkBytes | null;
}

let opened: Promise<E.Either<string, Opened>> = Promise.resolve(E.left('no run opened'));
let features: PointSet | null = null;
let novelty: ExploreAnswers['novelty'] | null = null;

/** The run's record decoded, and the images and classifier its --dataset and --limit name, from the site. */
async function open(record: string, generator: NetworkBytes | null): Promise<E.Either<string, Opened>> {
  const events = Array.from(recordLines(textLines(record)), (r) => (isBad(r) ? null : r.event)).filter(
    (e): e is TrainingEvent => e !== null,
  );
  const started = events[0];
  if (started?.type !== 'run-started') return E.left('its record does not begin with a run-started event');
  const backend = await chooseBrowserBackend('auto', new URL('./', self.location.href).href);
  if (E.isLeft(backend)) return backend;
  if (started.dataset.source)
    return E.left(
      `the run trained on your own images (${started.config.dataset}): the nearest training images and the novelty figure need those images, which the site does not keep after training; the studio (npm run studio -- --images DIR) explores runs on your own folders`,
    );
  const full = await siteDataset(started.config.dataset);
  if (E.isLeft(full)) return full;
  const judged = await siteClassifier(started.config.dataset, full.right);
  if (E.isLeft(judged)) return judged;
  const train = started.config.limit === null ? full.right : limitDataset(full.right, started.config.limit);
  const sets: RunSets = {
    train,
    heldOut: judged.right.real,
    classifier: judged.right.classifier,
    classNames: classNames(train.name),
  };
  const problem = setsProblem(sets);
  return problem ? E.left(problem) : E.right({ sets, events, generator });
}

async function answer(run: Opened, q: Extract<ToExplore, { type: 'ask' }>): Promise<E.Either<string, unknown>> {
  const { sets } = run;
  if (q.ask === 'real') return E.right(realImages(sets, q.count, q.seed));
  if (q.ask === 'tracks') return tracksOf(sets, run.events);
  if (q.ask === 'nearest') {
    features ??= trainingFeatures(sets);
    const f = features;
    return nearestImages(sets, () => f, q.pixels, q.k);
  }
  if (novelty) return E.right(novelty);
  if (!run.generator) return E.left('this run has no saved generator yet (it is saved when the run ends or stops)');
  const json = JSON.parse(new TextDecoder().decode(run.generator.json));
  const g = generatorOf(await tf.loadLayersModel(tf.io.fromMemory(artifactsOf(json, run.generator.weights))));
  if (E.isLeft(g)) return E.left(`its generator ${g.left}`);
  try {
    novelty = noveltyOf(sets, g.right);
    return E.right(novelty);
  } finally {
    g.right.model.dispose();
  }
}

self.onmessage = (e: MessageEvent<ToExplore>) => {
  const m = e.data;
  if (m.type === 'open') {
    features = null;
    novelty = null;
    opened = open(m.record, m.generator);
    return;
  }
  void (async () => {
    const run = await opened;
    const a = E.isLeft(run) ? run : await answer(run.right, m);
    post(
      E.isLeft(a)
        ? { id: m.id, ok: false, error: a.left }
        : { id: m.id, ok: true, value: a.right as ExploreAnswers[keyof ExploreAnswers] },
    );
  })().catch((err: Error) => post({ id: m.id, ok: false, error: `internal: ${err.message}` }));
};
