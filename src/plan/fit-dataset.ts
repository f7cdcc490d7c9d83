/**
 * A loaded dataset against a run's settings: the --limit applied, labels for a conditional
 * architecture, a batch that fits, a plan of steps within bounds. A pure function of the dataset
 * and the config (the CLI and the studio load from files first, a page from bytes); imports
 * nothing from node:.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { type Dataset, limitDataset } from '../data/dataset.ts';
import { ARCHITECTURES } from '../model/architectures.ts';
import { badLabel, CLASSES } from '../model/condition.ts';
import { realPerStep, type TrainConfig } from '../streams/config.ts';
import { stepsPerEpoch } from '../streams/sources/batches.ts';
import { LIMITS } from './train-options.ts';

export function fitDataset(config: TrainConfig, loaded: Dataset): E.Either<string, Dataset> {
  return pipe(
    E.right<string, Dataset>(config.limit === null ? loaded : limitDataset(loaded, config.limit)),
    E.chainFirst((d) => {
      const given =
        config.imageSize != null
          ? `--image-size ${config.imageSize}`
          : config.channels != null
            ? `--channels ${config.channels}`
            : null;
      return given === null || d.source
        ? E.right(d)
        : E.left(
            `${given}: the dataset ${d.name} is not a folder of images (its ${d.rows}x${d.cols} grey images are used as they are): expected --dataset to name a folder or .zip of PNG or JPEG images`,
          );
    }),
    E.chainFirst((d) => {
      if (!ARCHITECTURES[config.arch]?.conditional) return E.right(d);
      if (!d.labels)
        return E.left(
          `--arch ${config.arch} is conditional and the dataset ${d.name} has no labels: expected a dataset with labels (mnist, mnist-small, fashion-mnist, an IDX images file with its labels file beside it, or a folder of images in one subfolder per class)`,
        );
      if (d.classes && d.classes.length > CLASSES)
        return E.left(
          `--arch ${config.arch}: the dataset ${d.name} has ${d.classes.length} classes (subfolders), expected at most ${CLASSES} for a conditional architecture`,
        );
      const bad = badLabel(d.labels);
      return bad === null
        ? E.right(d)
        : E.left(`--arch ${config.arch}: the dataset ${d.name} has ${bad} (${CLASSES} classes)`);
    }),
    E.chainFirst((d) =>
      realPerStep(config) <= d.count
        ? E.right(d)
        : E.left(
            `--batch-size ${config.batchSize}${realPerStep(config) === config.batchSize ? '' : ` (x --d-steps ${config.dSteps} = ${realPerStep(config)} real images a step)`} is larger than the ${d.count} images of the dataset${config.limit !== null ? ` (--limit ${config.limit})` : ''}: expected at most ${d.count}`,
          ),
    ),
    E.chainFirst((d) => {
      const perEpoch = stepsPerEpoch(d, realPerStep(config));
      return perEpoch * config.epochs <= LIMITS.totalSteps
        ? E.right(d)
        : E.left(
            `--epochs ${config.epochs}: a plan of ${(perEpoch * config.epochs).toLocaleString('en-US')} steps (${perEpoch.toLocaleString('en-US')} per epoch), expected at most ${LIMITS.totalSteps.toLocaleString('en-US')}`,
          );
    }),
  );
}
