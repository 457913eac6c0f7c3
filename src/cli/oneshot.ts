import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadDataset } from '../engine/data/load.js';
import { manualSeed, setNumThreads } from '../engine/runtime.js';
import { ONESHOT_METHODS, type OneShotMethodName } from '../oneshot/methods/index.js';
import { ONESHOT_DEFAULTS, runOneShotSearch, type OneShotResult, type OneShotSettings } from '../oneshot/search.js';
import { oneShotTableLookup } from '../oneshot/table.js';
import { CELL_SPECS } from '../oneshot/cell-spec.js';
import { log, printJson, printLine, type CliContext } from './context.js';
import { positiveInt, threadCount } from './flags.js';
import { UsageError } from './errors.js';

/** The data sets a one-shot search runs on (CIFAR-10: the one the NB201 table was measured on). */
const ONESHOT_DATASETS = ['cifar10'] as const;

interface OneShotCliOptions {
  method: string;
  space: string;
  dataset: string;
  epochs?: string;
  subset?: string;
  channels?: string;
  cells?: string;
  batch?: string;
  seed: string;
  threads?: string;
  checkpoint?: string;
  json?: boolean;
}

/** The contract's JSON of a finished search (plus the settings and where it stopped). */
export function oneShotDocument(result: OneShotResult, settings: OneShotSettings): Record<string, unknown> {
  return {
    method: result.method,
    space: result.space,
    dataset: result.dataset,
    genotype: result.genotype,
    search_seconds: result.search_seconds,
    result_epoch: result.result_epoch,
    stopped: result.stopped,
    operations: result.operations,
    edges: result.edges,
    history: result.history,
    table: result.table,
    resumed_from_epoch: result.resumed_from_epoch,
    settings: { ...settings, methodOptions: undefined, method_options: settings.methodOptions },
  };
}

/** `naskit oneshot`: one differentiable one-shot search on a cell space (CONTRACT.md, docs/oneshot.md). */
export function registerOneShot(program: Command, context: CliContext): void {
  const d = ONESHOT_DEFAULTS;
  program
    .command('oneshot')
    .description('differentiable one-shot search (DARTS, GDAS, SNAS, PC-DARTS, DARTS+, SDARTS) on a cell space; prints the derived architecture')
    .requiredOption('--method <name>', ONESHOT_METHODS.join('|'))
    .requiredOption('--space <name>', Object.keys(CELL_SPECS).join('|'))
    .option('--dataset <name>', ONESHOT_DATASETS.join('|'), 'cifar10')
    .option('--epochs <E>', `search epochs (default ${d.epochs})`)
    .option('--subset <N>', `training images, halved into weight and architecture halves (default ${d.subset})`)
    .option('--channels <C>', `supernet channels of the first stage (default ${d.channels})`)
    .option('--cells <N>', `search cells per stage (nb201: 3N cells; darts: 3N + 2 with the two reductions; default ${d.cells})`)
    .option('--batch <B>', `batch size (default ${d.batchSize})`)
    .option('--seed <S>', 'seed of the data subset, initialisation, batches and sampling', '0')
    .option('--threads <T>', 'libtorch threads (default NASKIT_THREADS, else all cores)')
    .option('--checkpoint <file>', 'write the search state there after every epoch; if the file exists, resume from it')
    .option('--json', 'print one JSON document')
    .action(async (options: OneShotCliOptions) => {
      if (!(ONESHOT_METHODS as readonly string[]).includes(options.method)) throw new UsageError(`--method ${JSON.stringify(options.method)} is unknown; valid: ${ONESHOT_METHODS.join(', ')}`);
      if (!CELL_SPECS[options.space]) throw new UsageError(`--space ${JSON.stringify(options.space)} has no one-shot supernet; valid: ${Object.keys(CELL_SPECS).join(', ')}`);
      if (!(ONESHOT_DATASETS as readonly string[]).includes(options.dataset)) throw new UsageError(`--dataset ${JSON.stringify(options.dataset)}: one-shot search runs on ${ONESHOT_DATASETS.join(', ')}`);
      const seed = Number(options.seed);
      if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a non-negative integer, got ${JSON.stringify(options.seed)}`);
      const settings: OneShotSettings = {
        ...d,
        method: options.method as OneShotMethodName,
        methodOptions: {},
        space: options.space,
        dataset: 'cifar10',
        epochs: positiveInt(options.epochs, 'epochs', d.epochs),
        subset: positiveInt(options.subset, 'subset', d.subset),
        channels: positiveInt(options.channels, 'channels', d.channels),
        cells: positiveInt(options.cells, 'cells', d.cells),
        batchSize: positiveInt(options.batch, 'batch', d.batchSize),
        seed,
      };
      if (settings.method === 'pcdarts' && settings.channels % 4 !== 0) throw new UsageError(`--channels ${settings.channels}: pcdarts sends a quarter of the channels through the operations; use a multiple of 4`);
      if (settings.subset < 2 * settings.batchSize) throw new UsageError(`--subset ${settings.subset} must hold two batches of ${settings.batchSize} (one per half)`);
      setNumThreads(threadCount(options.threads, context));
      manualSeed(seed);
      const lookup = oneShotTableLookup(context.dataDir, settings.space, settings.dataset, (line) => log(context, line));
      log(context, `oneshot: loading ${settings.dataset}...`);
      const trainSet = await loadDataset(context.dataDir, settings.dataset, 'train');
      const resumeFrom = options.checkpoint && existsSync(options.checkpoint) ? new Uint8Array(readFileSync(options.checkpoint)) : null;
      const result = await runOneShotSearch(settings, trainSet, {
        lookup: lookup ?? undefined,
        resumeFrom,
        log: (line) => log(context, `oneshot: ${line}`),
        onEpoch: options.checkpoint
          ? (_record, state) => {
              // Whole or not at all: a kill while writing leaves the previous epoch's state.
              const tmp = `${options.checkpoint}.${process.pid}.tmp`;
              writeFileSync(tmp, state);
              renameSync(tmp, options.checkpoint!);
            }
          : undefined,
      });
      if (options.json) return printJson(context, oneShotDocument(result, settings));
      printLine(context, `${result.method} on ${result.space}: ${result.genotype}`);
      if (result.stopped) printLine(context, `stopped early: ${result.stopped} (result: epoch ${result.result_epoch})`);
      if (result.table) printLine(context, `table: ${Object.entries(result.table).map(([k, v]) => `${k} ${v}`).join('   ')}`);
      printLine(context, `search: ${result.history.length} epochs, ${result.search_seconds.toFixed(1)} s`);
    });
}
