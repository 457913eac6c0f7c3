import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ConfigError, StorageError } from '../errors.js';
import { validateConfig, type ExperimentConfig } from '../experiment/config.js';
import { estimatorDefinition, type ExperimentEstimator } from '../experiment/estimators.js';
import { finalizeExperiment, type ExperimentResult } from '../experiment/final.js';
import { defaultStorageUrl, openStore } from '../experiment/open-store.js';
import { runWorker, type WorkerSummary } from '../experiment/runner.js';
import type { ExperimentRecord, Store } from '../experiment/store.js';
import { isStudyExperiment } from '../experiment/study-records.js';
import { localDeadCheck, processAlive, workerInfo } from '../experiment/worker-id.js';
import { createSpace } from '../space/registry.js';
import type { Sample, Space } from '../space/types.js';
import { projectRoot } from '../util/paths.js';
import type { Json } from '../util/json.js';
import { envThreads, log, printJson, printLine, type CliContext } from './context.js';
import { ProgressBar } from './progress.js';

/** The storage URL of a command: `--storage`, else `NASKIT_STORAGE`, else SQLite under the working folder. */
export function storageUrl(context: CliContext, flag: string | undefined): string {
  return flag ?? (context.env.NASKIT_STORAGE || defaultStorageUrl(process.cwd()));
}

/** Opens the store, runs `fn`, and always closes it. */
export async function withStore<T>(context: CliContext, flag: string | undefined, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(storageUrl(context, flag));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** The stored experiment of that name; `StorageError` `NO_EXPERIMENT` naming the storage and the fix. */
export async function requireExperiment(store: Store, name: string): Promise<ExperimentRecord> {
  const experiment = await store.getExperiment(name);
  if (!experiment) {
    const names = (await store.listExperiments()).map((e) => e.name);
    throw new StorageError(
      'NO_EXPERIMENT',
      `no experiment ${JSON.stringify(name)} in ${store.url}; ${names.length ? `experiments there: ${names.join(', ')}` : 'it holds no experiments'} (start one with \`naskit search CONFIG.yaml\`, or pass the right --storage)`,
    );
  }
  return experiment;
}

/** The parts an experiment is run with, rebuilt from its stored config in any process. */
export interface ExperimentParts {
  readonly config: ExperimentConfig;
  readonly space: Space;
  readonly estimator: ExperimentEstimator;
}

/** Builds space and estimator from a config (loading the estimator's data). */
export function buildParts(context: CliContext, config: ExperimentConfig): ExperimentParts {
  const space = createSpace(config.space, config.space_options);
  // NASKIT_THREADS sets libtorch's threads for estimators that train (e.g. 1 per worker when several share a machine).
  const threads = envThreads(context);
  const estimator = estimatorDefinition(config.estimator.name).create({ ...config.estimator }, { space, spaceOptions: config.space_options, dataDir: context.dataDir, ...(threads !== undefined ? { threads } : {}) });
  return { config, space, estimator };
}

/** A define-by-run study has no config to run here: a `ConfigError` `EXPERIMENT_IS_STUDY` saying where its trials run. */
export function refuseStudy(experiment: ExperimentRecord): void {
  if (isStudyExperiment(experiment)) {
    throw new ConfigError(
      'EXPERIMENT_IS_STUDY',
      `experiment ${experiment.name} is a define-by-run study: its trials run in the program that defines its objective (createStudy({ storage, name: ${JSON.stringify(experiment.name)} }), then study.optimize); naskit status, best, trials and dashboard read it`,
    );
  }
}

/** A stored config, validated again (the code may have gained defaults since). */
export function storedConfig(experiment: ExperimentRecord): ExperimentConfig {
  refuseStudy(experiment);
  return validateConfig(experiment.config, `stored config of experiment ${experiment.name}`);
}

function codeVersion(): string {
  const pkg = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string };
  return `naskit@${pkg.version}`;
}

/**
 * Runs this process as one worker of the experiment (identity, environment and progress bar are
 * taken here, at the CLI edge). The bar shows only on a terminal and never with `--json`.
 * `hostName` names this worker's machine in its id (default: the hostname).
 */
export async function work(context: CliContext, store: Store, experiment: ExperimentRecord, parts: ExperimentParts, json: boolean, hostName?: string): Promise<WorkerSummary> {
  // Workers on other hosts are judged by their heartbeat only; on this host a dead pid suffices.
  const host = hostName ?? hostname();
  const worker = workerInfo(host, process.pid, Date.now());
  const tty = (context.stderr as NodeJS.WriteStream).isTTY === true;
  const bar = !json && tty && parts.config.budget.trials !== undefined ? new ProgressBar(context.stderr, parts.config.budget.trials) : null;
  const environment: Json = { node: process.version, platform: process.platform, arch: process.arch, host, pid: process.pid };
  // The proxy's top architectures go first (config warm_start); loaded only when asked, since it needs the engine.
  const warm = parts.config.warm_start;
  let warmStart: Sample[] | undefined;
  if (warm) {
    log(context, `warm start: scoring ${warm.sample} architectures with ${warm.proxy} to train the top ${warm.top} first...`);
    const { warmStartSamples } = await import('../estimate/proxy/warm-start-samples.js');
    warmStart = await warmStartSamples(parts.space, context.dataDir, warm, parts.config.seed);
  }
  try {
    return await runWorker({
      store,
      experiment,
      ...parts,
      ...(warmStart ? { warmStart } : {}),
      worker,
      codeVersion: codeVersion(),
      environment,
      isDead: localDeadCheck(worker, host, processAlive),
      onProgress: (p) => bar?.update(p.done, p.best),
    });
  } finally {
    bar?.stop();
  }
}

/** Runs the experiment to its end in this process, then its final step; prints and returns the result. */
export async function runToEnd(context: CliContext, store: Store, experiment: ExperimentRecord, json: boolean): Promise<ExperimentResult> {
  refuseStudy(experiment);
  let result: ExperimentResult;
  if (experiment.status === 'finished' && experiment.result) {
    result = experiment.result as unknown as ExperimentResult;
  } else {
    const parts = buildParts(context, storedConfig(experiment));
    if (!json) log(context, `${experiment.name}: searching with ${parts.config.strategy.name} on ${parts.config.space}, storage ${store.url}`);
    await work(context, store, experiment, parts, json);
    result = await finalizeExperiment({ store, experiment, ...parts, cwd: process.cwd(), ...(json ? {} : { progress: (line: string) => log(context, line) }) });
  }
  printResult(context, result, store.url, json);
  if (!result.best) {
    throw new StorageError('NO_COMPLETE_TRIAL', `experiment ${experiment.name}: no trial completed (${result.trials.failed} failed); see \`naskit trials ${experiment.name}\` for their errors`);
  }
  return result;
}

function printResult(context: CliContext, result: ExperimentResult, url: string, json: boolean): void {
  if (json) return printJson(context, { ...result, storage: url });
  const t = result.trials;
  printLine(context, `${result.name}: ${t.total} trials (${t.complete} complete, ${t.failed} failed, ${t.pruned} pruned) in ${url}`);
  if (!result.best) return;
  const b = result.best;
  printLine(context, `best: trial ${b.number} ${b.arch}  signal ${b.value}`);
  if (b.test_accuracy !== null) printLine(context, `test accuracy (${b.report}, read once): ${b.test_accuracy}`);
  if (result.export) printLine(context, `exported: ${result.export}`);
}
