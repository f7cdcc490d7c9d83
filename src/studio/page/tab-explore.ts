/**
 * The explore page's source in the static site: a run kept in this browser (tab-store.ts), its
 * saved networks loaded from memory, and the figures that need the training images or the
 * classifier asked of the site's explore worker (site/explore-worker.ts), which reads them from
 * the site's files. Each question is numbered; its answer settles it.
 */
import * as tf from '@tensorflow/tfjs';
import * as E from 'fp-ts/lib/Either.js';
import { artifactsOf } from '../../model/model-artifacts.ts';
import { networkPaths } from '../../model/names.ts';
import type {
  ExploreAnswers,
  ExploreQuestion,
  FromExplore,
  NetworkBytes,
  ToExplore,
} from '../../site/explore-messages.ts';
import { decodeEvent } from '../../streams/events.ts';
import type { ExploreSource } from './explore-source.ts';
import { openTabStore, type StoredRun } from './tab-store.ts';
import { storedListing } from './tab-trainer.ts';

export function tabExplore(run: string, workerUrl: URL): ExploreSource {
  const stored: Promise<StoredRun> = openTabStore()
    .then((store) => store.get(run))
    .then((kept) => {
      if (!kept) throw new Error(`no run '${run}' is kept in this browser`);
      return kept;
    });
  const bytesOf = (kept: StoredRun, role: 'generator' | 'discriminator'): NetworkBytes | null => {
    const paths = networkPaths(role);
    const json = kept.networks?.[paths.json];
    const weights = kept.networks?.[paths.weights];
    return json && weights ? { json, weights } : null;
  };

  let asked = 0;
  const waiting = new Map<number, { done: (v: unknown) => void; fail: (e: Error) => void }>();
  const ready = stored.then((kept) => {
    const w = new Worker(workerUrl);
    w.addEventListener('message', (e: MessageEvent<FromExplore>) => {
      const m = e.data;
      const question = waiting.get(m.id);
      waiting.delete(m.id);
      if (m.ok) question?.done(m.value);
      else question?.fail(new Error(m.error));
    });
    w.addEventListener('error', (e) => {
      for (const question of waiting.values()) question.fail(new Error(`the explore worker failed: ${e.message}`));
      waiting.clear();
    });
    w.postMessage({
      type: 'open',
      record: kept.lines.join('\n'),
      generator: bytesOf(kept, 'generator'),
    } satisfies ToExplore);
    return w;
  });
  const ask = async <K extends keyof ExploreAnswers>(q: ExploreQuestion & { ask: K }): Promise<ExploreAnswers[K]> => {
    const w = await ready;
    const id = ++asked;
    return new Promise<ExploreAnswers[K]>((done, fail) => {
      waiting.set(id, { done: done as (v: unknown) => void, fail });
      w.postMessage({ type: 'ask', id, ...q } satisfies ToExplore);
    });
  };

  return {
    listing: async () => storedListing(await stored),
    network: async (role) => {
      const files = bytesOf(await stored, role);
      if (!files) throw new Error(`run '${run}' has no saved ${role}`);
      return tf.io.fromMemory(artifactsOf(JSON.parse(new TextDecoder().decode(files.json)), files.weights));
    },
    real: (count) => ask({ ask: 'real', count, seed: 1 }),
    nearest: (pixels, k) => ask({ ask: 'nearest', pixels: Array.from(pixels), k }),
    novelty: () => ask({ ask: 'novelty' }),
    tracks: () => ask({ ask: 'tracks' }),
    recordedClassNames: async () => {
      // The first milestone with named rows, read by the record's own codec (only lines that name rows are decoded).
      for (const line of (await stored).lines) {
        if (!line.includes('"rowLabels"')) continue;
        const e = decodeEvent(line);
        if (E.isRight(e) && e.right.type === 'milestone' && e.right.rowLabels) return [...e.right.rowLabels];
      }
      return null;
    },
  };
}
