import type { Rng } from '../../util/rng.js';

/**
 * A performance predictor: learns encoding → signal from the results so far. Plain Float64Arrays in
 * and out, so that an implementation on the native engine can replace the TypeScript one.
 */
export interface Regressor {
  /** Fits from scratch on (inputs, targets); all randomness (initialisation, batches) from `rng`. */
  fit(inputs: readonly Float64Array[], targets: readonly number[], rng: Rng): void;
  /** One prediction per input (throws before `fit`). */
  predict(inputs: readonly Float64Array[]): Float64Array;
}

/** Builds a fresh, unfitted regressor for inputs of a given width. */
export type RegressorFactory = (inputSize: number) => Regressor;
