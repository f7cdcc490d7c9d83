/**
 * A dataset from the bytes of its IDX files, gzipped or not, wherever they came from (a page's
 * fetch, a dropped file, a worker's message). Gzip is inflated by the Web's DecompressionStream,
 * which browsers and Node both have. Imports nothing from node:.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { Dataset } from './dataset.ts';
import { idxDataset, isGzip, parseIdx } from './idx.ts';

/** Inflates gzip data (anything else as it is); a corrupt stream is a one-line error naming `name`. */
export async function gunzipped(bytes: Uint8Array, name: string): Promise<E.Either<string, Uint8Array>> {
  if (!isGzip(bytes)) return E.right(bytes);
  try {
    const inflated = new Blob([bytes.slice()]).stream().pipeThrough(new DecompressionStream('gzip'));
    return E.right(new Uint8Array(await new Response(inflated).arrayBuffer()));
  } catch (e) {
    return E.left(`${name}: corrupt gzip data (${(e as Error).message.split('\n')[0]})`);
  }
}

/** An IDX file's bytes as an array of the expected rank (3 images, 1 labels). */
async function idxOf(bytes: Uint8Array, name: string, rank: 1 | 3) {
  const inflated = await gunzipped(bytes, name);
  return E.isLeft(inflated) ? inflated : parseIdx(inflated.right, name, rank);
}

/** The images file's bytes and the labels file's (or none) as a Dataset named `name`. */
export async function datasetFromBytes(
  images: { readonly name: string; readonly bytes: Uint8Array },
  labels: { readonly name: string; readonly bytes: Uint8Array } | null,
  name: string,
): Promise<E.Either<string, Dataset>> {
  const imageArray = await idxOf(images.bytes, images.name, 3);
  if (E.isLeft(imageArray)) return imageArray;
  const labelArray = labels ? await idxOf(labels.bytes, labels.name, 1) : null;
  if (labelArray && E.isLeft(labelArray)) return labelArray;
  return idxDataset(imageArray.right, labelArray ? labelArray.right : null, {
    images: images.name,
    labels: labels?.name ?? null,
    dataset: name,
  });
}
