import type { Rng } from '../util/rng.js';
import type { SampleError } from '../errors.js';

/** The value a leaf choice takes. */
export type Value = string | number | boolean;

/**
 * An architecture: a plain, immutable assignment of a value to every leaf label, keys in the
 * space's canonical (leaf) order. JSON-serialisable; `Space.key` gives its one canonical string.
 */
export type Sample = Readonly<Record<string, Value>>;

/** The encodings a space may offer (see `Space.encodings`). */
export type EncodingName = 'onehot' | 'adjacency' | 'path';

/**
 * One elementary choice of a space (NNI's "leaf mutable"): a categorical, an integer or a float range.
 * Leaves know nothing of the engine or of other leaves; constraints between leaves belong to the space.
 */
export interface Leaf<V extends Value = Value> {
  /** Unique within its space; derived from the module path (`cell.edge_2_1`), never a counter. */
  readonly label: string;
  readonly kind: 'categorical' | 'int' | 'float';
  /** A uniformly drawn value. */
  random(rng: Rng): V;
  /** The value used when nothing is chosen. */
  default(): V;
  /** Every value for a finite leaf; a float range gives an evenly spaced grid. */
  grid(): readonly V[];
  /** Why `value` is not a valid value of this leaf (one line, naming the valid choices), or null. */
  check(value: unknown): string | null;
  /** The values one edit away from `value` (categorical: all others; ranges: the adjacent steps). */
  neighbours(value: V): V[];
}

/**
 * A search space: its leaves, the constraints between them, and the operations strategies use.
 * Every method is pure: samples in, samples out, randomness through the `rng` argument.
 */
export interface Space {
  /** Registry name, e.g. `nb201`. */
  readonly name: string;
  /** One line for `naskit space list`. */
  readonly description: string;
  /**
   * The space's settings with defaults filled in: its own (e.g. `layers`) and its network's (e.g.
   * `channels`); part of what a trained architecture means. Absent or empty where there are none.
   */
  readonly options?: Readonly<Record<string, Value>>;
  /** The leaves in canonical order. */
  leaves(): readonly Leaf[];
  /** Number of valid architectures, or null when unbounded (float leaves). */
  size(): number | null;
  /** Number of architectures after removing isomorphic duplicates, where the space defines it, else null. */
  uniqueSize(): number | null;
  /** Why `sample` is not in the space (an error whose `path` names the leaf), or null. */
  check(sample: unknown): SampleError | null;
  /** Validates (throws `SampleError`) and returns the sample with keys in canonical order, frozen. */
  freeze(sample: Readonly<Record<string, unknown>>): Sample;
  /** A uniformly drawn valid architecture. */
  random(rng: Rng): Sample;
  /** A valid architecture one edit away from `sample`. */
  mutate(sample: Sample, rng: Rng): Sample;
  /** Every valid architecture one edit away from `sample`. */
  neighbours(sample: Sample): Sample[];
  /** A valid child that takes each choice from one of the two parents. */
  crossover(a: Sample, b: Sample, rng: Rng): Sample;
  /** One canonical string per sample (for hashing, storage, equality). */
  key(sample: Sample): string;
  /** One string per isomorphism class (equal for samples that compute the same function); `key` where undefined. */
  isoKey(sample: Sample): string;
  /** The space's official text form (e.g. the NAS-Bench-201 arch string). */
  format(sample: Sample): string;
  /** Inverse of `format`; throws `SampleError` naming the bad part and the valid choices. */
  parse(text: string): Sample;
  /** The encodings this space offers. */
  encodings(): readonly EncodingName[];
  /** A numeric vector for predictors and kernels. */
  encode(sample: Sample, encoding: EncodingName): number[];
  /** Inverse of `encode` where the encoding is invertible (`onehot`, `adjacency`); throws otherwise. */
  decode(vector: readonly number[], encoding: EncodingName): Sample;
}
