/** Everything a run needs that a user can get wrong, checked before anything is written. */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { Dataset } from '../data/dataset.ts';
import { loadDataset } from '../data/load.ts';
import type { TrainConfig } from '../streams/config.ts';
import { fitDataset } from './fit-dataset.ts';
import { checkRunFolder } from './run-folder.ts';

/** The dataset of a run, loaded and fitted to its settings; with `checkFolder`, also that --out can take a new run. */
export function prepareDataset(config: TrainConfig, checkFolder = true): E.Either<string, Dataset> {
  return pipe(
    loadDataset(config.dataset, { imageSize: config.imageSize ?? null, channels: config.channels ?? null }),
    E.mapLeft((why) => (why.startsWith('--dataset') ? why : `--dataset: ${why}`)),
    E.chain((d) => fitDataset(config, d)),
    E.chainFirst(() => (checkFolder ? checkRunFolder(config.out) : E.right(config.out))),
  );
}
