/**
 * What the explore page and the site's explore worker say to each other: the page opens a run
 * kept in the tab (its record and saved generator), then asks for the figures that need the
 * training images or the classifier, each question numbered and answered once. Imports nothing
 * from node:.
 */
import type { Neighbours, NoveltyShown, RealImages, TracksShown } from '../studio/answers.ts';

/** A saved network's files: model.json's bytes and weights.bin's. */
export interface NetworkBytes {
  readonly json: Uint8Array;
  readonly weights: Uint8Array;
}

/** What can be asked of an opened run, and what each answer holds. */
export interface ExploreAnswers {
  readonly real: RealImages;
  readonly nearest: Neighbours;
  readonly novelty: NoveltyShown;
  readonly tracks: TracksShown;
}

export type ExploreQuestion =
  | { readonly ask: 'real'; readonly count: number; readonly seed: number }
  | { readonly ask: 'nearest'; readonly pixels: readonly number[]; readonly k: number }
  | { readonly ask: 'novelty' }
  | { readonly ask: 'tracks' };

/** The page to the worker: the run first, then questions. */
export type ToExplore =
  | { readonly type: 'open'; readonly record: string; readonly generator: NetworkBytes | null }
  | ({ readonly type: 'ask'; readonly id: number } & ExploreQuestion);

/** The worker to the page: each question's answer, or why there is none. */
export type FromExplore =
  | { readonly id: number; readonly ok: true; readonly value: ExploreAnswers[keyof ExploreAnswers] }
  | { readonly id: number; readonly ok: false; readonly error: string };
