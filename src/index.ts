/** ganstream's public pieces, for composing pipelines of your own. */

export type { Dataset } from './data/dataset.ts';
export { imagesAt, imagesOf, limitDataset, scaled } from './data/dataset.ts';
export { embeddedDigits } from './data/embedded.ts';
export { encodeIdx, parseIdx } from './data/idx.ts';
export { loadDataset, loadIdxDataset } from './data/load.ts';
export { DATASET_NAMES, MNIST, MNIST_SMALL } from './data/names.ts';
export { normals, permutation, Streams, seeded } from './data/random.ts';
export { type ClassTracks, classTracks, stillHopping } from './explore/class-tracks.ts';
export { featureSet, measureNovelty, nearestTraining } from './explore/copying.ts';
export { type Realness, realness, saliency, scores } from './explore/discriminator-view.ts';
export { between, lerp, PATHS, type Path, slerp, square, stacked } from './explore/interpolate.ts';
export {
  asIntensities,
  type Neighbour,
  nearest,
  nearestDistances,
  type PointSet,
  pixelSet,
} from './explore/neighbours.ts';
export { formatNovelty, histogram, NOVELTY_SAMPLES, type Novelty, novelty, quantile } from './explore/novelty.ts';
export { oneHotOf, softLabelGenerator } from './explore/soft-label.ts';
export { ARCHITECTURES, DEFAULT_ARCHITECTURE } from './model/architectures.ts';
export { selectBackend } from './model/backend.ts';
export { createGan, disposeGan, drawingGenerator, type Gan } from './model/gan.ts';
export { countParams } from './model/network.ts';
export { modelFiles } from './model/persistence.ts';
export { dScores, dStep, generate, gStep } from './model/steps.ts';
export { replayRecording } from './plan/replay-run.ts';
// Looking inside a trained GAN (the studio's explore page uses the same functions).
export { drawFrom, drawSamples, loadDiscriminator, loadGenerator, trainedOn } from './plan/saved-generator.ts';
export { trainConfig } from './plan/train-options.ts';
export { loadJudge } from './quality/judge-folder.ts';
export { classesOf, featuresOf, loadRunSets, type RunSets } from './quality/run-sets.ts';
export { drawGrid, gridSize } from './render/grid.ts';
export { drawComparison } from './render/history-plot.ts';
export { History } from './streams/analysis/history.ts';
export { type Summary, summarize, summary } from './streams/analysis/summary.ts';
export { milestoneEpochs, TrainConfig } from './streams/config.ts';
export * from './streams/events.ts';
export { epochSummaries } from './streams/operators/epoch-summaries.ts';
export { milestones } from './streams/operators/milestones.ts';
export { trainStep } from './streams/operators/train-step.ts';
export { warnings } from './streams/operators/warnings.ts';
export { canvasSink, comparisonPng, gridPng, historyPng, progressPng, renderPng } from './streams/sinks/canvas.ts';
export { consoleSink, formatSummary } from './streams/sinks/console.ts';
export { fileSink } from './streams/sinks/file.ts';
export { writeModelFolder } from './streams/sinks/model-folder.ts';
// Notebooks: the live view that redraws in place, and what the lesson shows.
export { type NotebookDisplay, type NotebookOptions, notebookSink } from './streams/sinks/notebook.ts';
export { openRunFolder, runFolderSinks, saveNetworks } from './streams/sinks/run-folder.ts';
export { batches, stepsPerEpoch } from './streams/sources/batches.ts';
export { milestoneNoise, noise } from './streams/sources/noise.ts';
export { zipPaced } from './streams/sources/paced.ts';
export { training$ } from './streams/training.ts';
