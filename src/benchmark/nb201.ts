import { performance } from 'node:perf_hooks';
import { ConfigError } from '../errors.js';
import { Nb201Table, type Nb201Dataset, type Nb201Signal } from '../estimate/nb201-table.js';
import { TabularEstimator } from '../estimate/tabular.js';
import { Nb201Space } from '../space/nb201.js';
import { createStrategy } from '../strategy/registry.js';
import { round, summarize, type Summary } from './stats.js';

/** One search of one strategy on the NAS-Bench-201 table. */
export interface Nb201SearchOptions {
  readonly strategy: string;
  readonly strategyOptions?: Readonly<Record<string, unknown>>;
  readonly dataset?: Nb201Dataset;
  readonly signal?: Nb201Signal;
  /** Stop after this many evaluations (default 150 unless `budgetSeconds` is given). */
  readonly queries?: number;
  /** Stop when the simulated training cost would exceed this many seconds. */
  readonly budgetSeconds?: number;
  readonly seed: number;
  /** Query counts at which the best-so-far is recorded (default: every 10). */
  readonly checkpoints?: readonly number[];
}

/** The architecture a search returns (chosen by the signal only) and its reported figure. */
export interface Nb201Pick {
  readonly arch: string;
  readonly index: number;
  /** Its value in the signal column (at the signal's own epochs). */
  readonly signal: number;
  /** `{dataset}_test_200ep_mean`, read after the search for this architecture only. */
  readonly reported: number;
}

/** One seed's search: the architecture it returns and its best-so-far curve. */
export interface Nb201SearchResult {
  readonly best: Nb201Pick;
  /** Best-so-far (by signal) at each checkpoint reached. */
  readonly curve: readonly { readonly queries: number; readonly signal: number; readonly reported: number }[];
  readonly queries: number;
  readonly simulatedSeconds: number;
  /** Time spent inside the strategy's ask and tell, in ms. */
  readonly strategyMs: number;
}

function defaultCheckpoints(limit: number): number[] {
  const points: number[] = [];
  for (let q = 10; q < limit; q += 10) points.push(q);
  points.push(limit);
  return points;
}

/**
 * Runs one search (sequential ask → look-up → tell) as the NAS-Bench-201 protocol says: the
 * strategy sees only the signal; the reported figure is read at the end for the returned
 * architecture (and for the best-so-far at each checkpoint, to draw the curve). Where a strategy
 * proposes several fidelities, the returned architecture is the best at the highest fidelity seen.
 */
export function runNb201Search(table: Nb201Table, options: Nb201SearchOptions): Nb201SearchResult {
  if (options.queries !== undefined && (!Number.isInteger(options.queries) || options.queries < 1)) {
    throw new ConfigError('BAD_QUERIES', `--queries must be a positive integer, got ${options.queries}`);
  }
  if (options.budgetSeconds !== undefined && !(options.budgetSeconds > 0)) {
    throw new ConfigError('BAD_BUDGET', `--budget-seconds must be a positive number, got ${options.budgetSeconds}`);
  }
  const space = new Nb201Space();
  const estimator = new TabularEstimator(table, space, { dataset: options.dataset, signal: options.signal });
  const strategy = createStrategy(options.strategy, { space, seed: options.seed }, options.strategyOptions ?? {});
  const maxQueries = options.queries ?? (options.budgetSeconds === undefined ? 150 : Number.POSITIVE_INFINITY);
  const checkpoints = options.checkpoints ?? defaultCheckpoints(Number.isFinite(maxQueries) ? maxQueries : 1000);

  let strategyMs = 0;
  let spent = 0;
  let queries = 0;
  let best: { index: number; signal: number; fidelity: number } | null = null;
  const curve: { queries: number; signal: number; reported: number }[] = [];
  let nextCheckpoint = 0;
  const reportedOf = (index: number): number => table.accuracy(index, estimator.dataset, 'test_200ep_mean');

  while (queries < maxQueries) {
    let t0 = performance.now();
    const proposal = strategy.ask();
    strategyMs += performance.now() - t0;
    const result = estimator.query(proposal.sample, proposal.fidelity);
    if (options.budgetSeconds !== undefined && spent + result.costSeconds > options.budgetSeconds) break;
    spent += result.costSeconds;
    queries++;
    const fidelity = proposal.fidelity ?? estimator.signalEpochs;
    if (!best || fidelity > best.fidelity || (fidelity === best.fidelity && result.value > best.signal)) {
      best = { index: result.index, signal: result.value, fidelity };
    }
    t0 = performance.now();
    strategy.tell({ trial: queries - 1, sample: proposal.sample, state: 'complete', value: result.value, fidelity: proposal.fidelity });
    strategyMs += performance.now() - t0;
    while (nextCheckpoint < checkpoints.length && checkpoints[nextCheckpoint] === queries) {
      curve.push({ queries, signal: best.signal, reported: reportedOf(best.index) });
      nextCheckpoint++;
    }
  }
  if (!best) throw new ConfigError('BUDGET_TOO_SMALL', `the budget of ${options.budgetSeconds} simulated seconds does not cover a single evaluation`);
  // A search that stopped early (time budget) keeps its best for the later checkpoints.
  for (; nextCheckpoint < checkpoints.length && Number.isFinite(maxQueries); nextCheckpoint++) {
    curve.push({ queries: checkpoints[nextCheckpoint], signal: best.signal, reported: reportedOf(best.index) });
  }
  return {
    // The signal column itself (not the value at a multi-fidelity strategy's last fidelity), so that it compares with the signal's optimum.
    best: { arch: table.archs[best.index], index: best.index, signal: estimator.signalAt(best.index), reported: reportedOf(best.index) },
    curve,
    queries,
    simulatedSeconds: spent,
    strategyMs,
  };
}

/** K independent searches (seeds B…B+K−1), summarised as `naskit bench nb201` prints them. */
export interface Nb201BenchmarkOptions extends Omit<Nb201SearchOptions, 'seed'> {
  readonly seeds?: number;
  readonly seedBase?: number;
}

/** The contract's JSON document for one strategy. */
export interface Nb201BenchmarkReport {
  readonly benchmark: 'nb201';
  readonly dataset: Nb201Dataset;
  readonly strategy: string;
  readonly signal: Nb201Signal;
  readonly report: 'test_200ep_mean';
  readonly seeds: number;
  readonly queries: number;
  readonly budget_seconds: number | null;
  readonly final: Summary;
  readonly curve: readonly { readonly queries: number; readonly mean: number; readonly std: number }[];
  readonly signal_final: { readonly mean: number; readonly std: number };
  readonly signal_optimum: number;
  readonly optimum: number;
  readonly ms_per_query: number;
  /** Per-seed reported figures, in seed order (for paired comparisons). */
  readonly per_seed: readonly number[];
  /** Per-seed reported figure at each curve point (same order as `curve`), for paired comparisons before the end. */
  readonly per_seed_curve: readonly (readonly number[])[];
}

function maxOf(column: Float64Array): number {
  let m = -Infinity;
  for (const v of column) if (v > m) m = v;
  return m;
}

/**
 * `runNb201Search` for each of `options.seeds` seeds, summarised as `naskit bench nb201` prints it:
 * the reported figure's mean and spread over seeds, the best-so-far curve, and the table's optimum.
 */
export function runNb201Benchmark(table: Nb201Table, options: Nb201BenchmarkOptions): Nb201BenchmarkReport {
  const seeds = options.seeds ?? 20;
  const seedBase = options.seedBase ?? 0;
  if (!Number.isInteger(seeds) || seeds < 1) throw new ConfigError('BAD_SEEDS', `--seeds must be a positive integer, got ${seeds}`);
  const dataset = options.dataset ?? 'cifar10';
  const signal = options.signal ?? 'valid_12ep';
  const runs: Nb201SearchResult[] = [];
  for (let k = 0; k < seeds; k++) runs.push(runNb201Search(table, { ...options, dataset, signal, seed: seedBase + k }));

  const finals = runs.map((r) => r.best.reported);
  const final = summarize(finals);
  const signalFinal = summarize(runs.map((r) => r.best.signal));
  const curvePoints = runs[0].curve.map((p) => p.queries);
  const curve = curvePoints.map((q, i) => {
    const s = summarize(runs.map((r) => r.curve[i]?.reported ?? r.best.reported));
    return { queries: q, mean: round(s.mean), std: round(s.std) };
  });
  const totalQueries = runs.reduce((a, r) => a + r.queries, 0);
  return {
    benchmark: 'nb201',
    dataset,
    strategy: options.strategy,
    signal,
    report: 'test_200ep_mean',
    seeds,
    queries: Math.round(totalQueries / seeds),
    budget_seconds: options.budgetSeconds ?? null,
    final: { mean: round(final.mean), std: round(final.std), min: round(final.min), max: round(final.max) },
    curve,
    signal_final: { mean: round(signalFinal.mean), std: round(signalFinal.std) },
    signal_optimum: maxOf(table.column(`${dataset}_${signal}`)),
    optimum: maxOf(table.column(`${dataset}_test_200ep_mean`)),
    ms_per_query: round(runs.reduce((a, r) => a + r.strategyMs, 0) / totalQueries, 5),
    per_seed: finals,
    per_seed_curve: curvePoints.map((_, i) => runs.map((r) => r.curve[i]?.reported ?? r.best.reported)),
  };
}
