import { Rng } from '../../util/rng.js';
import { type ImageDataset, selectIndices } from './dataset.js';

/** Options of {@link split}. */
export interface SplitOptions {
  /** Number of images held out for validation (0 < validation < dataset length). */
  readonly validation: number;
  /** Seed of the draw: the same seed always gives the same split. */
  readonly seed: number;
  /** Keep each class's share equal in both parts (default true). */
  readonly stratified?: boolean;
}

/** The two disjoint parts of a training set. */
export interface TrainValidationSplit {
  readonly train: ImageDataset;
  readonly validation: ImageDataset;
  /** Indices into the original set of the validation images, ascending. */
  readonly validationIndices: Int32Array;
}

/**
 * Holds out a seeded validation split from a training set. The parts are disjoint and together
 * cover the set; both keep the original order of the images (batching shuffles later).
 */
export function split(dataset: ImageDataset, options: SplitOptions): TrainValidationSplit {
  const { validation, seed, stratified = true } = options;
  if (!Number.isInteger(validation) || validation <= 0 || validation >= dataset.length) {
    throw new RangeError(`split: validation must be an integer in [1, ${dataset.length - 1}], got ${validation}`);
  }
  const held = drawIndices(dataset, validation, new Rng(seed), stratified);
  const isHeld = new Uint8Array(dataset.length);
  for (const i of held) isHeld[i] = 1;
  const trainIndices = new Int32Array(dataset.length - validation);
  let t = 0;
  for (let i = 0; i < dataset.length; i++) if (!isHeld[i]) trainIndices[t++] = i;
  return { train: selectIndices(dataset, trainIndices), validation: selectIndices(dataset, held), validationIndices: held };
}

/**
 * A seeded random subset of `n` images (stratified by class unless `stratified` is false),
 * in the original order. `n` equal to the set's length returns a copy of the whole set.
 */
export function subset(dataset: ImageDataset, n: number, seed: number, stratified = true): ImageDataset {
  if (!Number.isInteger(n) || n <= 0 || n > dataset.length) throw new RangeError(`subset: n must be an integer in [1, ${dataset.length}], got ${n}`);
  return selectIndices(dataset, drawIndices(dataset, n, new Rng(seed), stratified));
}

/** `k` distinct indices, ascending; stratified draws give each class its share (largest remainder). */
function drawIndices(dataset: ImageDataset, k: number, rng: Rng, stratified: boolean): Int32Array {
  const groups: number[][] = stratified ? dataset.classes.map(() => []) : [[]];
  for (let i = 0; i < dataset.length; i++) groups[stratified ? dataset.labels[i] : 0].push(i);
  const quotas = groups.map((g) => (g.length * k) / dataset.length);
  const take = quotas.map(Math.floor);
  let missing = k - take.reduce((a, b) => a + b, 0);
  // Hand the remaining picks to the largest fractional parts; ties go to the lower class index.
  const byRemainder = quotas.map((q, c) => ({ c, r: q - Math.floor(q) })).sort((a, b) => b.r - a.r || a.c - b.c);
  for (const { c } of byRemainder) {
    if (missing === 0) break;
    if (take[c] < groups[c].length) {
      take[c]++;
      missing--;
    }
  }
  const chosen: number[] = [];
  groups.forEach((group, c) => chosen.push(...rng.sample(group, take[c])));
  return Int32Array.from(chosen).sort();
}
