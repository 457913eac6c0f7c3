/**
 * naskit's data pipeline: loaders for the shared image data sets (decoded once and cached),
 * seeded splits and subsets, augmentation and normalisation, and (prefetching) batch iterators.
 * Everything is plain typed arrays; nothing here depends on the native tensor engine.
 */
export { type ImageDataset, type ImageShape, classCounts, imageSize, makeDataset, selectIndices } from './dataset.js';
export { type SplitOptions, type TrainValidationSplit, split, subset } from './split.js';
export { type IdxArray, parseIdx, readIdxGz } from './idx.js';
export { type DatasetPart, type IdxDatasetName, IDX_CLASSES, loadIdxDataset } from './mnist.js';
export { CIFAR10_CLASSES, type Cifar10Options, decodeCifar10Archive, loadCifar10 } from './cifar10.js';
export { defaultCacheDir, readDatasetCache, writeDatasetCache } from './cache.js';
export { type TarEntry, readTar } from './tar.js';
export {
  type Normalization,
  CIFAR10_NORMALIZATION,
  FASHION_MNIST_NORMALIZATION,
  MNIST_NORMALIZATION,
  identityNormalization,
  normalizationTable,
  normalizeImages,
} from './normalize.js';
export {
  type AugmentOptions,
  type AugmentParams,
  CIFAR10_AUGMENT,
  augmentInto,
  cropWithPadding,
  cutoutInPlace,
  drawAugmentation,
  flipHorizontal,
} from './augment.js';
export { type Batch, type BatchOptions, type BatchPlan, batchCount, buildBatchImages, iterateBatches, planEpoch } from './batches.js';
export { type PrefetchOptions, PrefetchingBatches } from './prefetch.js';
export { type DatasetName, DATASET_DEFAULTS, DATASET_NAMES, loadDataset } from './load.js';
