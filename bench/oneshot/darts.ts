/**
 * One-shot search on the DARTS space (the issue's third target, beside bench/oneshot/run.ts for
 * NB201): each method × seed searches the DARTS supernet on CIFAR-10 with a reduced supernet and
 * data size (stated in the output), each search capped at a wall-clock budget (default 30 minutes:
 * an epoch is not started when the last one's time would pass the budget). Per search: the derived
 * genotype after every epoch and at the end, its skip connections, the search seconds, and the
 * final genotype's parameter count in DARTS' CIFAR-10 train network (C=36, 20 cells, without the
 * auxiliary head: the figure DARTS reports), ready for retraining (`naskit train --space darts`)
 * and for the NAS-Bench-301 surrogate. There is no table to look genotypes up in.
 * Each search is saved as JSON under bench/results/oneshot-darts/; `--report` rebuilds the Markdown.
 *
 * The reduced setting (defaults): C = 8, N = 1 (5 search cells: normal, reduce, normal, reduce,
 * normal), 2,000 CIFAR-10 training images (1,000 weights, 1,000 α), batch 64, 2 epochs (15 steps
 * each). Sized from a pipeline check under heavy load (about 1.5 CPU-minutes per step, α step +
 * weight step, peak RSS about 8 GB): 30 steps should fit 30 minutes on the 2 cores when they are
 * free; check on a quiet machine before trusting the budget.
 *
 *   npx tsc -p . && node dist/bench/oneshot/darts.js [--methods darts,gdas] [--seeds 1] [--epochs 2]
 *     [--subset 2000] [--channels 8] [--cells 1] [--batch 64] [--budget-minutes 30] [--threads T] [--out DIR] [--report]
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { loadDataset } from '../../src/engine/data/load.js';
import { DartsNetwork } from '../../src/engine/models/darts.js';
import { setNumThreads, manualSeed } from '../../src/engine/runtime.js';
import { ONESHOT_DEFAULTS, ONESHOT_METHODS, runOneShotSearch, type OneShotEpoch, type OneShotMethodName, type OneShotSettings } from '../../src/oneshot/index.js';
import { dataDir, projectRoot } from '../../src/util/paths.js';
import { machineLine } from '../machine.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const methods = flag('methods', ONESHOT_METHODS.join(',')).split(',') as OneShotMethodName[];
const seeds = Number(flag('seeds', '1'));
const epochs = Number(flag('epochs', '2'));
const subset = Number(flag('subset', '2000'));
const channels = Number(flag('channels', '8'));
const cells = Number(flag('cells', '1'));
const batchSize = Number(flag('batch', '64'));
const budgetSeconds = Number(flag('budget-minutes', '30')) * 60;
const threads = Number(flag('threads', String(availableParallelism())));
const RESULTS = flag('out', join(projectRoot(), 'bench', 'results'));
const OUT = join(RESULTS, 'oneshot-darts');
const REPORT = join(RESULTS, 'oneshot-darts.md');

interface Run {
  readonly id: string;
  readonly method: string;
  readonly seed: number;
  readonly settings: OneShotSettings;
  readonly history: OneShotEpoch[];
  readonly genotype: string;
  /** Parameters of the genotype's train network, C=36, 20 cells, CIFAR-10, without the auxiliary head. */
  readonly params_c36_l20: number;
  readonly stopped: string | null;
  readonly seconds: number;
  readonly load: number[];
  readonly date: string;
}

class BudgetSpent extends Error {}

/** DARTS' CIFAR-10 train network of a genotype (C=36, 20 cells): its parameter count without the auxiliary head. */
function trainNetworkParams(genotype: string): number {
  const net = new DartsNetwork(genotype, { channels: 36, layers: 20, numClasses: 10 });
  try {
    return net.mainParameterCount();
  } finally {
    net.dispose();
  }
}

async function search(method: OneShotMethodName, seed: number): Promise<Run> {
  const id = `darts-${method}-s${seed}-e${epochs}-n${subset}-c${channels}x${cells}-b${batchSize}`;
  const path = join(OUT, `${id}.json`);
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as Run;
  const settings: OneShotSettings = { ...ONESHOT_DEFAULTS, method, methodOptions: {}, space: 'darts', dataset: 'cifar10', epochs, subset, channels, cells, batchSize, seed };
  manualSeed(seed);
  const trainSet = await loadDataset(dataDir(), 'cifar10', 'train');
  const history: OneShotEpoch[] = [];
  const start = performance.now();
  let result: { genotype: string; stopped: string | null; seconds: number };
  try {
    const r = await runOneShotSearch(settings, trainSet, {
      log: (line) => process.stderr.write(`${id}: ${line}\n`),
      onEpoch: (record) => {
        history.push(record);
        const elapsed = (performance.now() - start) / 1000;
        if (record.epoch < epochs && elapsed + record.seconds > budgetSeconds) throw new BudgetSpent();
      },
    });
    result = { genotype: r.genotype, stopped: r.stopped, seconds: r.search_seconds };
  } catch (error) {
    if (!(error instanceof BudgetSpent)) throw error;
    const last = history[history.length - 1];
    result = { genotype: last.genotype, stopped: `budget of ${budgetSeconds} s`, seconds: history.reduce((s, h) => s + h.seconds, 0) };
  }
  const run: Run = { id, method, seed, settings, history, ...result, params_c36_l20: trainNetworkParams(result.genotype), load: loadavg(), date: new Date().toISOString() };
  mkdirSync(OUT, { recursive: true });
  writeFileSync(path, JSON.stringify(run) + '\n');
  return run;
}

function report(): void {
  const runs = existsSync(OUT) ? readdirSync(OUT).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(OUT, f), 'utf8')) as Run) : [];
  const lines = [
    '# One-shot search on the DARTS space (CIFAR-10)',
    '',
    `Machine: ${machineLine()}. Script: \`bench/oneshot/darts.ts\`. No tabular benchmark covers this space: each genotype is listed with its parameter count in DARTS' CIFAR-10 train network (C=36, 20 cells, without the auxiliary head; DARTS V2 there: 3,349,342), for retraining or the NAS-Bench-301 surrogate.`,
    'Load average during each search is stored in its JSON; seconds measured under load are notes, not results.',
    '',
  ];
  for (const r of runs.sort((a, b) => ONESHOT_METHODS.indexOf(a.method as OneShotMethodName) - ONESHOT_METHODS.indexOf(b.method as OneShotMethodName) || a.seed - b.seed)) {
    const s = r.settings;
    lines.push(`## ${r.method}, seed ${r.seed}`, '', `Supernet C=${s.channels}, N=${s.cells} (${3 * s.cells + 2} cells); ${s.subset} images (${Math.ceil(s.subset / 2)} weights, ${Math.floor(s.subset / 2)} α); batch ${s.batchSize}; ${r.history.length}/${s.epochs} epochs${r.stopped ? ` (stopped: ${r.stopped})` : ''}; ${r.seconds.toFixed(0)} s (load ${r.load.map((l) => l.toFixed(1)).join(' ')}).`, '');
    lines.push(`- parameters at C=36, 20 cells: ${r.params_c36_l20.toLocaleString('en-US')}`, `- skip connections (normal cell) per epoch: ${r.history.map((h) => h.skip_count).join(' → ')}`, '', '```', r.genotype, '```', '');
  }
  writeFileSync(REPORT, lines.join('\n') + '\n');
  process.stderr.write(`wrote ${REPORT}\n`);
}

if (!args.includes('--report')) {
  setNumThreads(threads);
  for (const method of methods) for (let seed = 0; seed < seeds; seed++) await search(method, seed);
}
report();
