import type { Sample, Space } from '../../space/types.js';
import type { Observation, Proposal, Strategy } from '../../strategy/types.js';
import { Rng } from '../../util/rng.js';

/** Options of {@link rankByProxy}. */
export interface RankOptions {
  /** Architectures to draw (distinct keys) and score. */
  readonly sample: number;
  /** How many of the best to keep. */
  readonly top: number;
  readonly seed: number;
}

/**
 * Draws `sample` distinct architectures of `space` with `seed`, scores each with `score` (a proxy;
 * larger is better) and returns the best `top`, best first (ties keep the draw order).
 */
export async function rankByProxy(space: Space, score: (sample: Sample) => number | Promise<number>, options: RankOptions): Promise<{ sample: Sample; score: number }[]> {
  if (!Number.isInteger(options.top) || options.top < 1 || options.top > options.sample) throw new RangeError(`rankByProxy: top must be an integer from 1 to sample (${options.sample}), got ${options.top}`);
  const rng = new Rng(options.seed);
  const seen = new Set<string>();
  const scored: { sample: Sample; score: number; order: number }[] = [];
  for (let tries = 0; scored.length < options.sample && tries < options.sample * 20; tries++) {
    const s = space.random(rng);
    const key = space.key(s);
    if (seen.has(key)) continue;
    seen.add(key);
    scored.push({ sample: s, score: await score(s), order: scored.length });
  }
  scored.sort((a, b) => b.score - a.score || a.order - b.order);
  return scored.slice(0, options.top).map(({ sample, score: v }) => ({ sample, score: v }));
}

/**
 * A warm start for any strategy: its first asks are the given architectures (the proxy's top k,
 * from {@link rankByProxy}), trained as ordinary trials; after them the inner strategy proposes as
 * usual. The inner strategy sees only its own trials, renumbered from 0 (trial k + n is its n-th
 * ask), since a strategy may refuse results of trials it never asked; so the warm start spends the
 * first k trials on the proxy's choice and the search goes on from there. Deterministic over the
 * list and the inner strategy's seed, so it replays.
 */
export class ProxyWarmStart implements Strategy {
  readonly name: string;
  #next = 0;
  readonly #starts: readonly Sample[];

  constructor(
    readonly inner: Strategy,
    starts: readonly Sample[],
  ) {
    this.name = `${inner.name}+proxy-warm-start`;
    this.#starts = starts;
  }

  ask(): Proposal {
    const i = this.#next++;
    if (i < this.#starts.length) return { sample: this.#starts[i], attrs: { warm_start: i } };
    return this.inner.ask();
  }

  tell(observation: Observation): void {
    const k = this.#starts.length;
    if (observation.trial >= k) this.inner.tell({ ...observation, trial: observation.trial - k });
  }
}
