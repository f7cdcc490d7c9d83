/** ganstream's public pieces, for composing pipelines of your own. */
export type { Dataset } from './data/dataset.ts';
export { imagesAt, imagesOf, limitDataset, scaled } from './data/dataset.ts';
export { DATASET_NAMES, loadDataset, loadIdxDataset, MNIST, MNIST_SMALL } from './data/load.ts';
export { embeddedDigits } from './data/embedded.ts';
export { parseIdx, encodeIdx } from './data/idx.ts';
export { seeded, normals, permutation, Streams } from './data/random.ts';

export { ARCHITECTURES, DEFAULT_ARCHITECTURE } from './model/architectures.ts';
export { selectBackend } from './model/backend.ts';
export { createGan, disposeGan, type Gan } from './model/gan.ts';
export { dStep, gStep, generate, dScores } from './model/steps.ts';
export { modelFiles } from './model/persistence.ts';

export { TrainConfig, milestoneEpochs } from './streams/config.ts';
export { trainConfig } from './cli/train-options.ts';
export * from './streams/events.ts';
export { batches, stepsPerEpoch } from './streams/sources/batches.ts';
export { noise, milestoneNoise } from './streams/sources/noise.ts';
export { zipPaced } from './streams/sources/paced.ts';
export { trainStep } from './streams/operators/train-step.ts';
export { epochSummaries } from './streams/operators/epoch-summaries.ts';
export { milestones } from './streams/operators/milestones.ts';
export { warnings } from './streams/operators/warnings.ts';
export { summary, summarize, type Summary } from './streams/analysis/summary.ts';
export { training$ } from './streams/training.ts';
export { consoleSink, formatSummary } from './streams/sinks/console.ts';
export { fileSink } from './streams/sinks/file.ts';
export { canvasSink, gridPng } from './streams/sinks/canvas.ts';
export { writeModelFolder } from './streams/sinks/model-folder.ts';
export { drawGrid, gridSize } from './render/grid.ts';

// Looking inside a trained GAN (the studio's explore page uses the same functions).
export { loadGenerator, loadDiscriminator, drawFrom, drawSamples, trainedOn } from './cli/saved-generator.ts';
export { between, square, lerp, slerp, stacked, PATHS, type Path } from './explore/interpolate.ts';
export { realness, scores, saliency, type Realness } from './explore/discriminator-view.ts';
export { nearest, nearestDistances, pixelSet, asIntensities, type PointSet, type Neighbour } from './explore/neighbours.ts';
export { novelty, formatNovelty, histogram, quantile, NOVELTY_SAMPLES, type Novelty } from './explore/novelty.ts';
export { measureNovelty, nearestTraining, featureSet } from './explore/copying.ts';
export { classTracks, stillHopping, type ClassTracks } from './explore/class-tracks.ts';
export { softLabelGenerator, oneHotOf } from './explore/soft-label.ts';
export { loadRunSets, featuresOf, classesOf, type RunSets } from './quality/run-sets.ts';

// Notebooks: the live view that redraws in place, and what the lesson shows.
export { notebookSink, type NotebookDisplay, type NotebookOptions } from './streams/sinks/notebook.ts';
export { historyPng, renderPng, progressPng, comparisonPng } from './streams/sinks/canvas.ts';
export { countParams } from './model/network.ts';
export { drawingGenerator } from './model/gan.ts';
export { loadJudge } from './quality/judge.ts';
export { replayRecording } from './cli/replay-run.ts';
export { drawComparison } from './render/history-plot.ts';
export { History } from './streams/analysis/history.ts';
export { openRunFolder, runFolderSinks, saveNetworks } from './streams/sinks/run-folder.ts';
