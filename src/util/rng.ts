import { xoroshiro128plus } from 'pure-rand/generator/XoroShiro';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/**
 * A seeded random number generator (xoroshiro128+ from `pure-rand`) with the draws NAS code needs.
 * Randomness in naskit is always passed in as an `Rng`, never taken from `Math.random`.
 * Its state serialises with {@link Rng.state} and comes back with {@link Rng.fromState}.
 */
export class Rng {
  private gen: RandomGenerator;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new TypeError(`Rng: seed must be an integer, got ${seed}`);
    // Fold seeds beyond 32 bits into the 32 the generator takes.
    this.gen = xoroshiro128plus(((seed >>> 0) ^ Math.floor(seed / 4294967296)) | 0);
  }

  /** Restores a generator from {@link Rng.state}. */
  static fromState(state: readonly number[]): Rng {
    const rng = new Rng(0);
    rng.gen = xoroshiro128plus.fromState(state);
    return rng;
  }

  /** The generator's internal state (plain numbers, JSON-safe). */
  state(): number[] {
    return [...this.gen.getState()];
  }

  /** An unsigned 32-bit integer. */
  uint32(): number {
    return this.gen.unsafeNext() >>> 0;
  }

  /** A float in [0, 1) with 53 random bits. */
  float(): number {
    const hi = this.uint32() >>> 5; // 27 bits
    const lo = this.uint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`Rng.int: n must be a positive integer, got ${n}`);
    return Math.floor(this.float() * n);
  }

  /** An integer in [lo, hi] (both inclusive). */
  intBetween(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  /** A uniformly chosen element. */
  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Rng.choice: cannot choose from an empty list');
    return items[this.int(items.length)];
  }

  /** `k` distinct elements in random order (k ≤ items.length). */
  sample<T>(items: readonly T[], k: number): T[] {
    if (k > items.length) throw new RangeError(`Rng.sample: k=${k} exceeds the ${items.length} items`);
    const copy = items.slice();
    for (let i = 0; i < k; i++) {
      const j = i + this.int(copy.length - i);
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy.slice(0, k);
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    return this.sample(items, items.length);
  }

  /** A standard normal draw (Box–Muller). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.float();
    const v = this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A true with probability p. */
  bernoulli(p: number): boolean {
    return this.float() < p;
  }

  /** An index drawn with probability proportional to `weights` (non-negative, not all zero). */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    if (!(total > 0)) throw new RangeError('Rng.weighted: weights must be non-negative and not all zero');
    let r = this.float() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  /** An independent generator derived from this one (consumes two draws). */
  fork(): Rng {
    return new Rng((this.uint32() ^ (this.uint32() << 7)) | 0);
  }
}
