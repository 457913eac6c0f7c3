/**
 * The one-shot benchmark behind bench/results/oneshot.md: each method × seed searches the NB201
 * space on CIFAR-10 with a reduced supernet and data size (stated in the output), each search
 * capped at a wall-clock budget (default 15 minutes: an epoch is not started when the last one's
 * time would pass the budget). Per search: the derived cell's `cifar10_test_200ep_mean` after
 * every epoch and at the end, and the search seconds; per method: median and spread over the seeds,
 * beside the published NAS-Bench-201 rows. `--budget-cpu-minutes M` caps CPU minutes instead of
 * wall minutes: the cap to use at one thread on a machine that runs another job on its other core
 * (CPU seconds of the process, user + system, are then the cost; at one thread they are about
 * the wall time on an idle core). Every search records both.
 * `--long E` adds the collapse study: DARTS against its
 * remedies (DARTS+, PC-DARTS, SDARTS) with E epochs, and DARTS' α history as a PNG.
 * Each search is saved as JSON under bench/results/oneshot/, so the run can be resumed and
 * `--report` rebuilds the Markdown. Needs a quiet machine: timings are part of the result.
 *
 *   npx tsc -p . && node dist/bench/oneshot/run.js [--methods darts,gdas] [--seeds 3] [--epochs 6] [--method-epochs gdas=25,snas=25]
 *     [--subset 20000] [--channels 16] [--cells 1] [--budget-minutes 15] [--budget-cpu-minutes M] [--long 30] [--threads T] [--out DIR] [--report]
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { loadDataset } from '../../src/engine/data/load.js';
import { setNumThreads, manualSeed } from '../../src/engine/runtime.js';
import { writePlot } from '../../src/benchmark/plot.js';
import { Nb201Table } from '../../src/space/nb201/table.js';
import { ONESHOT_DEFAULTS, ONESHOT_METHODS, runOneShotSearch, type OneShotEpoch, type OneShotMethodName, type OneShotSettings } from '../../src/oneshot/index.js';
import { oneShotTableLookup } from '../../src/oneshot/table.js';
import { NB201_OPS } from '../../src/space/nb201/space.js';
import { dataDir, projectRoot } from '../../src/util/paths.js';
import { processCpuSeconds } from '../jsonl.js';
import { machineLine } from '../machine.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const methods = flag('methods', ONESHOT_METHODS.join(',')).split(',') as OneShotMethodName[];
const seeds = Number(flag('seeds', '3'));
const epochs = Number(flag('epochs', '6'));
/** Per-method epochs (`gdas=25,snas=25`): the cheap sampling methods fit more epochs in the budget. */
const methodEpochs = new Map(flag('method-epochs', '').split(',').filter(Boolean).map((kv) => [kv.split('=')[0], Number(kv.split('=')[1])]));
const subset = Number(flag('subset', '20000'));
const channels = Number(flag('channels', '16'));
const cells = Number(flag('cells', '1'));
const budgetSeconds = Number(flag('budget-minutes', '15')) * 60;
/** A CPU-time cap (process.cpuUsage): with it, the wall cap is lifted (wall time then includes waiting for a shared CPU). */
const cpuBudgetSeconds = args.includes('--budget-cpu-minutes') ? Number(flag('budget-cpu-minutes', '15')) * 60 : Number.POSITIVE_INFINITY;
const longEpochs = args.includes('--long') ? Number(flag('long', '30')) : 0;
const threads = Number(flag('threads', String(availableParallelism())));
/** Where the per-search JSON, the report and the PNG go (default bench/results/; another folder for trial runs). */
const RESULTS = flag('out', join(projectRoot(), 'bench', 'results'));
const OUT = join(RESULTS, 'oneshot');
const REPORT = join(RESULTS, 'oneshot.md');
const REPORT_NAME = 'cifar10_test_200ep_mean';

/** Published NAS-Bench-201 rows (CIFAR-10 test accuracy, %), from Dong & Yang, "NAS-Bench-201", ICLR 2020, Table 5 (200-epoch training of the searched cell, mean ± std over runs). */
const PUBLISHED = [
  ['DARTS-V1 (first order)', '54.30 ± 0.00'],
  ['DARTS-V2 (second order)', '54.30 ± 0.00'],
  ['GDAS', '93.61 ± 0.09'],
  ['SETN', '87.64 ± 0.00'],
  ['RSPS (random search with parameter sharing)', '87.66 ± 1.69'],
];

interface Run {
  readonly id: string;
  readonly study: 'budget' | 'long';
  readonly method: string;
  readonly seed: number;
  readonly settings: OneShotSettings;
  readonly history: OneShotEpoch[];
  readonly genotype: string;
  readonly final: number | null;
  readonly stopped: string | null;
  readonly seconds: number;
  /** CPU seconds of the search (user + system). Added later; older files lack it. */
  readonly cpu_seconds?: number;
  /** libtorch threads the search ran with. */
  readonly threads?: number;
  readonly budgetStop: boolean;
  readonly load: number[];
  readonly date: string;
}

class BudgetSpent extends Error {}

async function search(study: Run['study'], method: OneShotMethodName, seed: number, epochCount: number, budget: number): Promise<Run> {
  const id = `${study}-${method}-s${seed}-e${epochCount}-n${subset}-c${channels}x${cells}`;
  const path = join(OUT, `${id}.json`);
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as Run;
  const settings: OneShotSettings = { ...ONESHOT_DEFAULTS, method, methodOptions: {}, space: 'nb201', dataset: 'cifar10', epochs: epochCount, subset, channels, cells, seed };
  manualSeed(seed);
  const lookup = oneShotTableLookup(dataDir(), 'nb201', 'cifar10')!;
  const trainSet = await loadDataset(dataDir(), 'cifar10', 'train');
  const history: OneShotEpoch[] = [];
  const start = performance.now();
  const cpuStart = processCpuSeconds();
  let epochCpuStart = cpuStart;
  let result: { genotype: string; stopped: string | null; seconds: number; final: number | null; budgetStop: boolean };
  try {
    const r = await runOneShotSearch(settings, trainSet, {
      lookup,
      log: (line) => process.stderr.write(`${id}: ${line}\n`),
      onEpoch: (record) => {
        history.push(record);
        const elapsed = (performance.now() - start) / 1000;
        const cpuNow = processCpuSeconds();
        const epochCpu = cpuNow - epochCpuStart;
        epochCpuStart = cpuNow;
        // Stop before an epoch that would end past the budget (judged by the last epoch's time): CPU
        // seconds under a CPU cap (which the long study, budget Infinity, does not take), else wall seconds.
        const capCpu = Number.isFinite(cpuBudgetSeconds);
        const over = capCpu ? Number.isFinite(budget) && cpuNow - cpuStart + epochCpu > cpuBudgetSeconds : elapsed + record.seconds > budget;
        if (record.epoch < epochCount && over) throw new BudgetSpent(capCpu ? `budget of ${cpuBudgetSeconds} CPU s` : `budget of ${budget} s`);
      },
    });
    result = { genotype: r.genotype, stopped: r.stopped, seconds: r.search_seconds, final: r.table?.[REPORT_NAME] ?? null, budgetStop: false };
  } catch (error) {
    if (!(error instanceof BudgetSpent)) throw error;
    const last = history[history.length - 1];
    result = { genotype: last.genotype, stopped: error.message, seconds: history.reduce((s, h) => s + h.seconds, 0), final: last.table?.[REPORT_NAME] ?? null, budgetStop: true };
  }
  const run: Run = { id, study, method, seed, settings, history, ...result, cpu_seconds: processCpuSeconds() - cpuStart, threads, load: loadavg(), date: new Date().toISOString() };
  mkdirSync(OUT, { recursive: true });
  writeFileSync(path, JSON.stringify(run) + '\n');
  return run;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x: number | null | undefined, digits = 2): string => (x === null || x === undefined || Number.isNaN(x) ? '–' : x.toFixed(digits));

function methodRows(runs: Run[]): string[] {
  const rows: string[] = [];
  for (const method of [...new Set(runs.map((r) => r.method))]) {
    const rs = runs.filter((r) => r.method === method).sort((a, b) => a.seed - b.seed);
    const finals = rs.map((r) => r.final ?? NaN);
    const curve = rs.map((r) => r.history.map((h) => fmt(h.table?.[REPORT_NAME])).join(' → ')).join('<br>');
    rows.push(`| ${method} | ${rs.length} | ${fmt(median(finals))} | ${finals.map((f) => fmt(f)).join(' / ')} | ${rs.map((r) => r.history.length).join(' / ')} | ${rs.map((r) => fmt(r.seconds, 0)).join(' / ')} | ${rs.map((r) => fmt(r.cpu_seconds, 0)).join(' / ')} | ${rs.map((r) => r.threads ?? '–').join(' / ')} | ${rs.map((r) => r.stopped ?? '').join(' / ')} | ${curve} |`);
  }
  return rows;
}

/** The issue's target for the budget study: the best method's median over 3 seeds ≥ 93.5 (methods with fewer seeds are not counted). */
function targetLine(runs: Run[]): string {
  const medians = [...new Set(runs.map((r) => r.method))]
    .map((method) => ({ method, finals: runs.filter((r) => r.method === method).map((r) => r.final ?? NaN) }))
    .filter((m) => m.finals.length >= 3)
    .map((m) => ({ method: m.method, median: median(m.finals) }))
    .sort((a, b) => b.median - a.median);
  const missing = ONESHOT_METHODS.filter((m) => runs.filter((r) => r.method === m).length < 3);
  const best = medians[0];
  const verdict = best === undefined ? 'no method has 3 seeds yet' : `the best median over 3 seeds is ${best.method}'s ${fmt(best.median)}: ${best.median >= 93.5 ? '**met**' : '**not met**'}`;
  return `Target: the best method's median ≥ 93.5 within the budget; ${verdict}.${missing.length > 0 ? ` Methods with fewer than 3 seeds here (not counted): ${missing.join(', ')}.` : ''}`;
}

function alphaPlot(run: Run): string {
  const png = join(RESULTS, `oneshot-${run.method}-alpha.png`);
  const series = NB201_OPS.map((op, k) => ({
    name: op,
    kind: 'line' as const,
    marker: 2,
    points: run.history.map((h) => ({ x: h.epoch, y: h.probabilities.normal.reduce((s, row) => s + row[k], 0) / h.probabilities.normal.length })),
  }));
  writePlot({ title: `${run.method} on NB201 (CIFAR-10), seed ${run.seed}: softmax(α) per operation, mean over the 6 edges`, xLabel: 'epoch', yLabel: 'mean operation weight', series }, png);
  return png;
}

function report(): void {
  const runs = existsSync(OUT) ? readdirSync(OUT).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(OUT, f), 'utf8')) as Run) : [];
  const table = Nb201Table.load(dataDir());
  const column = table.column(`cifar10_test_200ep_mean`);
  const dates = runs.map((r) => r.date).sort();
  const allConv = table.accuracy(table.indexOf('|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|'), 'cifar10', 'test_200ep_mean');
  const lines = [
    '# One-shot search on NAS-Bench-201 (CIFAR-10)',
    '',
    `Machine: ${machineLine()}. Script: \`bench/oneshot/run.ts\`. Figures: the derived cell's \`${REPORT_NAME}\` from the NB201 table (the benchmark's 200-epoch training of that cell).`,
    `Searches ended between ${dates[0] ?? '–'} and ${dates.at(-1) ?? '–'} (each JSON's \`date\`). Load average during each search is stored in its JSON (bench/results/oneshot/); seconds measured under load are notes, not results.`,
    '',
    'The budget: an epoch is not started when the last epoch\'s time says it would end past the cap. ' +
      'A search run with one libtorch thread and a CPU cap (`--budget-cpu-minutes`, the column *threads* 1) counts the CPU seconds of its process (user + system): ' +
      'at one thread they are about its wall time on an idle core, so such a search takes no more than its cap here at one thread on an idle core. That lets two searches run side by side, one per core, ' +
      'without either one\'s budget depending on the other; their wall seconds are then a note.',
    '',
    `For scale (from the table): the median cell ${fmt(median([...column]))}, the best ${fmt(Math.max(...column))}, the all-3×3-convolution cell ${fmt(allConv)}.`,
    '',
  ];
  for (const study of ['budget', 'long'] as const) {
    const rs = runs.filter((r) => r.study === study);
    if (rs.length === 0) continue;
    const s = rs[0].settings;
    lines.push(study === 'budget' ? `## Each method within the budget` : `## The longer budget: DARTS' collapse and its remedies`, '');
    lines.push(`Supernet C=${s.channels}, N=${s.cells}; ${s.subset} training images (${Math.ceil(s.subset / 2)} for the weights, ${Math.floor(s.subset / 2)} for α); batch ${s.batchSize}; epochs planned per method: ${[...new Set(rs.map((r) => `${r.method} ${r.settings.epochs}`))].join(', ')}.`, '');
    lines.push('| method | seeds | median | per seed | epochs | search wall s | search CPU s | threads | stopped | after each epoch |', '|---|---|---|---|---|---|---|---|---|---|', ...methodRows(rs), '');
    if (study === 'budget') lines.push(targetLine(rs), '');
  }
  lines.push('## Published (NAS-Bench-201 paper)', '', 'Dong & Yang, "NAS-Bench-201: Extending the Scope of Reproducible Neural Architecture Search", ICLR 2020, Table 5, CIFAR-10 test accuracy of the searched cells (full-size search on a GPU, not this reduced setting):', '', '| method | CIFAR-10 test |', '|---|---|', ...PUBLISHED.map(([m, v]) => `| ${m} | ${v} |`), '');
  const collapse = runs.find((r) => r.study === 'long' && r.method === 'darts' && r.seed === 0);
  if (collapse) lines.push(`DARTS' α history (long study, seed 0): ![α](${alphaPlot(collapse).split('/').pop()})`, '');
  writeFileSync(REPORT, lines.join('\n') + '\n');
  process.stderr.write(`wrote ${REPORT}\n`);
}

if (!args.includes('--report')) {
  setNumThreads(threads);
  for (const method of methods) for (let seed = 0; seed < seeds; seed++) await search('budget', method, seed, methodEpochs.get(method) ?? epochs, budgetSeconds);
  if (longEpochs > 0) for (const method of ['darts', 'dartsplus', 'pcdarts', 'sdarts'] as const) for (let seed = 0; seed < seeds; seed++) await search('long', method, seed, longEpochs, Number.POSITIVE_INFINITY);
}
report();
