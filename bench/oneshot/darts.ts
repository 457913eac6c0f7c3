/**
 * One-shot search on the DARTS space (the issue's third target, beside bench/oneshot/run.ts for
 * NB201): each method × seed searches the DARTS supernet on CIFAR-10 with a reduced supernet and
 * data size (stated in the output), each search capped by a budget (an epoch is not started when
 * the last one's time would pass it): wall-clock minutes (default 30) and, with
 * `--budget-cpu-minutes`, CPU minutes (the cap to use on a shared machine, where wall time includes
 * waiting). Per search: the derived genotype after every epoch and at the end, its skip
 * connections, the search's wall seconds and CPU seconds (process.cpuUsage, user + system: at one
 * thread the honest cost of a search; wall seconds under load are a note), the peak resident
 * memory of the process (run one method per process to get each method's own), and the final
 * genotype's parameter count in DARTS' CIFAR-10 train network (C=36, 20 cells, without the
 * auxiliary head: the figure DARTS reports), ready for retraining (`naskit train --space darts`)
 * and for the NAS-Bench-301 surrogate. There is no table to look genotypes up in. `--shared-machine`
 * marks the runs' wall seconds as measured beside other jobs.
 * Each search is saved as JSON under bench/results/oneshot-darts/; `--report` rebuilds the Markdown.
 *
 * The reduced setting (defaults): C = 8, N = 1 (5 search cells: normal, reduce, normal, reduce,
 * normal), 2,000 CIFAR-10 training images (1,000 weights, 1,000 α), batch 64, 2 epochs (15 steps
 * each). Cost of one step (α step + weight step) at these defaults, one libtorch thread, measured
 * with bench/oneshot/darts-step.ts on the shared 2-core machine (CPU seconds, so the load hardly
 * matters; a note): darts 10.2 CPU s, pcdarts 4.0, darts2 28.2; peak RSS 4.0 GB for darts, 1.6 GB
 * pcdarts, 4.1 GB darts2. So 30 darts steps cost about 5 CPU-minutes.
 *
 *   npx tsc -p . && node dist/bench/oneshot/darts.js [--methods darts,gdas] [--seeds 1] [--epochs 2]
 *     [--subset 2000] [--channels 8] [--cells 1] [--batch 64] [--budget-minutes 30] [--budget-cpu-minutes M]
 *     [--threads T] [--shared-machine] [--out DIR] [--report]
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { loadDataset } from '../../src/engine/data/load.js';
import { DartsNetwork } from '../../src/space/darts/network.js';
import { setNumThreads, manualSeed } from '../../src/engine/runtime.js';
import { ONESHOT_DEFAULTS, ONESHOT_METHODS, runOneShotSearch, type OneShotEpoch, type OneShotMethodName, type OneShotSettings } from '../../src/oneshot/index.js';
import { dataDir, projectRoot } from '../../src/util/paths.js';
import { processCpuSeconds } from '../jsonl.js';
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
const sharedMachine = args.includes('--shared-machine');
const cpuBudgetSeconds = Number(flag('budget-cpu-minutes', 'Infinity')) * 60;
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
  /** Wall seconds of the search (the epochs' sum). On a shared machine this includes waiting for the CPU: a note. */
  readonly seconds: number;
  /** CPU seconds (process.cpuUsage, user + system) of the search: what it costs, load or not. Added later; older files lack it. */
  readonly cpu_seconds?: number;
  /** CPU seconds of each epoch. */
  readonly epoch_cpu_seconds?: number[];
  /** libtorch threads the search ran with. */
  readonly threads?: number;
  /** Peak resident memory of the process up to the end of this search, in MB (run one search per process for its own peak). */
  readonly peak_rss_mb?: number;
  /** True when run with --shared-machine (other jobs on the cores: the wall seconds are a note). */
  readonly shared_machine?: boolean;
  /** Load average (1, 5, 15 minutes) when the search ended. */
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
  const epochCpu: number[] = [];
  const start = performance.now();
  const cpuStart = processCpuSeconds();
  let epochCpuStart = cpuStart;
  let result: { genotype: string; stopped: string | null; seconds: number };
  try {
    const r = await runOneShotSearch(settings, trainSet, {
      log: (line) => process.stderr.write(`${id}: ${line}\n`),
      onEpoch: (record) => {
        history.push(record);
        const now = processCpuSeconds();
        epochCpu.push(now - epochCpuStart);
        epochCpuStart = now;
        const elapsed = (performance.now() - start) / 1000;
        if (record.epoch < epochs && elapsed + record.seconds > budgetSeconds) throw new BudgetSpent(`budget of ${budgetSeconds} s`);
        if (record.epoch < epochs && now - cpuStart + epochCpu[epochCpu.length - 1] > cpuBudgetSeconds) throw new BudgetSpent(`budget of ${cpuBudgetSeconds} CPU s`);
      },
    });
    result = { genotype: r.genotype, stopped: r.stopped, seconds: r.search_seconds };
  } catch (error) {
    if (!(error instanceof BudgetSpent)) throw error;
    const last = history[history.length - 1];
    result = { genotype: last.genotype, stopped: error.message, seconds: history.reduce((s, h) => s + h.seconds, 0) };
  }
  const cpu = processCpuSeconds() - cpuStart;
  const run: Run = {
    id,
    method,
    seed,
    settings,
    history,
    ...result,
    cpu_seconds: cpu,
    epoch_cpu_seconds: epochCpu,
    threads,
    shared_machine: sharedMachine,
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    params_c36_l20: trainNetworkParams(result.genotype),
    load: loadavg(),
    date: new Date().toISOString(),
  };
  mkdirSync(OUT, { recursive: true });
  writeFileSync(path, JSON.stringify(run) + '\n');
  return run;
}

/** The largest operation weight (softmax(α)) of the normal cell after the last epoch: how far α moved from uniform (1/8). */
function largestWeight(r: Run): number {
  const p = r.history[r.history.length - 1]?.probabilities.normal ?? [];
  return Math.max(...p.flat());
}

function report(): void {
  const runs = existsSync(OUT) ? readdirSync(OUT).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(OUT, f), 'utf8')) as Run) : [];
  runs.sort((a, b) => ONESHOT_METHODS.indexOf(a.method as OneShotMethodName) - ONESHOT_METHODS.indexOf(b.method as OneShotMethodName) || a.seed - b.seed || a.id.localeCompare(b.id));
  const setting = (r: Run): string => {
    const s = r.settings;
    return `C=${s.channels}, N=${s.cells} (${3 * s.cells + 2} cells), ${s.subset} images (${Math.ceil(s.subset / 2)} weights, ${Math.floor(s.subset / 2)} α), batch ${s.batchSize}, ${r.history.length}/${s.epochs} epochs`;
  };
  const cpu = (r: Run): string => (r.cpu_seconds === undefined ? 'not recorded' : r.cpu_seconds.toFixed(0));
  const lines = [
    '# One-shot search on the DARTS space (CIFAR-10)',
    '',
    `Machine: ${machineLine()}. Script: \`bench/oneshot/darts.ts\`. No tabular benchmark covers this space: each genotype is listed with its parameter count in DARTS' CIFAR-10 train network (C=36, 20 cells, without the auxiliary head; DARTS V2 there: 3,349,342), for retraining or the NAS-Bench-301 surrogate.`,
    '',
    'CPU seconds (process.cpuUsage of the search, user + system) are what a search costs; wall seconds include waiting for the CPU and are a note. ' +
      (runs.some((r) => r.shared_machine)
        ? 'The runs marked *shared* ran on a shared machine (its 2 cores shared with other jobs, the search niced and sometimes paused), so their wall seconds say little; the load average when each search ended is in its JSON and below.'
        : 'The load average when each search ended is in its JSON and below.'),
    '',
    "The column *largest op weight* shows how far α moved from uniform (1/8 per operation): Adam moves each α by at most about its learning rate (3·10⁻⁴) per step, so a search of a few dozen steps derives its genotype from small differences between α's, left by the initialisation (10⁻³ · N(0, 1)) and the first gradients, not from a converged search; the genotypes are valid, trainable members of the space, and how good they are is for retraining or the surrogate to say.",
    '',
    '| method | seed | setting | params at C=36, 20 cells | largest op weight (normal, last epoch; uniform 0.125) | CPU s | wall s | threads | peak RSS |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of runs) {
    lines.push(`| ${r.method} | ${r.seed} | ${setting(r)}${r.stopped ? ` (stopped: ${r.stopped})` : ''} | ${r.params_c36_l20.toLocaleString('en-US')} | ${largestWeight(r).toFixed(4)} | ${cpu(r)} | ${r.seconds.toFixed(0)}${r.shared_machine ? ' (shared)' : ''} | ${r.threads ?? '?'} | ${r.peak_rss_mb === undefined ? '?' : `${(r.peak_rss_mb / 1024).toFixed(1)} GB`} |`);
  }
  lines.push('');
  for (const r of runs) {
    lines.push(`## ${r.method}, seed ${r.seed}`, '', `Supernet ${setting(r)}${r.stopped ? ` (stopped: ${r.stopped})` : ''}; ${cpu(r)} CPU s${r.epoch_cpu_seconds ? ` (per epoch ${r.epoch_cpu_seconds.map((c) => c.toFixed(0)).join(', ')})` : ''}, ${r.seconds.toFixed(0)} wall s${r.shared_machine ? ' on a shared machine' : ''} (load ${r.load.map((l) => l.toFixed(1)).join(' ')}).`, '');
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
