import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ConfigError } from '../errors.js';
import { TabularEstimator } from '../estimate/tabular.js';
import { nb201Counts } from '../space/nb201/counts.js';
import { Nb201Space } from '../space/nb201/space.js';
import { NB201_DATASETS, type Nb201Dataset, type Nb201Signal, type Nb201Table } from '../space/nb201/table.js';
import type { Sample } from '../space/types.js';
import { hypervolume, paretoFront } from '../strategy/pareto.js';
import { createStrategy } from '../strategy/registry.js';
import { writePlot, type PlotSeries } from './plot.js';
import { benchmarkOptions } from './search-run.js';
import { round, summarize, type Summary } from './stats.js';

/** One objective of a multi-objective benchmark, oriented so that larger is better. */
export interface Nb201Objective {
  /** As given: `acc`, `latency:DEVICE`, `params` or `flops`. */
  readonly name: string;
  /** Human-readable axis label with unit. */
  readonly label: string;
  /** +1 for accuracy (maximised), −1 for costs (minimised, negated for the strategy). */
  readonly sign: 1 | -1;
}

/**
 * Parses `--objectives` (a comma-separated string or a list): `acc` (required, first),
 * `latency:DEVICE` (a column of `nb201_latency_ms.csv`), `params`, `flops`. Throws a
 * `ConfigError` naming the bad entry and the valid ones.
 */
export function parseNb201Objectives(table: Nb201Table, objectives: string | readonly string[]): Nb201Objective[] {
  const names = (typeof objectives === 'string' ? objectives.split(',') : [...objectives]).map((s) => s.trim()).filter((s) => s.length > 0);
  const valid = `acc, latency:DEVICE (DEVICE one of ${table.devices.join(', ')}), params, flops`;
  if (names.length < 2) throw new ConfigError('BAD_OBJECTIVES', `--objectives needs at least two, e.g. acc,latency:pixel3; got ${JSON.stringify(names.join(','))}; valid: ${valid}`);
  if (names[0] !== 'acc') throw new ConfigError('BAD_OBJECTIVES', `--objectives must start with acc, got ${JSON.stringify(names[0])}; valid: ${valid}`);
  if (new Set(names).size !== names.length) throw new ConfigError('BAD_OBJECTIVES', `--objectives lists an objective twice: ${names.join(',')}`);
  return names.map((name): Nb201Objective => {
    if (name === 'acc') return { name, label: 'test accuracy (%)', sign: 1 };
    if (name === 'params') return { name, label: 'parameters', sign: -1 };
    if (name === 'flops') return { name, label: 'FLOPs (multiply-adds)', sign: -1 };
    const device = name.startsWith('latency:') ? name.slice('latency:'.length) : null;
    if (device !== null && table.devices.includes(device)) return { name, label: `latency on ${device} (ms)`, sign: -1 };
    throw new ConfigError('BAD_OBJECTIVES', `--objectives: unknown objective ${JSON.stringify(name)}; valid: ${valid}`);
  });
}

/** Options of {@link runNb201MultiObjective}. */
export interface Nb201MultiObjectiveOptions {
  readonly strategy: string;
  /** The strategy's own options (as a config's `strategy.options`). */
  readonly strategy_options?: Readonly<Record<string, unknown>>;
  /** @deprecated Use `strategy_options`. */
  readonly strategyOptions?: Readonly<Record<string, unknown>>;
  /** e.g. `['acc', 'latency:pixel3']` or `'acc,latency:pixel3'`; `acc` first. */
  readonly objectives: string | readonly string[];
  readonly dataset?: Nb201Dataset;
  readonly signal?: Nb201Signal;
  /** Evaluations per search (default 300 unless `budget_seconds` is given). */
  readonly queries?: number;
  /** Stop a search when the simulated training cost of the next evaluation would exceed this many seconds. */
  readonly budget_seconds?: number;
  /** @deprecated Use `budget_seconds`. */
  readonly budgetSeconds?: number;
  /** Independent searches, seeds `seed_base … seed_base + seeds − 1` (default 30, from 0). */
  readonly seeds?: number;
  readonly seed_base?: number;
  /** @deprecated Use `seed_base`. */
  readonly seedBase?: number;
  /** When given, writes `<out>.json` (this report) and `<out>.png` + `.svg` (the front of the first seed). */
  readonly out?: string;
}

/** One architecture of a returned front, with the figures the hypervolume is measured on. */
export interface Nb201FrontPoint {
  readonly arch: string;
  readonly index: number;
  /** Its signal (what the search saw for accuracy). */
  readonly signal: number;
  /** One entry per objective, unoriented: accuracy = `test_200ep_mean` (%), latency ms, params, FLOPs. */
  readonly reported: Readonly<Record<string, number>>;
}

/** What `naskit bench nb201 --objectives …` prints for one strategy. */
export interface Nb201MultiObjectiveReport {
  readonly benchmark: 'nb201';
  readonly dataset: Nb201Dataset;
  readonly strategy: string;
  readonly signal: Nb201Signal;
  readonly report: 'test_200ep_mean';
  readonly objectives: readonly string[];
  readonly seeds: number;
  /** Evaluations per search (the mean when a time budget ends searches at different counts). */
  readonly queries: number;
  readonly budget_seconds: number | null;
  /** Mean/std over seeds of the hypervolume of each returned front, in reported units (accuracy % × cost units…). */
  readonly hypervolume: { readonly mean: number; readonly std: number };
  /** The same divided by the hypervolume of the space's own Pareto front (1 = the whole true front found). */
  readonly hypervolume_ratio: { readonly mean: number; readonly std: number };
  /** The hypervolume of the true Pareto front of the space in reported units. */
  readonly hypervolume_optimum: number;
  /** The reference point, unoriented: accuracy 0 and the space's maximum of every cost. */
  readonly reference: Readonly<Record<string, number>>;
  /** Reported accuracy of the highest-signal architecture each search found (as single-objective `final`). */
  readonly final: Summary;
  readonly signal_final: { readonly mean: number; readonly std: number };
  readonly signal_optimum: number;
  readonly optimum: number;
  /**
   * At every 10 queries: `mean`/`std` of the reported accuracy of the best-by-signal architecture so
   * far (as the single-objective curve) and `hypervolume` mean/std of the front returned so far.
   */
  readonly curve: readonly { readonly queries: number; readonly mean: number; readonly std: number; readonly hypervolume: { readonly mean: number; readonly std: number } }[];
  /** Mean size of the returned fronts. */
  readonly front_size: number;
  /** The returned front of the first seed. */
  readonly front: readonly Nb201FrontPoint[];
  readonly ms_per_query: number;
  /** Per-seed hypervolumes, in seed order (for paired tests). */
  readonly per_seed: readonly number[];
}

/** Reported (unoriented) value of an objective for an index. */
function reportedValue(table: Nb201Table, space: Nb201Space, dataset: Nb201Dataset, objective: Nb201Objective, index: number, counts: (index: number) => { params: number; flops: number }): number {
  if (objective.name === 'acc') return table.accuracy(index, dataset, 'test_200ep_mean');
  if (objective.name === 'params') return table.params(index, dataset);
  if (objective.name === 'flops') return counts(index).flops;
  return table.latencyMs(index, objective.name.slice('latency:'.length));
}

/**
 * Runs K independent multi-objective searches on the NAS-Bench-201 table. The strategy sees, per
 * evaluation, `values` = [signal (at the proposal's fidelity), −cost₁, −cost₂, …] (all maximised)
 * and `value` = the signal. Each search returns its Pareto front by what it saw (signal and
 * costs); the front is then measured on the reported figures: `test_200ep_mean` for accuracy and
 * the true costs. Hypervolume reference point: accuracy 0 and, for every cost, its maximum over
 * the 15,625 architectures (stated in the report). Costs are deterministic, so they are the same
 * for search and report.
 */
export function runNb201MultiObjective(table: Nb201Table, given: Nb201MultiObjectiveOptions): Nb201MultiObjectiveReport {
  const options = benchmarkOptions('runNb201MultiObjective', given);
  const dataset = options.dataset ?? 'cifar10';
  if (!NB201_DATASETS.includes(dataset)) throw new ConfigError('BAD_DATASET', `--dataset: unknown ${JSON.stringify(dataset)}; valid: ${NB201_DATASETS.join(', ')}`);
  const seeds = options.seeds ?? 30;
  const seedBase = options.seed_base ?? 0;
  if (options.queries !== undefined && (!Number.isInteger(options.queries) || options.queries < 1)) {
    throw new ConfigError('BAD_QUERIES', `--queries must be a positive integer, got ${options.queries}`);
  }
  if (options.budget_seconds !== undefined && !(options.budget_seconds > 0)) {
    throw new ConfigError('BAD_BUDGET', `--budget-seconds must be a positive number, got ${options.budget_seconds}`);
  }
  if (!Number.isInteger(seeds) || seeds < 1) throw new ConfigError('BAD_SEEDS', `--seeds must be a positive integer, got ${seeds}`);
  const maxQueries = options.queries ?? (options.budget_seconds === undefined ? 300 : Number.POSITIVE_INFINITY);
  const checkpoints: number[] = [];
  const lastCheckpoint = Number.isFinite(maxQueries) ? maxQueries : 1000;
  for (let q = 10; q < lastCheckpoint; q += 10) checkpoints.push(q);
  checkpoints.push(lastCheckpoint);
  const objectives = parseNb201Objectives(table, options.objectives);
  const space = new Nb201Space();
  const estimator = new TabularEstimator(table, space, { dataset, signal: options.signal });
  const signal = estimator.signal;

  // Per-index figures, computed once: reported (unoriented) values and FLOPs from the formula.
  const samples: Sample[] = table.archs.map((arch) => space.parse(arch));
  const countCache = new Map<number, { params: number; flops: number }>();
  const counts = (index: number): { params: number; flops: number } => {
    let c = countCache.get(index);
    if (!c) countCache.set(index, (c = nb201Counts(space, samples[index], dataset)));
    return c;
  };
  const reported = (index: number): number[] => objectives.map((o) => reportedValue(table, space, dataset, o, index, counts));
  const oriented = (values: readonly number[]): number[] => values.map((v, i) => objectives[i].sign * v);
  const all = samples.map((_, index) => reported(index));
  const reference = objectives.map((o, i) => (o.sign === 1 ? 0 : Math.max(...all.map((v) => v[i]))));
  const orientedRef = oriented(reference);
  const trueFront = paretoFront(all.map(oriented));
  const optimumHv = hypervolume(trueFront.map((i) => oriented(all[i])), orientedRef);

  /** The front a search returns from what it saw, its hypervolume, and its best-by-signal architecture. */
  const returned = (seen: ReadonlyMap<number, { signal: number; fidelity: number }>): { front: number[]; hv: number; best: number } => {
    // Non-dominated by what the search saw, at the highest fidelity it looked at.
    const indices = [...seen.keys()].sort((a, b) => a - b);
    const topFidelity = Math.max(...[...seen.values()].map((v) => v.fidelity));
    const eligible = indices.filter((i) => seen.get(i)!.fidelity === topFidelity);
    const searchView = eligible.map((i) => oriented([seen.get(i)!.signal, ...reported(i).slice(1)]));
    const front = paretoFront(searchView).map((j) => eligible[j]);
    const best = eligible.reduce((a, b) => (seen.get(b)!.signal > seen.get(a)!.signal ? b : a));
    return { front, hv: hypervolume(front.map((i) => oriented(reported(i))), orientedRef), best };
  };

  const hvs: number[] = [];
  const finals: number[] = [];
  const signalFinals: number[] = [];
  const frontSizes: number[] = [];
  const queryCounts: number[] = [];
  const curves: { reported: number; hv: number }[][] = [];
  let firstFront: Nb201FrontPoint[] = [];
  let strategyMs = 0;
  for (let k = 0; k < seeds; k++) {
    const strategy = createStrategy(options.strategy, { space, seed: seedBase + k, objectives: objectives.map((o) => o.name) }, options.strategy_options ?? {});
    // What the search saw, best fidelity per index (a later higher-fidelity look replaces a cheap one).
    const seen = new Map<number, { signal: number; fidelity: number }>();
    const curve: { reported: number; hv: number }[] = [];
    let spent = 0;
    let q = 0;
    while (q < maxQueries) {
      let t0 = performance.now();
      const proposal = strategy.ask();
      strategyMs += performance.now() - t0;
      const result = estimator.query(proposal.sample, proposal.fidelity);
      if (options.budget_seconds !== undefined && spent + result.costSeconds > options.budget_seconds) break;
      spent += result.costSeconds;
      const fidelity = proposal.fidelity ?? estimator.signalEpochs;
      const values = oriented([result.value, ...reported(result.index).slice(1)]);
      const prior = seen.get(result.index);
      if (!prior || fidelity > prior.fidelity || (fidelity === prior.fidelity && result.value > prior.signal)) seen.set(result.index, { signal: result.value, fidelity });
      t0 = performance.now();
      strategy.tell({ trial: q, sample: proposal.sample, state: 'complete', value: result.value, values, fidelity: proposal.fidelity });
      strategyMs += performance.now() - t0;
      q++;
      if (checkpoints.includes(q)) {
        const now = returned(seen);
        curve.push({ reported: table.accuracy(now.best, dataset, 'test_200ep_mean'), hv: now.hv });
      }
    }
    if (seen.size === 0) throw new ConfigError('BUDGET_TOO_SMALL', `the budget of ${options.budget_seconds} simulated seconds does not cover a single evaluation`);
    const { front, hv, best } = returned(seen);
    // A search stopped early by its time budget keeps its result for the later checkpoints.
    if (Number.isFinite(maxQueries)) while (curve.length < checkpoints.length) curve.push({ reported: table.accuracy(best, dataset, 'test_200ep_mean'), hv });
    curves.push(curve);
    queryCounts.push(q);
    hvs.push(hv);
    frontSizes.push(front.length);
    finals.push(table.accuracy(best, dataset, 'test_200ep_mean'));
    signalFinals.push(seen.get(best)!.signal);
    if (k === 0) {
      firstFront = front.map((i) => ({
        arch: table.archs[i],
        index: i,
        signal: seen.get(i)!.signal,
        reported: Object.fromEntries(objectives.map((o, j) => [o.name, reported(i)[j]])),
      }));
    }
  }

  const hv = summarize(hvs);
  const ratio = summarize(hvs.map((h) => h / optimumHv));
  const final = summarize(finals);
  const signalFinal = summarize(signalFinals);
  let optimum = -Infinity;
  for (const v of table.column(`${dataset}_test_200ep_mean`)) optimum = Math.max(optimum, v);
  let signalOptimum = -Infinity;
  for (const v of table.column(`${dataset}_${signal}`)) signalOptimum = Math.max(signalOptimum, v);
  // Checkpoints every search reached (all of them under a query budget).
  const reached = Math.min(...curves.map((c) => c.length));
  const curve = checkpoints.slice(0, reached).map((queries, i) => {
    const acc = summarize(curves.map((c) => c[i].reported));
    const hvAt = summarize(curves.map((c) => c[i].hv));
    return { queries, mean: round(acc.mean), std: round(acc.std), hypervolume: { mean: round(hvAt.mean), std: round(hvAt.std) } };
  });
  const report: Nb201MultiObjectiveReport = {
    benchmark: 'nb201',
    dataset,
    strategy: options.strategy,
    signal,
    report: 'test_200ep_mean',
    objectives: objectives.map((o) => o.name),
    seeds,
    queries: Math.round(queryCounts.reduce((a, b) => a + b, 0) / seeds),
    budget_seconds: options.budget_seconds ?? null,
    hypervolume: { mean: round(hv.mean), std: round(hv.std) },
    hypervolume_ratio: { mean: round(ratio.mean), std: round(ratio.std) },
    hypervolume_optimum: round(optimumHv),
    reference: Object.fromEntries(objectives.map((o, i) => [o.name, reference[i]])),
    final: { mean: round(final.mean), std: round(final.std), min: round(final.min), max: round(final.max) },
    signal_final: { mean: round(signalFinal.mean), std: round(signalFinal.std) },
    signal_optimum: signalOptimum,
    optimum,
    curve,
    front_size: round(frontSizes.reduce((a, b) => a + b, 0) / seeds, 2),
    front: firstFront,
    ms_per_query: round(strategyMs / queryCounts.reduce((a, b) => a + b, 0), 5),
    per_seed: hvs,
  };
  if (options.out) writeNb201Fronts(table, [report], options.out);
  return report;
}

/**
 * Writes `<out>.json` (`{"results":[…reports]}`) and `<out>.png` / `<out>.svg`: the first seed's
 * front of each report on the first cost (x) against reported accuracy (y), with the space's true
 * Pareto front in grey. All reports must share data set and objectives.
 */
export function writeNb201Fronts(table: Nb201Table, reports: readonly Nb201MultiObjectiveReport[], out: string): { json: string; png: string; svg: string } {
  if (reports.length === 0) throw new RangeError('writeNb201Fronts: no reports');
  const { dataset, objectives } = reports[0];
  for (const r of reports) {
    if (r.dataset !== dataset || r.objectives.join() !== objectives.join()) throw new RangeError('writeNb201Fronts: reports differ in data set or objectives');
  }
  const base = out.replace(/\.(json|png|svg)$/, '');
  mkdirSync(dirname(base) || '.', { recursive: true });
  writeFileSync(`${base}.json`, JSON.stringify({ results: reports }, null, 2) + '\n');
  const parsed = parseNb201Objectives(table, objectives);
  const cost = parsed[1];
  const space = new Nb201Space();
  const points = table.archs.map((arch, index) => {
    const x = cost.name === 'params' ? table.params(index, dataset) : cost.name === 'flops' ? nb201Counts(space, space.parse(arch), dataset).flops : table.latencyMs(index, cost.name.slice('latency:'.length));
    return [table.accuracy(index, dataset, 'test_200ep_mean'), x];
  });
  const trueFront = paretoFront(points.map(([acc, x]) => [acc, -x]));
  const series: PlotSeries[] = [
    { name: 'true Pareto front', kind: 'step', color: '#999999', points: trueFront.map((i) => ({ x: points[i][1], y: points[i][0] })) },
    ...reports.map((r): PlotSeries => ({
      name: `${r.strategy} (HV ${r.hypervolume_ratio.mean.toFixed(3)})`,
      kind: 'step',
      marker: 3,
      points: r.front.map((p) => ({ x: p.reported[cost.name], y: p.reported.acc })),
    })),
  ];
  const r0 = reports[0];
  const plot = writePlot(
    {
      title: `NAS-Bench-201 ${dataset}: returned fronts (first seed), ${r0.queries} queries`,
      subtitle: `HV ratio = mean over ${r0.seeds} seeds of HV / HV(true front); reference: acc 0, ${cost.name} ${r0.reference[cost.name]}`,
      xLabel: cost.label,
      yLabel: `test accuracy (%), ${r0.report}`,
      // The top 10 points of accuracy: where fronts differ (the all-`none` cell at 10 % would squash the rest).
      yRange: [Math.floor(r0.optimum) - 10, Math.ceil(r0.optimum) + 1],
      series,
    },
    `${base}.png`,
  );
  return { json: `${base}.json`, ...plot };
}
