import type { Command } from 'commander';
import { StorageError } from '../errors.js';
import { loadConfig, validateConfig } from '../experiment/config.js';
import type { Json } from '../util/json.js';
import { log, type CliContext } from './context.js';
import { UsageError } from './errors.js';
import { buildParts, requireExperiment, runToEnd, storedConfig, withStore } from './experiment-session.js';
import { isOneShotExperiment, readOneShotConfigFile, runOneShotToEnd, searchOneShot } from './oneshot-search.js';

/**
 * `naskit search CONFIG.yaml`: creates the experiment, runs it to its budget, reports and exports the
 * best. Run again with the same config, it continues (or reprints) the stored experiment.
 */
export function registerSearch(program: Command, context: CliContext): void {
  program
    .command('search')
    .description('run a whole search as a YAML config says, recording every trial (see docs/experiments.md)')
    .argument('<config>', 'YAML config file, e.g. configs/nb201-rea.yaml')
    .option('--storage <url>', 'sqlite:///path.db or postgresql://user@host:5432/db (default NASKIT_STORAGE, else sqlite:///<cwd>/.naskit/naskit.db)')
    .option('--name <name>', "experiment name (overrides the config's name)")
    .option('--json', 'print one JSON document')
    .action(async (path: string, flags: { storage?: string; name?: string; json?: boolean }) => {
      // A config with a `oneshot:` section is a one-shot search (docs/oneshot.md).
      const oneShot = readOneShotConfigFile(path);
      if (oneShot !== null) return searchOneShot(context, path, oneShot, flags);
      let config = loadConfig(path);
      if (flags.name !== undefined) config = validateConfig({ ...config, name: flags.name }, path);
      // Build the parts before creating anything, so a bad estimator or missing data leaves no experiment behind.
      buildParts(context, config);
      await withStore(context, flags.storage, async (store) => {
        let experiment;
        try {
          experiment = await store.createExperiment({ name: config.name, config: config as unknown as Json, seed: config.seed });
        } catch (error) {
          if (!(error instanceof StorageError && error.code === 'EXPERIMENT_EXISTS')) throw error;
          // The same search again (same config, defaults included) continues it, like `resume`;
          // a different config under a taken name is refused rather than mixed into its log.
          const existing = await requireExperiment(store, config.name);
          // Both validated, so that defaults added to the schema since the experiment was stored compare equal.
          if (JSON.stringify(storedConfig(existing)) !== JSON.stringify(config)) {
            throw new UsageError(`experiment ${JSON.stringify(config.name)} already exists in ${store.url} with a different config; continue it with \`naskit resume ${config.name}\`, or pass --name NEW_NAME`);
          }
          if (!flags.json) log(context, `${config.name}: continuing the stored experiment with the same config`);
          experiment = existing;
        }
        await runToEnd(context, store, experiment, flags.json === true);
      });
    });
}

/** `naskit resume NAME`: continues a stopped or killed experiment where its log ends. */
export function registerResume(program: Command, context: CliContext): void {
  program
    .command('resume')
    .description('continue an experiment after a stop or a crash (trials of dead workers are re-queued)')
    .argument('<name>', 'experiment name')
    .option('--storage <url>', 'storage URL (default NASKIT_STORAGE, else sqlite:///<cwd>/.naskit/naskit.db)')
    .option('--json', 'print one JSON document')
    .action(async (name: string, flags: { storage?: string; json?: boolean }) => {
      await withStore(context, flags.storage, async (store) => {
        const experiment = await requireExperiment(store, name);
        if (isOneShotExperiment(experiment)) await runOneShotToEnd(context, store, experiment, flags.json === true);
        else await runToEnd(context, store, experiment, flags.json === true);
      });
    });
}
