import type { Sample, Space } from '../../space/types.js';
import { Rng } from '../../util/rng.js';
import type { Observation } from '../types.js';

/** A completed trial with a usable (finite) signal. */
export interface Result {
  readonly trial: number;
  readonly sample: Sample;
  readonly value: number;
}

/**
 * What the model-based strategies remember: the asks they made and the results they were told.
 * Everything here is a pure function of the sequence of asks and tells, so a fresh instance that
 * replays a recorded search reaches the same state. Results are kept sorted by trial number, so a
 * surrogate fitted on them does not depend on the order in which tells arrived. A failed, pruned or
 * non-finite observation is remembered as seen (never proposed again) and otherwise ignored.
 */
export class SearchHistory {
  private asks = 0;
  private readonly pending = new Map<number, Sample>();
  private readonly told = new Set<number>();
  private readonly seenIso = new Set<string>();
  private readonly seenKeys = new Set<string>();
  private readonly list: Result[] = [];

  constructor(readonly space: Space) {}

  /** Number of asks so far (= the number of the next trial). */
  get asked(): number {
    return this.asks;
  }

  /** Results told so far, sorted by trial number. */
  get results(): readonly Result[] {
    return this.list;
  }

  /** Records an ask; returns its trial number. */
  ask(sample: Sample): number {
    const trial = this.asks++;
    this.pending.set(trial, sample);
    this.seenIso.add(this.space.isoKey(sample));
    this.seenKeys.add(this.space.key(sample));
    return trial;
  }

  /** Records a tell; returns the result when it is a usable one, else null (never throws). */
  tell(observation: Observation): Result | null {
    if (this.told.has(observation.trial)) return null;
    this.told.add(observation.trial);
    this.pending.delete(observation.trial);
    // A trial asked elsewhere (enqueued by hand, another worker) still counts as seen.
    if (this.space.check(observation.sample) !== null) return null;
    this.seenIso.add(this.space.isoKey(observation.sample));
    this.seenKeys.add(this.space.key(observation.sample));
    const value = observation.value;
    if (observation.state !== 'complete' || typeof value !== 'number' || !Number.isFinite(value)) return null;
    const result: Result = { trial: observation.trial, sample: observation.sample, value };
    let at = this.list.length;
    while (at > 0 && this.list[at - 1].trial > result.trial) at--;
    this.list.splice(at, 0, result);
    return result;
  }

  /** True when an architecture computing the same function was asked or told already. */
  seen(sample: Sample): boolean {
    return this.seenIso.has(this.space.isoKey(sample));
  }

  /** True when an architecture with this isomorphism key (`space.isoKey`) was asked or told already. */
  seenIsoKey(isoKey: string): boolean {
    return this.seenIso.has(isoKey);
  }

  /** True when exactly this architecture was asked or told already. */
  seenExactly(sample: Sample): boolean {
    return this.seenKeys.has(this.space.key(sample));
  }

  /** The `k` best results, best first (ties: earlier trial first). */
  top(k: number): Result[] {
    return this.list
      .slice()
      .sort((a, b) => b.value - a.value || a.trial - b.trial)
      .slice(0, k);
  }

  /** Samples asked but not yet told. */
  outstanding(): Sample[] {
    return [...this.pending.values()];
  }
}

/**
 * The generator for one ask: derived from the strategy's seed and the trial number alone, so a
 * proposal does not depend on how many draws earlier asks happened to use.
 */
export function askRng(seed: number, trial: number, stream = 0): Rng {
  let h = Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(trial + 1, 0x85ebca77) ^ Math.imul(stream + 1, 0xc2b2ae3d);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return new Rng((h ^ (h >>> 16)) | 0);
}

/** How the candidate pool is made. */
export interface PoolOptions {
  /** Number of best results whose neighbourhoods are searched. */
  readonly incumbents: number;
  /** Random multi-edit mutations drawn around each incumbent (2 to 3 edits). */
  readonly mutations: number;
  /** Uniform random architectures added for exploration. */
  readonly random: number;
}

/**
 * The candidates an acquisition function is maximised over (as BANANAS and local search do): every
 * single-edit neighbour of the best results, a few multi-edit mutations of them, and uniform random
 * draws. Architectures already seen (up to isomorphism) are left out, and so are duplicates.
 */
export function candidatePool(history: SearchHistory, rng: Rng, options: PoolOptions): Sample[] {
  const space = history.space;
  const out: Sample[] = [];
  const keys = new Set<string>();
  const add = (sample: Sample): void => {
    // The isomorphism key is the costly part on large cells: computed once per candidate.
    const iso = space.isoKey(sample);
    if (keys.has(iso) || history.seenIsoKey(iso)) return;
    keys.add(iso);
    out.push(sample);
  };
  for (const incumbent of history.top(options.incumbents)) {
    for (const neighbour of space.neighbours(incumbent.sample)) add(neighbour);
    for (let i = 0; i < options.mutations; i++) {
      let child = incumbent.sample;
      const edits = 2 + rng.int(2);
      for (let e = 0; e < edits; e++) child = space.mutate(child, rng);
      add(child);
    }
  }
  for (let i = 0; i < options.random; i++) add(space.random(rng));
  // A nearly exhausted space: fall back to anything unseen so that ask still answers.
  for (let tries = 0; out.length === 0 && tries < 10_000; tries++) add(space.random(rng));
  return out;
}

/** A uniform random architecture not seen yet (any architecture once the space is nearly exhausted). */
export function randomUnseen(history: SearchHistory, rng: Rng): Sample {
  let sample = history.space.random(rng);
  for (let tries = 0; tries < 1000 && history.seen(sample); tries++) sample = history.space.random(rng);
  return sample;
}
