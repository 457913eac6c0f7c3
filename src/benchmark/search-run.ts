import { performance } from 'node:perf_hooks';
import { ConfigError } from '../errors.js';
import type { Proposal, Strategy } from '../strategy/types.js';
import { renameDeprecated, type Deprecations } from '../util/deprecated.js';
import { round, summarize, type Summary } from './stats.js';

/** How long one benchmark search runs: a number of evaluations or a simulated training time. */
export interface SearchLimits {
  /** Stop after this many evaluations (default 150 unless `budget_seconds` is given). */
  readonly queries?: number;
  /** Stop when the simulated training cost would exceed this many seconds. */
  readonly budget_seconds?: number;
  /** @deprecated Use `budget_seconds`. */
  readonly budgetSeconds?: number;
  /** Query counts at which the best-so-far is recorded (default: every 10). */
  readonly checkpoints?: readonly number[];
}

/**
 * The benchmark harness's options before they were snake_case (issue 17): still accepted, each
 * with one deprecation line per process (`util/deprecated.ts`); giving both spellings is a
 * `ConfigError` `BAD_BENCHMARK_OPTION`.
 */
export const BENCHMARK_DEPRECATIONS: Deprecations = {
  names: { strategyOptions: 'strategy_options', budgetSeconds: 'budget_seconds', seedBase: 'seed_base' },
};

/** `options` with the old camelCase spellings replaced by the snake_case ones (see {@link BENCHMARK_DEPRECATIONS}); `where` names the function in messages. */
export function benchmarkOptions<T extends object>(where: string, options: T): T {
  return renameDeprecated(where, options as Readonly<Record<string, unknown>>, BENCHMARK_DEPRECATIONS, 'BAD_BENCHMARK_OPTION') as T;
}

/** One evaluation as the benchmark loop sees it: what was evaluated (`id`), its signal and simulated cost. */
export interface Evaluated<Id> {
  readonly id: Id;
  readonly value: number;
  readonly costSeconds: number;
}

/** What one search found: the returned architecture, the best-so-far at each checkpoint, the cost. */
export interface SearchOutcome<Id> {
  /** The returned architecture: the best signal at the highest fidelity evaluated. */
  readonly best: { readonly id: Id; readonly signal: number; readonly fidelity: number };
  /** The returned architecture at each checkpoint reached (a search stopped by its budget repeats its last). */
  readonly curve: readonly { readonly queries: number; readonly id: Id; readonly signal: number }[];
  readonly queries: number;
  readonly simulatedSeconds: number;
  /** Time spent inside the strategy's ask and tell, in ms. */
  readonly strategyMs: number;
}

/** Refuses a query count or budget that is not positive (`BAD_QUERIES`, `BAD_BUDGET`). */
export function checkLimits(limits: SearchLimits): void {
  if (limits.queries !== undefined && (!Number.isInteger(limits.queries) || limits.queries < 1)) {
    throw new ConfigError('BAD_QUERIES', `--queries must be a positive integer, got ${limits.queries}`);
  }
  if (limits.budget_seconds !== undefined && !(limits.budget_seconds > 0)) {
    throw new ConfigError('BAD_BUDGET', `--budget-seconds must be a positive number, got ${limits.budget_seconds}`);
  }
}

/** Refuses a seed count that is not a positive integer (`BAD_SEEDS`). */
export function checkSeeds(seeds: number): void {
  if (!Number.isInteger(seeds) || seeds < 1) throw new ConfigError('BAD_SEEDS', `--seeds must be a positive integer, got ${seeds}`);
}

function defaultCheckpoints(limit: number): number[] {
  const points: number[] = [];
  for (let q = 10; q < limit; q += 10) points.push(q);
  points.push(limit);
  return points;
}

/**
 * One benchmark search as a small state machine, so that a synchronous table look-up (NB201) and a
 * batched, asynchronous surrogate (NB301, many seeds in lock step) share the same rules: `ask`,
 * evaluate the proposal however the benchmark does, `record`; repeat until `done`. The strategy
 * sees only the signal; a proposal whose cost would overrun the budget ends the search untold.
 * Where a strategy proposes several fidelities, the returned architecture is the best at the
 * highest fidelity seen.
 */
export class SearchRun<Id> {
  private readonly limits: SearchLimits;
  private readonly maxQueries: number;
  private readonly checkpoints: readonly number[];
  private nextCheckpoint = 0;
  private spent = 0;
  private queries = 0;
  private strategyMs = 0;
  private stopped = false;
  private best: { id: Id; signal: number; fidelity: number } | null = null;
  private readonly curve: { queries: number; id: Id; signal: number }[] = [];

  constructor(
    private readonly strategy: Strategy,
    limits: SearchLimits,
    /** The fidelity of a proposal that names none (the estimator's default). */
    private readonly defaultFidelity: number,
  ) {
    this.limits = benchmarkOptions('SearchRun', limits);
    checkLimits(this.limits);
    this.maxQueries = this.limits.queries ?? (this.limits.budget_seconds === undefined ? 150 : Number.POSITIVE_INFINITY);
    this.checkpoints = this.limits.checkpoints ?? defaultCheckpoints(Number.isFinite(this.maxQueries) ? this.maxQueries : 1000);
  }

  /** Whether the search has used its queries or its budget. */
  get done(): boolean {
    return this.stopped || this.queries >= this.maxQueries;
  }

  /** The strategy's next proposal (timed). */
  ask(): Proposal {
    const t0 = performance.now();
    const proposal = this.strategy.ask();
    this.strategyMs += performance.now() - t0;
    return proposal;
  }

  /** Records the evaluation of the last proposal and tells the strategy, unless it overruns the budget. */
  record(proposal: Proposal, result: Evaluated<Id>): void {
    if (this.limits.budget_seconds !== undefined && this.spent + result.costSeconds > this.limits.budget_seconds) {
      this.stopped = true;
      return;
    }
    this.spent += result.costSeconds;
    this.queries++;
    const fidelity = proposal.fidelity ?? this.defaultFidelity;
    const best = this.best;
    if (!best || fidelity > best.fidelity || (fidelity === best.fidelity && result.value > best.signal)) {
      this.best = { id: result.id, signal: result.value, fidelity };
    }
    const t0 = performance.now();
    this.strategy.tell({ trial: this.queries - 1, sample: proposal.sample, state: 'complete', value: result.value, fidelity: proposal.fidelity });
    this.strategyMs += performance.now() - t0;
    while (this.nextCheckpoint < this.checkpoints.length && this.checkpoints[this.nextCheckpoint] === this.queries) {
      this.curve.push({ queries: this.queries, id: this.best!.id, signal: this.best!.signal });
      this.nextCheckpoint++;
    }
  }

  /** The outcome; throws `BUDGET_TOO_SMALL` when not a single evaluation fitted the budget. */
  finish(): SearchOutcome<Id> {
    const best = this.best;
    if (!best) throw new ConfigError('BUDGET_TOO_SMALL', `the budget of ${this.limits.budget_seconds} simulated seconds does not cover a single evaluation`);
    const curve = [...this.curve];
    // A search that stopped early (time budget) keeps its best for the later checkpoints.
    if (Number.isFinite(this.maxQueries)) {
      for (let i = this.nextCheckpoint; i < this.checkpoints.length; i++) curve.push({ queries: this.checkpoints[i], id: best.id, signal: best.signal });
    }
    return { best: { ...best }, curve, queries: this.queries, simulatedSeconds: this.spent, strategyMs: this.strategyMs };
  }
}

/** One finished search reduced to numbers: the reported figure, the signal, the curve of reported figures. */
export interface ScoredRun {
  readonly reported: number;
  readonly signal: number;
  /** The reported figure of the best-so-far at each checkpoint. */
  readonly curve: readonly { readonly queries: number; readonly reported: number }[];
  readonly queries: number;
  readonly strategyMs: number;
}

/** The fields every `bench` report shares, summarised over seeds. */
export interface BenchSummary {
  readonly seeds: number;
  readonly queries: number;
  readonly final: Summary;
  readonly curve: readonly { readonly queries: number; readonly mean: number; readonly std: number }[];
  readonly signal_final: { readonly mean: number; readonly std: number };
  readonly ms_per_query: number;
  /** Per-seed reported figures, in seed order (for paired comparisons). */
  readonly per_seed: readonly number[];
  /** Per-seed reported figure at each curve point (same order as `curve`), for paired comparisons before the end. */
  readonly per_seed_curve: readonly (readonly number[])[];
}

/** Summarises K scored searches (in seed order) as the `bench` reports print them. */
export function summarizeRuns(runs: readonly ScoredRun[]): BenchSummary {
  const finals = runs.map((r) => r.reported);
  const final = summarize(finals);
  const signalFinal = summarize(runs.map((r) => r.signal));
  const curvePoints = runs[0].curve.map((p) => p.queries);
  const perSeedCurve = curvePoints.map((_, i) => runs.map((r) => r.curve[i]?.reported ?? r.reported));
  const curve = curvePoints.map((queries, i) => {
    const s = summarize(perSeedCurve[i]);
    return { queries, mean: round(s.mean), std: round(s.std) };
  });
  const totalQueries = runs.reduce((a, r) => a + r.queries, 0);
  return {
    seeds: runs.length,
    queries: Math.round(totalQueries / runs.length),
    final: { mean: round(final.mean), std: round(final.std), min: round(final.min), max: round(final.max) },
    curve,
    signal_final: { mean: round(signalFinal.mean), std: round(signalFinal.std) },
    ms_per_query: round(runs.reduce((a, r) => a + r.strategyMs, 0) / totalQueries, 5),
    per_seed: finals,
    per_seed_curve: perSeedCurve,
  };
}

/**
 * A `bench` report in the contract's key order: the benchmark's own head fields, the shared
 * summary, the benchmark's extra fields, then the strategy time and the per-seed lists.
 */
export function benchReport<Head extends object, Extra extends object>(
  head: Head,
  summary: BenchSummary,
  budgetSeconds: number | undefined,
  extra: Extra,
): Head & BenchSummary & { readonly budget_seconds: number | null } & Extra {
  const { seeds, queries, final, curve, signal_final, ms_per_query, per_seed, per_seed_curve } = summary;
  return { ...head, seeds, queries, budget_seconds: budgetSeconds ?? null, final, curve, signal_final, ...extra, ms_per_query, per_seed, per_seed_curve };
}
