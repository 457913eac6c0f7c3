import { z } from 'zod';
import { ConfigError } from '../errors.js';
import type { Sample } from '../space/types.js';
import { Rng } from '../util/rng.js';
import { fidelityBrackets, HyperbandOptions } from './hyperband.js';
import { intOption, parseStrategyOptions } from './options.js';
import { TrialBook } from './pending.js';
import type { Observation, Proposal, Strategy, StrategyContext } from './types.js';

/** Options of {@link Asha}: Hyperband's (η, fidelities, dedup) plus the early-stopping rate. */
export const AshaOptions = HyperbandOptions.extend({
  /** s: the bottom rung starts at the fidelity of Hyperband's bracket s (0: the smallest, most aggressive). */
  early_stopping_rate: intOption(0, 100, 0),
}).strict();
/** {@link Asha}'s options as a config or caller writes them (every field optional, snake_case). */
export interface AshaOptions extends z.input<typeof AshaOptions> {}
/** AshaOptions with every default filled in. */
type ResolvedAshaOptions = z.output<typeof AshaOptions>;

/**
 * The rungs of asynchronous successive halving, apart from any strategy so that a pruner can use
 * them too: rung k holds the results reported at fidelity k; a configuration is promotable from
 * rung k when it is among the top ⌊n_k/η⌋ of the n_k results there and not promoted yet.
 * Configurations are plain numbers (a strategy's config index, a pruner's trial number).
 */
export class AshaRungs {
  private readonly results: { id: number; value: number }[][];
  private readonly promoted: Set<number>[];

  constructor(
    /** Fidelity of each rung, strictly increasing. */
    readonly fidelities: readonly number[],
    readonly eta: number,
  ) {
    if (fidelities.length === 0 || fidelities.some((f, i) => i > 0 && !(f > fidelities[i - 1]))) {
      throw new RangeError(`AshaRungs: fidelities must be a non-empty, strictly increasing list, got [${fidelities.join(', ')}]`);
    }
    if (!(eta > 1)) throw new RangeError(`AshaRungs: eta must exceed 1, got ${eta}`);
    this.results = fidelities.map(() => []);
    this.promoted = fidelities.map(() => new Set());
  }

  /** Records the result of configuration `id` at rung `rung` (kept in rank order: best first, ties by smaller id). */
  record(rung: number, id: number, value: number): void {
    const list = this.results[rung];
    // Binary search for the first entry ranked below the new one; a rung stays sorted, so `top` and
    // `promote` read a prefix instead of sorting every rung on every ask.
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const e = list[mid];
      if (e.value > value || (e.value === value && e.id < id)) lo = mid + 1;
      else hi = mid;
    }
    list.splice(lo, 0, { id, value });
  }

  /** Number of results at a rung. */
  size(rung: number): number {
    return this.results[rung].length;
  }

  /** The ids of the top ⌊n/η⌋ results of a rung, best first (ties: smaller id first). */
  top(rung: number): number[] {
    const k = Math.floor(this.results[rung].length / this.eta);
    return this.results[rung].slice(0, k).map((r) => r.id);
  }

  /** The 0-based rank of configuration `id` at a rung (best first, ties by smaller id), or −1 when it has no result there. */
  rank(rung: number, id: number): number {
    return this.results[rung].findIndex((r) => r.id === id);
  }

  /** Whether `value` would rank among the top ⌊(n+1)/η⌋ of rung `rung` if it were added (the pruner's question). */
  wouldBeTop(rung: number, value: number): boolean {
    const k = Math.floor((this.results[rung].length + 1) / this.eta);
    const better = this.results[rung].filter((r) => r.value > value).length;
    return better < k;
  }

  /**
   * ASHA's promotion rule (Li et al. 2020, Algorithm 2, get_job): from the highest rung below the
   * top down to rung 0, the best configuration of that rung's top ⌊n/η⌋ not promoted yet; marks it
   * promoted. Null when there is none (then a new configuration starts at rung 0).
   */
  promote(): { id: number; rung: number } | null {
    for (let rung = this.fidelities.length - 2; rung >= 0; rung--) {
      const list = this.results[rung];
      const k = Math.floor(list.length / this.eta);
      for (let i = 0; i < k; i++) {
        const id = list[i].id;
        if (this.promoted[rung].has(id)) continue;
        this.promoted[rung].add(id);
        return { id, rung: rung + 1 };
      }
    }
    return null;
  }
}

/**
 * ASHA: Li, Jamieson, Rostamizadeh, Gonina, Ben-tzur, Hardt, Recht & Talwalkar, "A System for
 * Massively Parallel Hyperparameter Tuning", MLSys 2020 (asynchronous successive halving). Each
 * ask promotes the best not-yet-promoted configuration of the top 1/η of some rung (highest rung
 * first, see {@link AshaRungs.promote}); when none is promotable it starts a new uniformly drawn
 * configuration at the bottom rung. Nothing waits for a rung to fill, so any number of asks may be
 * outstanding.
 *
 * Rung fidelities are Hyperband's bracket `early_stopping_rate` (see `fidelityBrackets`: the
 * schedule for R = max/min, snapped to the offered fidelities, repeated ones dropped), so the top
 * rung is `max_fidelity` (the paper's r·η^k never exceeds R and may stop below it). Deviations: a
 * failed or pruned trial is not recorded in its rung (it is never promoted); first-rung
 * configurations already proposed are redrawn (up to `dedup_tries`); a promoted configuration is
 * evaluated anew at the higher fidelity (the estimator decides whether that continues training).
 */
export class Asha implements Strategy {
  readonly name = 'asha';
  private readonly rng: Rng;
  private readonly options: ResolvedAshaOptions;
  /** The rungs (exposed for inspection and tests). */
  readonly rungs: AshaRungs;
  private readonly configs: Sample[] = [];
  private readonly seen = new Set<string>();
  private readonly book = new TrialBook<{ config: number; rung: number }>();

  constructor(
    private readonly context: StrategyContext,
    options: Readonly<Record<string, unknown>> = {},
  ) {
    this.options = parseStrategyOptions('asha', AshaOptions, options);
    this.rng = new Rng(context.seed);
    const brackets = fidelityBrackets(this.options);
    const s = this.options.early_stopping_rate;
    if (s >= brackets.length) {
      throw new ConfigError('BAD_STRATEGY_OPTION', `asha: option early_stopping_rate ${s} leaves no rung; with these fidelities and eta it must be below ${brackets.length}`);
    }
    const fidelities = brackets[s].rungs.map((r) => r.fidelity).filter((f, i, all) => i === 0 || f !== all[i - 1]);
    this.rungs = new AshaRungs(fidelities, this.options.eta);
  }

  ask(): Proposal {
    const promotion = this.rungs.promote();
    let config: number;
    let rung: number;
    if (promotion) {
      ({ id: config, rung } = promotion);
    } else {
      let sample = this.context.space.random(this.rng);
      for (let t = 0; t < this.options.dedup_tries && this.seen.has(this.context.space.key(sample)); t++) sample = this.context.space.random(this.rng);
      this.seen.add(this.context.space.key(sample));
      config = this.configs.push(sample) - 1;
      rung = 0;
    }
    const sample = this.configs[config];
    this.book.ask(sample, { config, rung });
    return { sample, fidelity: this.rungs.fidelities[rung], attrs: { config, rung } };
  }

  tell(observation: Observation): void {
    const told = this.book.tell(observation);
    if (!told?.tag || !told.result) return;
    this.rungs.record(told.tag.rung, told.tag.config, told.result.value);
  }
}
