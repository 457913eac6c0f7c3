import { Rng } from '../../util/rng.js';
import { type AugmentOptions, augmentInto, checkAugmentOptions, drawAugmentation } from './augment.js';
import { type ImageDataset, type ImageShape, imageSize } from './dataset.js';
import { type Normalization, normalizationTable } from './normalize.js';

/** One batch, ready for the engine: normalised float images (NCHW) and their labels. */
export interface Batch {
  /** `shape[0] × shape[1] × shape[2] × shape[3]` floats. */
  readonly images: Float32Array;
  readonly labels: Int32Array;
  /** `[batch, channels, height, width]`. */
  readonly shape: readonly [number, number, number, number];
}

/** How to cut a data set into batches. */
export interface BatchOptions {
  readonly batchSize: number;
  /** Seed of the shuffles and augmentations; epoch `e` of a seed is always the same batches. */
  readonly seed: number;
  /** Shuffle the order each epoch (default true; evaluation passes false). */
  readonly shuffle?: boolean;
  /** Drop the last, smaller batch (default false). */
  readonly dropLast?: boolean;
  /** Augmentation, or null / absent for none (evaluation). */
  readonly augment?: AugmentOptions | null;
  /** Channel statistics to normalise with. */
  readonly normalization: Normalization;
}

/** What one batch is made of: which images, and the seed of their augmentation. */
export interface BatchPlan {
  readonly indices: Int32Array;
  readonly seed: number;
}

/** Number of batches in one epoch. */
export function batchCount(length: number, options: Pick<BatchOptions, 'batchSize' | 'dropLast'>): number {
  return options.dropLast ? Math.floor(length / options.batchSize) : Math.ceil(length / options.batchSize);
}

/** Throws `RangeError` on a bad batch size, seed or augmentation. */
export function checkBatchOptions(options: BatchOptions): void {
  if (!Number.isInteger(options.batchSize) || options.batchSize <= 0) throw new RangeError(`batches: batchSize must be a positive integer, got ${options.batchSize}`);
  if (!Number.isInteger(options.seed)) throw new RangeError(`batches: seed must be an integer, got ${options.seed}`);
  if (options.augment) checkAugmentOptions(options.augment);
}

/**
 * The batches of one epoch: a seeded permutation (or the identity) cut into `batchSize` pieces,
 * each with its own augmentation seed. Depends only on (length, options, epoch), so any epoch can
 * be planned directly (resume) and in another thread.
 */
export function planEpoch(length: number, options: BatchOptions, epoch: number): BatchPlan[] {
  checkBatchOptions(options);
  if (!Number.isInteger(epoch) || epoch < 0) throw new RangeError(`batches: epoch must be a non-negative integer, got ${epoch}`);
  // Mixing seed and epoch (golden-ratio multiplier) keeps neighbouring epochs' streams unrelated.
  const rng = new Rng((Math.imul(options.seed | 0, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca6b)) | 0);
  const order = new Int32Array(length);
  for (let i = 0; i < length; i++) order[i] = i;
  if (options.shuffle !== false) {
    for (let i = length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }
  const plans: BatchPlan[] = [];
  const count = batchCount(length, options);
  for (let b = 0; b < count; b++) {
    plans.push({ indices: order.subarray(b * options.batchSize, Math.min(length, (b + 1) * options.batchSize)), seed: rng.uint32() | 0 });
  }
  return plans;
}

/**
 * Builds the normalised (and, with `augment`, augmented) float images of the given indices.
 * The result depends only on the arguments: the same plan gives the same floats on any thread.
 */
export function buildBatchImages(images: Uint8Array, shape: ImageShape, plan: BatchPlan, augment: AugmentOptions | null | undefined, table: Float32Array): Float32Array {
  const size = imageSize(shape);
  const out = new Float32Array(plan.indices.length * size);
  const rng = new Rng(plan.seed);
  const options = augment ?? {};
  for (let k = 0; k < plan.indices.length; k++) {
    const params = drawAugmentation(rng, shape, options);
    augmentInto(images, plan.indices[k] * size, out, k * size, shape, table, options, params);
  }
  return out;
}

/** The labels of a batch plan. */
export function batchLabels(dataset: ImageDataset, plan: BatchPlan): Int32Array {
  return Int32Array.from(plan.indices, (i) => dataset.labels[i]);
}

/**
 * The batches of one epoch, built on this thread as they are asked for. For training, prefer
 * {@link PrefetchingBatches}, which builds them ahead in worker threads with identical results.
 */
export function* iterateBatches(dataset: ImageDataset, options: BatchOptions, epoch = 0): Generator<Batch> {
  const table = normalizationTable(options.normalization, dataset.shape.channels);
  const { channels, height, width } = dataset.shape;
  for (const plan of planEpoch(dataset.length, options, epoch)) {
    yield {
      images: buildBatchImages(dataset.images, dataset.shape, plan, options.augment, table),
      labels: batchLabels(dataset, plan),
      shape: [plan.indices.length, channels, height, width],
    };
  }
}
