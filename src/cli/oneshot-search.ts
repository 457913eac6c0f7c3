import { readFileSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { StorageError } from '../errors.js';
import type { ExperimentRecord, Store } from '../experiment/store.js';
import { localDeadCheck, processAlive, workerInfo } from '../experiment/worker-id.js';
import { isOneShotConfig, validateOneShotConfig, type OneShotConfig } from '../oneshot/config.js';
import { runOneShotExperiment, type OneShotExperimentResult } from '../oneshot/experiment.js';
import type { Json } from '../util/json.js';
import { projectRoot } from '../util/paths.js';
import { envThreads, log, printJson, printLine, type CliContext } from './context.js';
import { UsageError } from './errors.js';
import { requireExperiment, withStore } from './experiment-session.js';

/** A YAML config file that holds a `oneshot:` section, parsed; null for any other file (left to `loadConfig`). */
export function readOneShotConfigFile(path: string): unknown | null {
  let data: unknown;
  try {
    data = parseYaml(readFileSync(path, 'utf8'));
  } catch {
    return null; // loadConfig reports unreadable files and bad YAML
  }
  return isOneShotConfig(data) ? data : null;
}

/** Whether a stored experiment is a one-shot search. */
export function isOneShotExperiment(experiment: ExperimentRecord): boolean {
  return isOneShotConfig(experiment.config);
}

function codeVersion(): string {
  return `naskit@${(JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version}`;
}

/** Runs a one-shot experiment to its end in this process and prints its result. */
export async function runOneShotToEnd(context: CliContext, store: Store, experiment: ExperimentRecord, json: boolean): Promise<OneShotExperimentResult> {
  const config = validateOneShotConfig(experiment.config, `stored config of experiment ${experiment.name}`);
  const host = hostname();
  const worker = workerInfo(host, process.pid, Date.now());
  if (!json && experiment.status !== 'finished') log(context, `${experiment.name}: one-shot search with ${config.oneshot.method} on ${config.space}, storage ${store.url}`);
  const result = await runOneShotExperiment({
    store,
    experiment,
    config,
    dataDir: context.dataDir,
    worker,
    codeVersion: codeVersion(),
    cwd: process.cwd(),
    threads: envThreads(context) ?? availableParallelism(),
    isDead: localDeadCheck(worker, host, processAlive),
    log: (line) => log(context, line),
  });
  if (json) printJson(context, { ...result, storage: store.url });
  else {
    printLine(context, `${result.name}: ${result.method}, ${result.trials.total} epochs recorded (${result.trials.complete} complete, ${result.trials.failed} failed) in ${store.url}`);
    if (result.stopped) printLine(context, `stopped early: ${result.stopped}`);
    if (result.best) printLine(context, `final architecture: trial ${result.best.number} ${result.best.arch}` + (result.best.test_accuracy !== null ? `  ${result.best.report} ${result.best.test_accuracy}` : ''));
    if (result.export) printLine(context, `exported: ${result.export}`);
  }
  if (!result.best) throw new StorageError('NO_COMPLETE_TRIAL', `experiment ${experiment.name}: no epoch completed`);
  return result;
}

/** `naskit search ONESHOT.yaml`: creates (or continues, with the same config) a one-shot experiment. */
export async function searchOneShot(context: CliContext, path: string, data: unknown, flags: { storage?: string; name?: string; json?: boolean }): Promise<void> {
  const config: OneShotConfig = validateOneShotConfig(flags.name !== undefined ? { ...(data as object), name: flags.name } : data, path);
  await withStore(context, flags.storage, async (store) => {
    let experiment;
    try {
      experiment = await store.createExperiment({ name: config.name, config: config as unknown as Json, seed: config.seed });
    } catch (error) {
      if (!(error instanceof StorageError && error.code === 'EXPERIMENT_EXISTS')) throw error;
      experiment = await requireExperiment(store, config.name);
      const stored = isOneShotExperiment(experiment) ? validateOneShotConfig(experiment.config, 'stored config') : null;
      if (JSON.stringify(stored) !== JSON.stringify(config)) {
        throw new UsageError(`experiment ${JSON.stringify(config.name)} already exists in ${store.url} with a different config; continue it with \`naskit resume ${config.name}\`, or pass --name NEW_NAME`);
      }
      if (!flags.json) log(context, `${config.name}: continuing the stored experiment with the same config`);
    }
    await runOneShotToEnd(context, store, experiment, flags.json === true);
  });
}


