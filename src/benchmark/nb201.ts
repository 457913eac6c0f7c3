import { Nb201Table, type Nb201Dataset, type Nb201Signal } from '../space/nb201/table.js';
import { TabularEstimator } from '../estimate/tabular.js';
import { Nb201Space } from '../space/nb201/space.js';
import { createStrategy } from '../strategy/registry.js';
import { benchmarkOptions, benchReport, checkSeeds, SearchRun, summarizeRuns, type BenchSummary, type SearchLimits } from './search-run.js';

/** One search of one strategy on the NAS-Bench-201 table. */
export interface Nb201SearchOptions extends SearchLimits {
  readonly strategy: string;
  /** The strategy's own options (as a config's `strategy.options`). */
  readonly strategy_options?: Readonly<Record<string, unknown>>;
  /** @deprecated Use `strategy_options`. */
  readonly strategyOptions?: Readonly<Record<string, unknown>>;
  readonly dataset?: Nb201Dataset;
  readonly signal?: Nb201Signal;
  readonly seed: number;
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

/**
 * Runs one search (sequential ask → look-up → tell, see {@link SearchRun}) as the NAS-Bench-201
 * protocol says: the strategy sees only the signal; the reported figure is read at the end for the
 * returned architecture (and for the best-so-far at each checkpoint, to draw the curve).
 */
export function runNb201Search(table: Nb201Table, given: Nb201SearchOptions): Nb201SearchResult {
  const options = benchmarkOptions('runNb201Search', given);
  const space = new Nb201Space();
  const estimator = new TabularEstimator(table, space, { dataset: options.dataset, signal: options.signal });
  const strategy = createStrategy(options.strategy, { space, seed: options.seed }, options.strategy_options ?? {});
  const run = new SearchRun<number>(strategy, options, estimator.signalEpochs);
  while (!run.done) {
    const proposal = run.ask();
    const result = estimator.query(proposal.sample, proposal.fidelity);
    run.record(proposal, { id: result.index, value: result.value, costSeconds: result.costSeconds });
  }
  const outcome = run.finish();
  const reportedOf = (index: number): number => table.accuracy(index, estimator.dataset, 'test_200ep_mean');
  const best = outcome.best.id;
  return {
    // The signal column itself (not the value at a multi-fidelity strategy's last fidelity), so that it compares with the signal's optimum.
    best: { arch: table.archs[best], index: best, signal: estimator.signalAt(best), reported: reportedOf(best) },
    curve: outcome.curve.map((p) => ({ queries: p.queries, signal: p.signal, reported: reportedOf(p.id) })),
    queries: outcome.queries,
    simulatedSeconds: outcome.simulatedSeconds,
    strategyMs: outcome.strategyMs,
  };
}

/** K independent searches (seeds B…B+K−1), summarised as `naskit bench nb201` prints them. */
export interface Nb201BenchmarkOptions extends Omit<Nb201SearchOptions, 'seed'> {
  readonly seeds?: number;
  /** The first seed (default 0). */
  readonly seed_base?: number;
  /** @deprecated Use `seed_base`. */
  readonly seedBase?: number;
}

/** The contract's JSON document for one strategy. */
export interface Nb201BenchmarkReport extends BenchSummary {
  readonly benchmark: 'nb201';
  readonly dataset: Nb201Dataset;
  readonly strategy: string;
  readonly signal: Nb201Signal;
  readonly report: 'test_200ep_mean';
  readonly budget_seconds: number | null;
  readonly signal_optimum: number;
  readonly optimum: number;
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
export function runNb201Benchmark(table: Nb201Table, given: Nb201BenchmarkOptions): Nb201BenchmarkReport {
  const options = benchmarkOptions('runNb201Benchmark', given);
  const seeds = options.seeds ?? 20;
  const seedBase = options.seed_base ?? 0;
  checkSeeds(seeds);
  const dataset = options.dataset ?? 'cifar10';
  const signal = options.signal ?? 'valid_12ep';
  const runs: Nb201SearchResult[] = [];
  for (let k = 0; k < seeds; k++) runs.push(runNb201Search(table, { ...options, dataset, signal, seed: seedBase + k }));

  const summary = summarizeRuns(runs.map((r) => ({ reported: r.best.reported, signal: r.best.signal, curve: r.curve, queries: r.queries, strategyMs: r.strategyMs })));
  return benchReport({ benchmark: 'nb201' as const, dataset, strategy: options.strategy, signal, report: 'test_200ep_mean' as const }, summary, options.budget_seconds, {
    signal_optimum: maxOf(table.column(`${dataset}_${signal}`)),
    optimum: maxOf(table.column(`${dataset}_test_200ep_mean`)),
  });
}
