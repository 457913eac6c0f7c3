import { Command, Option } from 'commander';
import { runNb201MultiObjective, type Nb201MultiObjectiveReport } from '../benchmark/multi-objective.js';
import { runNb201Benchmark, type Nb201BenchmarkReport } from '../benchmark/nb201.js';
import { runNb301Benchmark, type Nb301BenchmarkReport } from '../benchmark/nb301.js';
import { Nb301Surrogate } from '../estimate/nb301-surrogate.js';
import { NB201_DATASETS, NB201_SIGNALS, Nb201Table, type Nb201Dataset, type Nb201Signal } from '../space/nb201/table.js';
import { STRATEGIES } from '../strategy/registry.js';
import { log, printJson, printLine, type CliContext } from './context.js';
import { UsageError } from './errors.js';

/** The flags every `bench` subcommand shares. */
interface SearchFlags {
  strategy: string;
  queries?: string;
  budgetSeconds?: string;
  seeds: string;
  seedBase: string;
  option: string[];
  json?: boolean;
}

interface BenchNb201Flags extends SearchFlags {
  dataset: Nb201Dataset;
  signal: Nb201Signal;
  objectives?: string;
  front?: string;
}

interface BenchNb301Flags extends SearchFlags {
  epochs: string;
  fullFidelity?: boolean;
}

function positiveInt(flag: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return n;
}

/** `--option key=value` pairs → strategy options (numbers and booleans parsed). */
export function parseOptions(pairs: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--option takes key=value, got ${JSON.stringify(pair)}`);
    const key = pair.slice(0, at);
    const raw = pair.slice(at + 1);
    out[key] = raw === 'true' ? true : raw === 'false' ? false : raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  }
  return out;
}

/** Adds the flags every `bench` subcommand shares (strategy, queries or budget, seeds, options, json). */
function searchFlags(command: Command, defaultQueries: number): Command {
  return command
    .requiredOption('--strategy <name>', `strategy name, or "all" (${Object.keys(STRATEGIES).join(', ')})`)
    .option('--queries <n>', `evaluations per search (default ${defaultQueries})`)
    .option('--budget-seconds <s>', 'simulated training seconds per search, instead of --queries')
    .option('--seeds <k>', 'number of searches', '20')
    .option('--seed-base <b>', 'first seed', '0')
    .option('--option <key=value>', 'a strategy option (repeatable), e.g. population=10', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--json', 'print one JSON document');
}

/** The shared flags, checked: the strategy names to run, the limits, the seeds and the strategy options. */
function readSearchFlags(flags: SearchFlags, defaultQueries: number, multiObjectiveOnly: readonly string[] = []) {
  if (flags.queries !== undefined && flags.budgetSeconds !== undefined) throw new UsageError('give --queries or --budget-seconds, not both');
  const queries = flags.queries === undefined ? undefined : positiveInt('--queries', flags.queries);
  const budgetSeconds = flags.budgetSeconds === undefined ? undefined : Number(flags.budgetSeconds);
  if (budgetSeconds !== undefined && !(budgetSeconds > 0)) throw new UsageError(`--budget-seconds must be a positive number, got ${JSON.stringify(flags.budgetSeconds)}`);
  const names = flags.strategy === 'all' ? Object.keys(STRATEGIES).filter((n) => !multiObjectiveOnly.includes(n)) : [flags.strategy];
  for (const name of names) {
    if (!STRATEGIES[name]) throw new UsageError(`unknown strategy ${JSON.stringify(name)}; valid: ${Object.keys(STRATEGIES).join(', ')}, all`);
  }
  return {
    names,
    queries: queries === undefined && budgetSeconds === undefined ? defaultQueries : queries,
    budget_seconds: budgetSeconds,
    seeds: positiveInt('--seeds', flags.seeds),
    seed_base: positiveInt('--seed-base', flags.seedBase),
    strategy_options: parseOptions(flags.option),
  };
}

/** Strategies that need several objectives; `bench nb301 --strategy all` leaves them out. */
const MULTI_OBJECTIVE_ONLY = ['nsga2', 'random-scalarization'];

function formatRow(r: Nb201BenchmarkReport | Nb301BenchmarkReport): string {
  const curve = r.curve.filter((p) => [50, 100, 150, 300].includes(p.queries)).map((p) => `@${p.queries} ${p.mean.toFixed(2)}±${p.std.toFixed(2)}`);
  const optimum = 'signal_optimum' in r ? `/${r.signal_optimum.toFixed(2)}` : '';
  return `${r.strategy.padEnd(22)} ${r.final.mean.toFixed(2)} ± ${r.final.std.toFixed(2)}  (signal ${r.signal_final.mean.toFixed(2)}${optimum})  ${curve.join('  ')}  ${r.ms_per_query.toFixed(3)} ms/query`;
}

/** `naskit bench nb201` and `bench nb301`: K seeded searches on a benchmark, as the contract prints them. */
export function registerBench(program: Command, context: CliContext): void {
  const bench = program.command('bench').description('run strategies on tabular NAS benchmarks');
  searchFlags(
    bench
      .command('nb201')
      .description('K independent searches on NAS-Bench-201 (tabular estimator); reports test_200ep_mean of the returned architectures')
      .addOption(new Option('--dataset <name>', 'data set').choices([...NB201_DATASETS]).default('cifar10'))
      .addOption(new Option('--signal <column>', 'what the search sees').choices([...NB201_SIGNALS]).default('valid_12ep'))
      .option('--objectives <list>', 'several objectives, e.g. acc,latency:pixel3 (also params, flops): reports the hypervolume')
      .option('--front <path>', 'with --objectives: write the returned front as <path>.json and <path>.png'),
    150,
  ).action((flags: BenchNb201Flags) => {
    const { names, queries, budget_seconds, seeds, seed_base, strategy_options } = readSearchFlags(flags, 150);
    const table = Nb201Table.load(context.dataDir);
    if (flags.objectives !== undefined) {
      const reports: Nb201MultiObjectiveReport[] = names.map((name) =>
        runNb201MultiObjective(table, {
          strategy: name,
          strategy_options,
          objectives: flags.objectives!,
          dataset: flags.dataset,
          signal: flags.signal,
          queries,
          budget_seconds,
          seeds,
          seed_base,
          out: flags.front && names.length === 1 ? flags.front : undefined,
        }),
      );
      if (flags.json) return printJson(context, reports.length === 1 ? reports[0] : { results: reports });
      printLine(context, `NAS-Bench-201 ${flags.dataset}, objectives ${reports[0].objectives.join(', ')}; reference point ${JSON.stringify(reports[0].reference)}; ${reports[0].seeds} seeds, ${reports[0].queries} queries`);
      for (const r of reports) printLine(context, `${r.strategy.padEnd(22)} hypervolume ${r.hypervolume.mean.toFixed(2)} ± ${r.hypervolume.std.toFixed(2)} (ratio ${r.hypervolume_ratio.mean.toFixed(4)})  best accuracy ${r.final.mean.toFixed(2)} ± ${r.final.std.toFixed(2)}`);
      return;
    }
    if (flags.front !== undefined) throw new UsageError('--front needs --objectives');
    const results: Nb201BenchmarkReport[] = [];
    for (const name of names) {
      if (names.length > 1) log(context, `bench nb201: ${name} …`);
      results.push(runNb201Benchmark(table, { strategy: name, strategy_options, dataset: flags.dataset, signal: flags.signal, queries, budget_seconds, seeds, seed_base }));
    }
    if (flags.json) return printJson(context, names.length === 1 ? results[0] : { results });
    printLine(context, `NAS-Bench-201 ${flags.dataset}, signal ${flags.signal}, reported test_200ep_mean (optimum ${results[0].optimum}); ${results[0].seeds} seeds, ${results[0].queries} queries${budget_seconds ? ` (budget ${budget_seconds} s)` : ''}`);
    for (const r of results) printLine(context, formatRow(r));
  });

  searchFlags(
    bench
      .command('nb301')
      .description('K independent searches on the NAS-Bench-301 surrogate (DARTS space); reports the predicted validation accuracy after 98 epochs of the returned architectures')
      .option('--epochs <e>', 'epochs behind the search signal, 1-98 (multi-fidelity strategies search 1..e)', '98')
      .option('--full-fidelity', 'give hyperband, bohb and asha only the fidelity --epochs (the full-fidelity baseline)'),
    100,
  ).action(async (flags: BenchNb301Flags) => {
    const { names, queries, budget_seconds, seeds, seed_base, strategy_options } = readSearchFlags(flags, 100, MULTI_OBJECTIVE_ONLY);
    const epochs = Number(flags.epochs);
    if (!Number.isInteger(epochs) || epochs < 1 || epochs > 98) throw new UsageError(`--epochs must be an integer from 1 to 98, got ${JSON.stringify(flags.epochs)}`);
    const surrogate = await Nb301Surrogate.load(context.dataDir);
    const results: Nb301BenchmarkReport[] = [];
    for (const name of names) {
      if (names.length > 1) log(context, `bench nb301: ${name} …`);
      results.push(
        await runNb301Benchmark(surrogate, { strategy: name, strategy_options, epochs, fidelity: flags.fullFidelity ? 'full' : 'epochs', queries, budget_seconds, seeds, seed_base }),
      );
    }
    if (flags.json) return printJson(context, names.length === 1 ? results[0] : { results });
    printLine(context, `NAS-Bench-301 surrogate (DARTS space), signal valid_${epochs}ep, reported valid_98ep (predicted, %); ${results[0].seeds} seeds, ${results[0].queries} queries${budget_seconds ? ` (budget ${budget_seconds} s)` : ''}`);
    for (const r of results) printLine(context, formatRow(r));
    const best = results.reduce((b, r) => (r.best.predicted > b.best.predicted ? r : b));
    printLine(context, `best: ${best.best.predicted.toFixed(2)} (${best.strategy}) ${best.best.genotype}`);
  });
}
