/**
 * The Fashion-MNIST example against a hand-written baseline, behind bench/results/examples.md.
 * `examples/fashion-mnist-nb201.yaml` runs as written (its default size: the whole search and the
 * final retraining and test), once per seed; the baseline is hand-written: ResNet's basic block
 * (x + conv3×3(conv3×3(x))) written as a NAS-Bench-201 cell, in the same network skeleton (so its
 * network is a small ResNet) at the width whose parameter count is nearest the searched network's
 * (the issue asks for a baseline of similar parameter count: the search may return a cell with
 * more or fewer convolutions than the block's two), trained by the same final step (same images,
 * epochs, batch, learning rate, seed) and tested once on the same 10,000 test images. Seed s sets the
 * config's `seed` and the estimator's `split_seed` for both, so each pair differs only in the cell
 * and the width.
 *
 * One JSON line per seed in bench/results/examples/runs.jsonl (a rerun skips the seeds there);
 * `--report` writes the table.
 *
 *   NASKIT_DATA=../shared/data node dist/bench/examples/run.js [--seeds 0,1,2] [--threads T]
 *   NASKIT_DATA=../shared/data node dist/bench/examples/run.js --all [--threads T]   (every example config once, as written)
 *   node dist/bench/examples/run.js --report
 */
import { appendFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { summarize } from '../../src/benchmark/stats.js';
import { loadConfig, validateConfig } from '../../src/experiment/config.js';
import { estimatorDefinition } from '../../src/experiment/estimators.js';
import { bestTrial } from '../../src/experiment/final.js';
import { MemoryStore } from '../../src/experiment/memory-store.js';
import { runWorker } from '../../src/experiment/runner.js';
import { Nb201Network } from '../../src/space/nb201/network.js';
import { createSpace } from '../../src/space/registry.js';
import type { Json } from '../../src/util/json.js';
import { dataDir, projectRoot } from '../../src/util/paths.js';
import { cpuSeconds, readJsonLines } from '../jsonl.js';
import { machineLine } from '../machine.js';

const EXAMPLE = join(projectRoot(), 'examples', 'fashion-mnist-nb201.yaml');
const OUT = join(projectRoot(), 'bench', 'results', 'examples');
const RUNS = join(OUT, 'runs.jsonl');
/** `--all`: every example config run once as written, one line each. */
const ALL = join(OUT, 'all.jsonl');
/**
 * ResNet's basic block as a NAS-Bench-201 cell: two 3×3 convolutions in sequence (edges 0→1, 1→2)
 * plus the identity (0→3, 2→3), so the output is x + conv(conv(x)); table index 11472.
 */
export const RESNET_CELL = '|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|';

interface Side {
  readonly arch: string;
  readonly test_accuracy: number;
  readonly params: number;
  readonly seconds: number;
  /** CPU seconds of the process meanwhile (every thread): the cost whatever else the machine runs. */
  readonly cpu_seconds: number;
}

interface RunLine {
  readonly seed: number;
  readonly threads: number;
  readonly search: SearchSide;
  /** The ResNet cell at `baseline_channels` (C of the first stage). */
  readonly baseline: Side;
  readonly baseline_channels: number;
  readonly load: readonly number[];
}

type SearchSide = Side & { readonly trials: number; readonly search_seconds: number };

/**
 * An example config as given, or with `seed` replacing its seed and the estimator's split_seed and
 * `channels` replacing the space's `channels` option (the baseline's width); at `threads`, never exported.
 */
function exampleConfig(path: string, threads: number, seed?: number, channels?: number) {
  const example = loadConfig(path);
  const { space_options: spaceOptions, ...rest } = JSON.parse(JSON.stringify(example)) as typeof example;
  const config = validateConfig({
    ...rest,
    space: { name: example.space, options: { ...spaceOptions, ...(channels !== undefined ? { channels } : {}) } },
    ...(seed !== undefined ? { name: `${example.name}-seed${seed}`, seed } : {}),
    estimator: { ...example.estimator, ...(seed !== undefined ? { split_seed: seed } : {}), threads },
    export: false,
  });
  const space = createSpace(config.space, config.space_options);
  const estimator = () => estimatorDefinition('train').create({ ...config.estimator }, { space, dataDir: dataDir(), spaceOptions: config.space_options });
  /** The config's final step for `arch`: retrained from scratch and tested once. */
  const final = async (arch: string): Promise<Side> => {
    const t0 = performance.now();
    const cpu = process.cpuUsage();
    const f = await estimator().final(space.parse(arch));
    return { arch, test_accuracy: f.testAccuracy, params: Number(f.model.params), seconds: (performance.now() - t0) / 1000, cpu_seconds: cpuSeconds(process.cpuUsage(cpu)) };
  };
  return { config, space, estimator, final };
}

/**
 * One example config run as `naskit search` runs it: the search, then the final step (the best trial
 * by the signal, retrained and tested once). `seed` (when given) replaces the config's seed and the
 * estimator's split_seed.
 */
async function runExample(path: string, threads: number, seed?: number): Promise<{ side: SearchSide; config: ReturnType<typeof exampleConfig>['config'] }> {
  const { config, space, estimator } = exampleConfig(path, threads, seed);
  const store = new MemoryStore();
  const experiment = await store.createExperiment({ name: config.name, config: config as unknown as Json, seed: config.seed });
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const searchEstimator = estimator();
  await runWorker({
    store, experiment, config, space, estimator: searchEstimator, worker: { id: `bench:${process.pid}:0` }, codeVersion: 'bench', environment: null,
    onTrial: (t) => process.stderr.write(`${config.name} trial ${t.number}: ${t.value?.toFixed(1)} %\n`),
  });
  const searchSeconds = (performance.now() - started) / 1000;
  // The final step as `naskit search` runs it (finalizeExperiment): the best trial by the signal, retrained and tested once.
  const trials = await store.trials(experiment.id);
  const best = bestTrial(trials);
  if (!best) throw new Error(`${config.name}: no trial completed`);
  const arch = space.format(space.freeze(best.sample as Record<string, unknown>));
  const searched = await searchEstimator.final(space.parse(arch), (l) => process.stderr.write(`${l}\n`));
  const side: SearchSide = {
    arch, test_accuracy: searched.testAccuracy, params: Number(searched.model.params),
    seconds: (performance.now() - started) / 1000, cpu_seconds: cpuSeconds(process.cpuUsage(cpuStart)),
    trials: trials.filter((t) => t.state === 'complete').length, search_seconds: searchSeconds,
  };
  return { side, config };
}

/** Fashion-MNIST's images: one channel, ten classes. */
const FASHION_IO = { inChannels: 1, numClasses: 10 } as const;

/** The width C (4–64) at which the ResNet cell's network, with `cells` cells per stage, has the parameter count nearest `params`. */
function matchingWidth(params: number, cells: number): number {
  let best = { channels: 4, gap: Number.POSITIVE_INFINITY };
  for (let channels = 4; channels <= 64; channels++) {
    const net = new Nb201Network(RESNET_CELL, { channels, cells, ...FASHION_IO });
    const gap = Math.abs(net.parameterCount() - params);
    net.dispose();
    if (gap >= best.gap) break; // the count grows with C: past the nearest, every wider net is farther
    best = { channels, gap };
  }
  return best.channels;
}

async function runSeed(seed: number, threads: number): Promise<RunLine> {
  const { side, config } = await runExample(EXAMPLE, threads, seed);
  const cells = Number(config.space_options.cells);
  const channels = matchingWidth(side.params, cells);
  const baseline = await exampleConfig(EXAMPLE, threads, seed, channels).final(RESNET_CELL);
  return { seed, threads, search: side, baseline, baseline_channels: channels, load: loadavg() };
}

interface AllLine {
  readonly example: string;
  readonly threads: number;
  readonly search: SearchSide;
  readonly load: readonly number[];
}

const readRuns = (): RunLine[] => readJsonLines<RunLine>(RUNS);

/** The example configs, `examples/fashion-mnist-*.yaml`. */
const exampleFiles = (): string[] => readdirSync(join(projectRoot(), 'examples')).filter((f) => /^fashion-mnist-.*\.yaml$/.test(f)).sort();

function report(): void {
  const runs = readRuns();
  const cell = (s: string) => `\`${s.replaceAll('|', '\\|')}\``;
  const lines = [
    '| seed | searched architecture (returned by the signal) | its params | its test accuracy (%) | ResNet cell: C | params | test accuracy (%) | search − ResNet | example: search + final, CPU s | wall s (note) | threads |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...runs.map((r) => `| ${r.seed} | ${cell(r.search.arch)} | ${r.search.params} | ${r.search.test_accuracy.toFixed(2)} | ${r.baseline_channels} | ${r.baseline.params} | ${r.baseline.test_accuracy.toFixed(2)} | ${(r.search.test_accuracy - r.baseline.test_accuracy).toFixed(2)} | ${r.search.cpu_seconds.toFixed(0)} | ${r.search.seconds.toFixed(0)} | ${r.threads} |`),
  ];
  if (runs.length > 0) {
    const s = summarize(runs.map((r) => r.search.test_accuracy));
    const b = summarize(runs.map((r) => r.baseline.test_accuracy));
    const wins = runs.filter((r) => r.search.test_accuracy > r.baseline.test_accuracy).length;
    lines.push('', `Mean over ${runs.length} seeds: searched ${s.mean.toFixed(2)} ± ${s.std.toFixed(2)}, ResNet cell ${b.mean.toFixed(2)} ± ${b.std.toFixed(2)}; the search wins ${wins} of ${runs.length} pairs.`);
  }
  const all = readJsonLines<AllLine>(ALL);
  if (all.length > 0) {
    lines.push('', 'Every example as written (its own seed and size):', '');
    lines.push('| example | returned architecture | params | complete trials | test accuracy (%) | search + final, CPU s | wall s (note) | threads |');
    lines.push('|---|---|---|---|---|---|---|---|');
    for (const r of all) lines.push(`| ${r.example} | ${cell(r.search.arch)} | ${r.search.params} | ${r.search.trials} | ${r.search.test_accuracy.toFixed(2)} | ${r.search.cpu_seconds.toFixed(0)} | ${r.search.seconds.toFixed(0)} | ${r.threads} |`);
  }
  writeFileSync(join(OUT, 'table.md'), lines.join('\n') + '\n');
  process.stdout.write(lines.join('\n') + '\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string', default: '0,1,2' },
      threads: { type: 'string', default: String(availableParallelism()) },
      report: { type: 'boolean', default: false },
      all: { type: 'boolean', default: false },
    },
  });
  mkdirSync(OUT, { recursive: true });
  if (values.report) return report();
  const threads = Number(values.threads);
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`--threads must be a positive integer, got ${values.threads}`);
  process.stderr.write(`${machineLine()}\n`);
  if (values.all) {
    const doneAll = new Set(readJsonLines<AllLine>(ALL).map((r) => r.example));
    for (const file of exampleFiles()) {
      if (doneAll.has(file)) continue;
      const { side } = await runExample(join(projectRoot(), 'examples', file), threads);
      appendFileSync(ALL, JSON.stringify({ example: file, threads, search: side, load: loadavg() } satisfies AllLine) + '\n');
      process.stderr.write(`${file}: ${side.test_accuracy.toFixed(2)} % (${side.params} params), ${side.cpu_seconds.toFixed(0)} CPU s\n`);
    }
    return;
  }
  const done = new Set(readRuns().map((r) => r.seed));
  for (const seed of values.seeds.split(',').map(Number)) {
    if (done.has(seed)) continue;
    const line = await runSeed(seed, threads);
    appendFileSync(RUNS, JSON.stringify(line) + '\n');
    process.stderr.write(`seed ${seed}: searched ${line.search.test_accuracy.toFixed(2)} % (${line.search.params} params), ResNet cell ${line.baseline.test_accuracy.toFixed(2)} % (${line.baseline.params} params), ${line.search.seconds.toFixed(0)} s\n`);
  }
}

await main();
