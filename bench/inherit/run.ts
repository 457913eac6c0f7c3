/**
 * Weight inheritance measured on a small real search, behind bench/results/inherit.md: regularized
 * evolution over NAS-Bench-201 cells trained on a CIFAR-10 subset (the `train` estimator), with and
 * without `inherit`, same seeds. The returned architecture (best by the search signal) is judged by
 * the benchmark's own figure, `cifar10_test_200ep_mean` of the NAS-Bench-201 table, so no final
 * retraining is needed to compare the variants; the signal's Spearman correlation with that figure
 * over a run's trials says how well the cheap training ranks architectures.
 *
 * One JSON line per (variant, seed) is appended to bench/results/inherit/runs.jsonl (a rerun skips
 * what is there, so the run can be stopped and resumed); `--report` writes the Markdown table.
 *
 *   NASKIT_DATA=../shared/data nice -n 19 node dist/bench/inherit/run.js [--seeds 0,1,2] [--variants scratch-3,inherit-1,scratch-1]
 *   node dist/bench/inherit/run.js --report
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { spearman, summarize } from '../../src/benchmark/stats.js';
import { Nb201Table } from '../../src/space/nb201/table.js';
import { validateConfig } from '../../src/experiment/config.js';
import { estimatorDefinition } from '../../src/experiment/estimators.js';
import { MemoryStore } from '../../src/experiment/memory-store.js';
import { runWorker } from '../../src/experiment/runner.js';
import { createSpace } from '../../src/space/registry.js';
import type { Json } from '../../src/util/json.js';
import { dataDir, projectRoot } from '../../src/util/paths.js';
import { readJsonLines } from '../jsonl.js';
import { machineLine } from '../machine.js';

const OUT = join(projectRoot(), 'bench', 'results', 'inherit');
const RUNS = join(OUT, 'runs.jsonl');

/** The variants: epochs per trial, and whether children inherit their parents' weights. */
const VARIANTS: Readonly<Record<string, { epochs: number; inherit: boolean }>> = {
  'scratch-3': { epochs: 3, inherit: false },
  'inherit-1': { epochs: 1, inherit: true },
  'scratch-1': { epochs: 1, inherit: false },
};

/** Everything but the variant's epochs and inherit: the search both variants run. */
export const SEARCH = {
  trials: 20,
  rea: { population: 5, sample_size: 3 },
  estimator: { dataset: 'cifar10', channels: 8, cells: 1, batch_size: 64, learning_rate: 0.1, train_images: 2000, validation_images: 500, augment: true, threads: 1 },
} as const;

interface TrialLine {
  readonly number: number;
  readonly arch: string;
  readonly value: number;
  readonly table: number;
  readonly seconds: number;
  readonly parent: number | null;
  readonly inherited_tensors: number | null;
}

interface RunLine {
  readonly variant: string;
  readonly seed: number;
  readonly epochs: number;
  readonly inherit: boolean;
  readonly trials: readonly TrialLine[];
  readonly best: TrialLine;
  readonly spearman: number;
  readonly search_seconds: number;
  readonly wall_seconds: number;
  readonly load: readonly number[];
}

async function runOne(variant: string, seed: number, table: Nb201Table): Promise<RunLine> {
  const { epochs, inherit } = VARIANTS[variant];
  const config = validateConfig({
    name: `inherit-${variant}-${seed}`,
    space: 'nb201',
    strategy: { name: 'rea', options: { ...SEARCH.rea } },
    estimator: { name: 'train', ...SEARCH.estimator, epochs, inherit },
    budget: { trials: SEARCH.trials },
    seed,
    final: { report: false },
  });
  const space = createSpace('nb201');
  const estimator = estimatorDefinition('train').create({ ...config.estimator }, { space, dataDir: dataDir() });
  const store = new MemoryStore();
  const experiment = await store.createExperiment({ name: config.name, config: config as unknown as Json, seed });
  const started = performance.now();
  await runWorker({
    store, experiment, config, space, estimator, worker: { id: `bench:${process.pid}:0` }, codeVersion: 'bench', environment: null,
    onTrial: (t) => process.stderr.write(`${variant} seed ${seed} trial ${t.number}: ${t.value?.toFixed(1)} %\n`),
  });
  const wall = (performance.now() - started) / 1000;
  const trials: TrialLine[] = (await store.trials(experiment.id))
    .filter((t) => t.state === 'complete' && t.value !== null)
    .map((t) => {
      const arch = space.format(space.freeze(t.sample as Record<string, unknown>));
      const metrics = t.params.metrics as Record<string, number>;
      return {
        number: t.number, arch, value: t.value as number,
        table: table.accuracy(table.indexOf(arch), 'cifar10', 'test_200ep_mean'),
        seconds: t.userAttrs.cost_seconds as number,
        parent: typeof t.params.parent === 'number' ? t.params.parent : null,
        inherited_tensors: metrics.inherited_tensors ?? null,
      };
    });
  // The search's answer: best signal, ties to the earlier trial (as the final step picks it).
  const best = trials.reduce((a, b) => (b.value > a.value ? b : a));
  return {
    variant, seed, epochs, inherit, trials, best,
    spearman: spearman(trials.map((t) => t.value), trials.map((t) => t.table)),
    search_seconds: trials.reduce((s, t) => s + t.seconds, 0),
    wall_seconds: wall,
    load: (await import('node:os')).loadavg(),
  };
}

const readRuns = (): RunLine[] => readJsonLines<RunLine>(RUNS);

const f = (x: number, d = 2) => x.toFixed(d);

/** The mean table accuracy of the run's proposals after the random population: where the evolution searched. */
function mutationMean(r: RunLine): number {
  return summarize(r.trials.filter((t) => t.parent !== null).map((t) => t.table)).mean;
}

function report(): void {
  const runs = readRuns();
  const lines: string[] = [];
  lines.push('| variant | epochs per trial | seeds | returned architecture: `cifar10_test_200ep_mean` (mean ± std) | its signal (%) | mutations\' mean table accuracy | Spearman(signal, table) over the run\'s trials | trial-epochs | search seconds (note) |');
  lines.push('|---|---|---|---|---|---|---|---|---|');
  for (const variant of Object.keys(VARIANTS)) {
    const mine = runs.filter((r) => r.variant === variant);
    if (mine.length === 0) continue;
    const acc = summarize(mine.map((r) => r.best.table));
    const sig = summarize(mine.map((r) => r.best.value));
    const rho = summarize(mine.map((r) => r.spearman));
    const evolved = summarize(mine.map(mutationMean));
    const secs = summarize(mine.map((r) => r.search_seconds));
    lines.push(`| ${variant} | ${mine[0].epochs}${mine[0].inherit ? ' (+ inherited)' : ''} | ${mine.map((r) => r.seed).join(', ')} | ${f(acc.mean)} ± ${f(acc.std)} | ${f(sig.mean, 1)} | ${f(evolved.mean)} ± ${f(evolved.std)} | ${f(rho.mean)} ± ${f(rho.std)} | ${mine[0].epochs * SEARCH.trials} | ${f(secs.mean, 0)} |`);
  }
  lines.push('');
  lines.push('Per run:');
  lines.push('');
  lines.push('| variant | seed | returned architecture | table | signal | mutations\' mean table | Spearman | search s | wall s | load average (1, 5, 15 min) at the end |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of runs) {
    lines.push(`| ${r.variant} | ${r.seed} | \`${r.best.arch.replaceAll('|', '\\|')}\` | ${f(r.best.table)} | ${f(r.best.value, 1)} | ${f(mutationMean(r))} | ${f(r.spearman)} | ${f(r.search_seconds, 0)} | ${f(r.wall_seconds, 0)} | ${r.load.map((x) => f(x, 1)).join(', ')} |`);
  }
  writeFileSync(join(OUT, 'table.md'), lines.join('\n') + '\n');
  process.stdout.write(lines.join('\n') + '\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string', default: '0,1,2' },
      variants: { type: 'string', default: Object.keys(VARIANTS).join(',') },
      report: { type: 'boolean', default: false },
    },
  });
  mkdirSync(OUT, { recursive: true });
  if (values.report) return report();
  const table = Nb201Table.load(dataDir());
  const done = new Set(readRuns().map((r) => `${r.variant}/${r.seed}`));
  process.stderr.write(`${machineLine()}\n`);
  for (const seed of values.seeds.split(',').map(Number)) {
    for (const variant of values.variants.split(',')) {
      if (!(variant in VARIANTS)) throw new Error(`unknown variant ${variant}; known: ${Object.keys(VARIANTS).join(', ')}`);
      if (done.has(`${variant}/${seed}`)) continue;
      const line = await runOne(variant, seed, table);
      appendFileSync(RUNS, JSON.stringify(line) + '\n');
      process.stderr.write(`${variant} seed ${seed}: returned ${line.best.arch} table ${line.best.table} signal ${line.best.value}, Spearman ${f(line.spearman)}, ${f(line.search_seconds, 0)} s\n`);
    }
  }
}

await main();
