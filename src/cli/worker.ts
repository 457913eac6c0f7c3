import type { Command } from 'commander';
import { log, printJson, type CliContext } from './context.js';
import { UsageError } from './errors.js';
import { isOneShotExperiment } from './oneshot-search.js';
import { buildParts, requireExperiment, storedConfig, withStore, work } from './experiment-session.js';

/**
 * `naskit worker --experiment NAME`: evaluates trials of a stored experiment until its budget is
 * spent. Any number of workers on any number of machines may share one PostgreSQL storage; the
 * final step (report, export) is left to `naskit search` / `naskit resume`.
 */
export function registerWorker(program: Command, context: CliContext): void {
  program
    .command('worker')
    .description('evaluate trials of an experiment until its budget is spent (many workers may share one PostgreSQL)')
    .requiredOption('--experiment <name>', 'experiment name')
    .option('--storage <url>', 'storage URL (default NASKIT_STORAGE, else sqlite:///<cwd>/.naskit/naskit.db)')
    .option('--host <name>', "this machine's name in the worker id (default: the hostname); give containers that share a hostname distinct names")
    .option('--json', 'print one JSON document')
    .action(async (flags: { experiment: string; storage?: string; host?: string; json?: boolean }) => {
      await withStore(context, flags.storage, async (store) => {
        const experiment = await requireExperiment(store, flags.experiment);
        if (isOneShotExperiment(experiment)) throw new UsageError(`experiment ${experiment.name} is a one-shot search, which one process runs; continue it with \`naskit resume ${experiment.name}\``);
        const parts = buildParts(context, storedConfig(experiment));
        const summary = await work(context, store, experiment, parts, flags.json === true, flags.host);
        if (flags.json) return printJson(context, { experiment: experiment.name, pid: process.pid, ...summary });
        log(context, `${experiment.name}: this worker evaluated ${summary.evaluated} trials (${summary.failed} failed, ${summary.lost} re-queued before they were recorded)`);
      });
    });
}
