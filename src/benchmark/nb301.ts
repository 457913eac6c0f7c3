import { Nb301Surrogate, NB301_MAX_EPOCHS, NB301_MIN_EPOCHS, SurrogateEstimator, checkEpochs } from '../estimate/nb301-surrogate.js';
import { DartsSpace } from '../space/darts/space.js';
import type { Sample } from '../space/types.js';
import { createStrategy } from '../strategy/registry.js';
import { round } from './stats.js';
import { benchmarkOptions, benchReport, checkSeeds, SearchRun, summarizeRuns, type BenchSummary, type SearchLimits } from './search-run.js';

/**
 * Strategies that take a fidelity axis (options `fidelities`, `min_fidelity`, `max_fidelity`). On
 * NB301 they are given the epochs 1…`epochs` unless the caller sets `fidelities` itself.
 */
export const NB301_EPOCH_AXIS_STRATEGIES: readonly string[] = ['hyperband', 'bohb', 'asha'];

/** K searches of one strategy on the NAS-Bench-301 surrogate (seeds B…B+K−1). */
export interface Nb301BenchmarkOptions extends SearchLimits {
  readonly strategy: string;
  /** The strategy's own options (as a config's `strategy.options`). */
  readonly strategy_options?: Readonly<Record<string, unknown>>;
  /** @deprecated Use `strategy_options`. */
  readonly strategyOptions?: Readonly<Record<string, unknown>>;
  /** Epochs behind the search signal and the full fidelity (1–98, default 98). */
  readonly epochs?: number;
  /**
   * For the epoch-axis strategies: `epochs` (default) searches 1…`epochs`; `full` gives them the
   * single fidelity `epochs` (Hyperband and ASHA become random search, BOHB its model at full
   * fidelity), the baseline a multi-fidelity method must beat under equal simulated time.
   */
  readonly fidelity?: 'epochs' | 'full';
  readonly seeds?: number;
  /** The first seed (default 0). */
  readonly seed_base?: number;
  /** @deprecated Use `seed_base`. */
  readonly seedBase?: number;
}

/** The contract's JSON document for `bench nb301`: `bench nb201`'s without `optimum`, plus `best`. */
export interface Nb301BenchmarkReport extends BenchSummary {
  readonly benchmark: 'nb301';
  readonly strategy: string;
  /** What the search sees: the predicted validation accuracy (%) after `epochs` epochs. */
  readonly signal: string;
  /** The reported figure: the predicted validation accuracy (%) after 98 epochs. */
  readonly report: 'valid_98ep';
  readonly epochs: number;
  readonly fidelity: 'epochs' | 'full';
  readonly budget_seconds: number | null;
  /** The best returned architecture over all seeds: its genotype and reported figure. */
  readonly best: { readonly genotype: string; readonly predicted: number };
}

/** The strategy options for NB301: an epoch-axis strategy gets the epochs unless the caller chose its fidelities. */
export function nb301StrategyOptions(strategy: string, options: Readonly<Record<string, unknown>>, epochs: number, fidelity: 'epochs' | 'full'): Record<string, unknown> {
  if (!NB301_EPOCH_AXIS_STRATEGIES.includes(strategy) || 'fidelities' in options) return { ...options };
  const all = Array.from({ length: epochs - NB301_MIN_EPOCHS + 1 }, (_, i) => NB301_MIN_EPOCHS + i);
  return { fidelities: all, min_fidelity: fidelity === 'full' ? epochs : NB301_MIN_EPOCHS, max_fidelity: epochs, ...options };
}

/**
 * Runs K searches on the NAS-Bench-301 surrogate in lock step, so that each step predicts one
 * proposal per seed in a single batch (the searches stay independent: a row's prediction does not
 * depend on its batch). The search sees the predicted accuracy after `epochs` epochs (or after its
 * proposal's fidelity); the reported figure is the predicted accuracy after 98 epochs of the
 * architecture each search returns; the simulated cost is the predicted training time.
 */
export async function runNb301Benchmark(surrogate: Nb301Surrogate, given: Nb301BenchmarkOptions): Promise<Nb301BenchmarkReport> {
  const options = benchmarkOptions('runNb301Benchmark', given);
  const seeds = options.seeds ?? 20;
  const seedBase = options.seed_base ?? 0;
  const epochs = options.epochs ?? NB301_MAX_EPOCHS;
  const fidelity = options.fidelity ?? 'epochs';
  checkSeeds(seeds);
  checkEpochs(epochs);
  const space = new DartsSpace();
  const estimator = new SurrogateEstimator(surrogate, space, { epochs });
  const strategyOptions = nb301StrategyOptions(options.strategy, options.strategy_options ?? {}, epochs, fidelity);
  const runs = Array.from({ length: seeds }, (_, k) => new SearchRun<Sample>(createStrategy(options.strategy, { space, seed: seedBase + k }, strategyOptions), options, epochs));

  let active = runs;
  while (active.length > 0) {
    const proposals = active.map((run) => run.ask());
    const predictions = await estimator.predict(proposals.map((p) => ({ sample: p.sample, epochs: p.fidelity })));
    active.forEach((run, i) => run.record(proposals[i], { id: proposals[i].sample, value: predictions[i].accuracy, costSeconds: predictions[i].runtimeSeconds }));
    active = active.filter((run) => !run.done);
  }

  const outcomes = runs.map((run) => run.finish());
  // Read after the searches, for the returned architectures only: the reported figure (98 epochs)
  // and the signal at `epochs` (a multi-fidelity search may return one last seen at fewer epochs).
  const at = async (samples: readonly Sample[], e: number): Promise<number[]> => (await estimator.predict(samples.map((sample) => ({ sample, epochs: e })))).map((p) => p.accuracy);
  const reported = await at(outcomes.map((o) => o.best.id), NB301_MAX_EPOCHS);
  const signals = await at(outcomes.map((o) => o.best.id), epochs);
  const curves = await Promise.all(outcomes.map((o) => at(o.curve.map((p) => p.id), NB301_MAX_EPOCHS)));
  const summary = summarizeRuns(
    outcomes.map((o, k) => ({
      reported: reported[k],
      signal: signals[k],
      curve: o.curve.map((p, i) => ({ queries: p.queries, reported: curves[k][i] })),
      queries: o.queries,
      strategyMs: o.strategyMs,
    })),
  );
  const bestSeed = reported.reduce((b, v, k) => (v > reported[b] ? k : b), 0);
  return benchReport(
    { benchmark: 'nb301' as const, strategy: options.strategy, signal: `valid_${epochs}ep`, report: 'valid_98ep' as const, epochs, fidelity },
    summary,
    options.budget_seconds,
    { best: { genotype: space.format(outcomes[bestSeed].best.id), predicted: round(reported[bestSeed]) } },
  );
}
