import { z } from 'zod';
import { ConfigError } from '../errors.js';
import type { Sample } from '../space/types.js';
import { Rng } from '../util/rng.js';
import { intOption, numberOption, parseStrategyOptions } from './options.js';
import { TrialBook } from './pending.js';
import type { Observation, Proposal, Strategy, StrategyContext } from './types.js';

/** One rung of a bracket in the paper's units: `n` configurations, each with resource `r` (× the minimum). */
export interface HyperbandRung {
  readonly n: number;
  readonly r: number;
}

/** One bracket of Hyperband: `s` rounds of successive halving after the first rung. */
export interface HyperbandBracket {
  readonly s: number;
  readonly rungs: readonly HyperbandRung[];
}

/**
 * The brackets of Hyperband (Li et al. 2018, Algorithm 1) for a maximum resource `R` (in units of
 * the minimum resource) and halving rate `eta`, from the most exploratory (s = s_max) down to s = 0:
 * s_max = ⌊log_η R⌋, B = (s_max + 1)·R, n = ⌈(B/R)·η^s/(s+1)⌉, r = R·η^−s, and rung i has
 * ⌊n·η^−i⌋ configurations with resource r·η^i. R = 81, η = 3 gives the paper's Table 1.
 */
export function hyperbandBrackets(R: number, eta: number): HyperbandBracket[] {
  if (!(R >= 1) || !(eta > 1)) throw new RangeError(`hyperbandBrackets: need R ≥ 1 and eta > 1, got R=${R}, eta=${eta}`);
  // The small tolerance keeps log_3(81) = 4 from coming out as 3.9999999.
  const sMax = Math.floor(Math.log(R) / Math.log(eta) + 1e-9);
  const B = (sMax + 1) * R;
  const brackets: HyperbandBracket[] = [];
  for (let s = sMax; s >= 0; s--) {
    const n = Math.ceil((B / R) * (eta ** s / (s + 1)) - 1e-9);
    const r = R * eta ** -s;
    const rungs: HyperbandRung[] = [];
    for (let i = 0; i <= s; i++) rungs.push({ n: Math.floor(n * eta ** -i + 1e-9), r: r * eta ** i });
    brackets.push({ s, rungs });
  }
  return brackets;
}

/** Options shared by {@link Hyperband} and BOHB. */
export const HyperbandOptions = z
  .object({
    /** Halving rate η: each rung keeps the best 1/η. */
    eta: numberOption(1.000001, 1e6, 3),
    /** Smallest fidelity (e.g. epochs) a bracket starts at; default: the smallest of `fidelities`. */
    min_fidelity: z.number({ error: 'expected a positive number' }).positive({ error: 'expected a positive number' }).optional(),
    /** Largest fidelity; default: the largest of `fidelities`. */
    max_fidelity: z.number({ error: 'expected a positive number' }).positive({ error: 'expected a positive number' }).optional(),
    /** The fidelities the estimator offers (NB201: 12 and 200 epochs); each rung's is snapped to the nearest of these. */
    fidelities: z.array(z.number({ error: 'expected positive numbers' }).positive({ error: 'expected positive numbers' }), { error: 'expected a list of positive numbers' }).min(1, { error: 'expected at least one fidelity' }).default([12, 200]),
    /** Tries to find a first-rung configuration not proposed before, before accepting a repeat. */
    dedup_tries: intOption(0, 10_000, 50),
  })
  .strict();
/** Options of {@link Hyperband}; every field is optional (defaults: the schema, listed in docs/strategies*.md). */
export interface HyperbandOptions extends z.input<typeof HyperbandOptions> {}
/** HyperbandOptions with every default filled in. */
type Resolved = z.output<typeof HyperbandOptions>;

/** A bracket with its fidelities, as the strategy runs it. */
export interface FidelityBracket {
  readonly s: number;
  readonly rungs: readonly { readonly n: number; readonly fidelity: number }[];
}

/**
 * The brackets in fidelities: the paper's schedule for R = max/min, each rung's resource
 * (min·r) snapped to the offered fidelity nearest on a log scale (ties: the larger) within
 * [min, max]. Consecutive rungs may then share a fidelity; promotion between them needs no new
 * evaluation.
 */
export function fidelityBrackets(given: HyperbandOptions): FidelityBracket[] {
  // Only Hyperband's own options: a subclass (BOHB) passes its wider, already validated options.
  const own = Object.fromEntries(Object.entries(given).filter(([k]) => k in HyperbandOptions.shape));
  const options: Resolved = HyperbandOptions.parse(own);
  const offered = [...new Set(options.fidelities)].sort((a, b) => a - b);
  const min = options.min_fidelity ?? offered[0];
  const max = options.max_fidelity ?? offered[offered.length - 1];
  const usable = offered.filter((f) => f >= min && f <= max);
  // min = max is allowed: one rung, every configuration at that fidelity (the full-fidelity baseline).
  if (!(max >= min) || usable.length === 0) {
    throw new ConfigError(
      'BAD_STRATEGY_OPTION',
      `hyperband: options min_fidelity (${min}) and max_fidelity (${max}) must satisfy min <= max with at least one of fidelities (${offered.join(', ')}) between them`,
    );
  }
  const snap = (f: number): number => usable.reduce((best, u) => (Math.abs(Math.log(u / f)) <= Math.abs(Math.log(best / f)) ? u : best));
  return hyperbandBrackets(max / min, options.eta).map(({ s, rungs }) => ({ s, rungs: rungs.map(({ n, r }) => ({ n, fidelity: snap(min * r) })) }));
}

/** A configuration in a rung: its sample, and its value once known (−Infinity = failed). */
interface Slot {
  readonly sample: Sample;
  readonly first: number;
  value: number | null;
}

/** One bracket in progress. */
interface BracketRun {
  /** Sequence number of the bracket (0, 1, 2, …); its s cycles s_max … 0. */
  readonly index: number;
  readonly plan: FidelityBracket;
  rung: number;
  /** Configurations of the current rung; on rung 0 filled as they are asked. */
  slots: Slot[];
  /** Slots of the current rung not yet asked (indices into `slots`); rung 0 draws new ones instead. */
  toAsk: number[];
}

/** Where an ask belongs, to file its tell. */
interface Tag {
  readonly bracket: BracketRun;
  readonly rung: number;
  readonly slot: number;
}

/**
 * Hyperband: Li, Jamieson, DeSalvo, Rostamizadeh & Talwalkar, "Hyperband: A Novel Bandit-Based
 * Approach to Hyperparameter Optimization", JMLR 18(185), 2018. Brackets of successive halving
 * (Jamieson & Talwalkar 2016) with different trade-offs between many cheap and few expensive
 * evaluations, repeated forever (s = s_max … 0, then again). Proposals carry `fidelity`.
 *
 * Deviations from the paper, for discrete fidelities and ask/tell:
 * - the resource of a rung is snapped to the nearest offered fidelity (NB201: 12 or 200 epochs;
 *   see {@link fidelityBrackets}); when consecutive rungs snap to the same fidelity, the
 *   promoted configurations keep their result instead of being evaluated again;
 * - asynchronous brackets (as BOHB's parallel scheme): an ask is served by the oldest bracket that
 *   has something to propose; when every open bracket waits for results of its current rung, the
 *   next bracket of the cycle is opened and proposes instead. Sequential ask/tell therefore runs
 *   the paper's schedule exactly, one bracket after the other;
 * - a failed trial ranks last and is never promoted; a rung whose results are all failures ends
 *   its bracket early;
 * - first-rung configurations already proposed are redrawn (up to `dedup_tries`).
 */
export class Hyperband implements Strategy {
  readonly name: string = 'hyperband';
  protected readonly rng: Rng;
  protected readonly options: Resolved;
  private readonly book = new TrialBook<Tag>();
  private readonly plans: readonly FidelityBracket[];
  private readonly open: BracketRun[] = [];
  private opened = 0;
  private readonly seen = new Set<string>();

  constructor(
    protected readonly context: StrategyContext,
    options: HyperbandOptions = {},
    strategyName = 'hyperband',
    schema: z.ZodObject = HyperbandOptions,
  ) {
    // A subclass passes its own schema (a superset of Hyperband's), so its options are not refused here.
    this.options = parseStrategyOptions(strategyName, schema, options) as Resolved;
    this.rng = new Rng(context.seed);
    this.plans = fidelityBrackets(this.options);
  }

  /** The brackets of one Hyperband iteration, in fidelities. */
  get brackets(): readonly FidelityBracket[] {
    return this.plans;
  }

  ask(): Proposal {
    let bracket = this.open.find((b) => b.toAsk.length > 0 || (b.rung === 0 && b.slots.length < b.plan.rungs[0].n));
    if (!bracket) {
      bracket = { index: this.opened, plan: this.plans[this.opened % this.plans.length], rung: 0, slots: [], toAsk: [] };
      this.opened++;
      this.open.push(bracket);
    }
    let slot: number;
    if (bracket.rung === 0 && bracket.toAsk.length === 0) {
      const fidelity = bracket.plan.rungs[0].fidelity;
      let sample = this.sampleConfig(fidelity);
      for (let t = 0; t < this.options.dedup_tries && this.seen.has(this.context.space.key(sample)); t++) sample = this.sampleConfig(fidelity);
      this.seen.add(this.context.space.key(sample));
      bracket.slots.push({ sample, first: -1, value: null });
      slot = bracket.slots.length - 1;
    } else {
      slot = bracket.toAsk.shift()!;
    }
    const { sample } = bracket.slots[slot];
    const fidelity = bracket.plan.rungs[bracket.rung].fidelity;
    const trial = this.book.ask(sample, { bracket, rung: bracket.rung, slot });
    if (bracket.rung === 0) bracket.slots[slot] = { ...bracket.slots[slot], first: trial };
    return { sample, fidelity, attrs: { bracket: bracket.index, s: bracket.plan.s, rung: bracket.rung } };
  }

  tell(observation: Observation): void {
    const told = this.book.tell(observation);
    if (!told) return;
    const tag = told.tag;
    if (told.result) this.observe(told.result.sample, tag ? tag.bracket.plan.rungs[tag.rung].fidelity : observation.fidelity, told.result.value);
    if (!tag || tag.bracket.rung !== tag.rung) return;
    tag.bracket.slots[tag.slot].value = told.result ? told.result.value : -Infinity;
    this.advance(tag.bracket);
  }

  /** Whether this strategy has already proposed `sample` for a first rung. */
  protected proposed(sample: Sample): boolean {
    return this.seen.has(this.context.space.key(sample));
  }

  /** A configuration for the first rung of a bracket (Hyperband: uniform; BOHB: its model). */
  protected sampleConfig(_fidelity: number): Sample {
    return this.context.space.random(this.rng);
  }

  /** Every complete result, with its fidelity (BOHB feeds its model; Hyperband needs nothing). */
  protected observe(_sample: Sample, _fidelity: number | undefined, _value: number): void {}

  /** Promotes while the current rung is complete: top ⌊n/η⌋ by value (ties: earlier trial first). */
  private advance(bracket: BracketRun): void {
    for (;;) {
      const rung = bracket.plan.rungs[bracket.rung];
      // Rung 0 fills up as it is asked; later rungs hold their promoted slots from the start.
      const filled = bracket.rung > 0 || bracket.slots.length === rung.n;
      const complete = filled && bracket.toAsk.length === 0 && bracket.slots.every((s) => s.value !== null);
      if (!complete) return;
      const next = bracket.plan.rungs[bracket.rung + 1];
      const ranked = bracket.slots.filter((s) => Number.isFinite(s.value)).sort((a, b) => b.value! - a.value! || a.first - b.first);
      if (!next || ranked.length === 0) {
        this.open.splice(this.open.indexOf(bracket), 1);
        return;
      }
      const sameFidelity = next.fidelity === rung.fidelity;
      bracket.rung++;
      bracket.slots = ranked.slice(0, next.n).map((s) => ({ sample: s.sample, first: s.first, value: sameFidelity ? s.value : null }));
      bracket.toAsk = sameFidelity ? [] : bracket.slots.map((_, i) => i);
    }
  }
}
