/**
 * Where the explore page finds a run: its listing, its saved networks (for stock TensorFlow.js to
 * load) and the figures that need the training images or the classifier. The studio's server
 * answers over HTTP (serverExplore, here); the static site answers from the runs kept in the tab
 * and its explore worker (tab-explore.ts). The page is the same for both.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Decoder } from 'io-ts';
import { networkPaths } from '../../model/names.ts';
import { Neighbours, NoveltyShown, RealImages, RunListing, TracksShown } from '../answers.ts';
import { posting, request } from './studio-server.ts';

export interface ExploreSource {
  readonly listing: () => Promise<RunListing>;
  /** What tf.loadLayersModel takes for a saved network: a URL, or the files from memory. */
  readonly network: (role: 'generator' | 'discriminator') => Promise<string | tf.io.IOHandler>;
  /** `count` training images the run saw, with their labels. */
  readonly real: (count: number) => Promise<RealImages>;
  readonly nearest: (pixels: readonly number[], k: number) => Promise<Neighbours>;
  readonly novelty: () => Promise<NoveltyShown>;
  readonly tracks: () => Promise<TracksShown>;
  /** A conditional run's class names from its own record (its milestones' rows), where the real images are not at hand (the tab's own images). */
  readonly recordedClassNames?: () => Promise<string[] | null>;
}

/** The studio's server: each answer decoded by its codec, a failure thrown with its message. */
export function serverExplore(run: string): ExploreSource {
  const api = (path: string) => `/api/runs/${encodeURIComponent(run)}/${path}`;
  const json = async <A>(path: string, codec: Decoder<unknown, A>, init?: RequestInit): Promise<A> => {
    const answer = await request(path, codec, init);
    if (!answer.ok) throw new Error(answer.failure.error);
    return answer.value;
  };
  return {
    listing: () => json(`/api/runs/${encodeURIComponent(run)}`, RunListing),
    network: async (role) => api(networkPaths(role).json),
    real: (count) => json(api(`real?count=${count}`), RealImages),
    nearest: (pixels, k) => json(api('nearest'), Neighbours, posting({ pixels: Array.from(pixels), k })),
    novelty: () => json(api('novelty'), NoveltyShown),
    tracks: () => json(api('class-tracks'), TracksShown),
  };
}
