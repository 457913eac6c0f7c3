import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadDataset } from '../engine/data/load.js';
import { manualSeed, setNumThreads } from '../engine/runtime.js';
import { StorageError } from '../errors.js';
import type { ExperimentRecord, Store, TrialRecord, WorkerInfo } from '../experiment/store.js';
import { createSpace } from '../space/registry.js';
import type { Json } from '../util/json.js';
import { settingsOf, type OneShotConfig } from './config.js';
import { runOneShotSearch, type OneShotEpoch } from './search.js';
import { readSearchProgress } from './state.js';
import { oneShotTableLookup } from './table.js';

/** What a finished one-shot experiment stores as its result (the experiment result's shape, plus the method). */
export interface OneShotExperimentResult {
  readonly name: string;
  readonly method: string;
  readonly trials: { readonly total: number; readonly complete: number; readonly failed: number; readonly pruned: number };
  /** The method's final architecture: the trial of its epoch, its signal, and its table figure read once. */
  readonly best: { readonly number: number; readonly arch: string; readonly value: number; readonly test_accuracy: number | null; readonly report: string | null } | null;
  readonly stopped: string | null;
  readonly search_seconds: number;
  readonly export: string | null;
}

/** Everything a run needs from its surroundings (read at the CLI edge). */
export interface OneShotRunContext {
  readonly store: Store;
  readonly experiment: ExperimentRecord;
  readonly config: OneShotConfig;
  readonly dataDir: string;
  readonly worker: WorkerInfo;
  readonly codeVersion: string;
  readonly cwd: string;
  /** libtorch threads (the section's `threads` wins). */
  readonly threads: number;
  readonly isDead: (worker: string) => boolean;
  readonly log: (line: string) => void;
}

/** A running epoch trial without a heartbeat for this long belongs to a dead search. */
const STALE_MS = 120_000;

/** Writes a file whole or not at all. */
function writeAtomically(path: string, data: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** The params stored with an epoch's trial (the whole record: α, probabilities, losses, table). */
function paramsOf(record: OneShotEpoch): Record<string, Json> {
  return { ...(record as unknown as Record<string, Json>) };
}

/**
 * Runs (or continues) a one-shot experiment in the storage. Each epoch is a trial: its sample is
 * the architecture derived after the epoch, its value the supernet's validation accuracy (the
 * signal the method sees), its params the epoch's record (α, probabilities, losses, table figure),
 * its learning curve point the same accuracy. The search state (weights, α, both optimizers) is
 * stored as the checkpoint of the newest epoch's trial, which stays running until the next epoch's
 * trial holds the next state; a killed search resumes from it. At the end, the method's final
 * architecture is looked up once in the table and exported.
 */
export async function runOneShotExperiment(run: OneShotRunContext): Promise<OneShotExperimentResult> {
  const { store, experiment, config, worker } = run;
  if (experiment.status === 'finished' && experiment.result) return experiment.result as unknown as OneShotExperimentResult;
  const space = createSpace(config.space);
  const settings = settingsOf(config);
  // Trials of dead processes (a killed search) come back to this one: on this host at once, elsewhere
  // after two minutes without a heartbeat (a live search sends one every 10 s). A live one is left alone.
  await store.requeueStale(experiment.id, STALE_MS, run.isDead);
  const open: TrialRecord[] = [];
  for (let t = await store.claimQueued(experiment.id, worker); t; t = await store.claimQueued(experiment.id, worker)) open.push(t);
  const running = (await store.trials(experiment.id)).filter((t) => t.state === 'running' && t.worker !== worker.id);
  if (running.length > 0) {
    throw new StorageError('EXPERIMENT_BUSY', `experiment ${experiment.name} is being searched by ${running[0].worker} (trial ${running[0].number}); wait for it, or stop that process and run \`naskit resume ${experiment.name}\``);
  }
  // The newest open trial with a stored state is where the search continues.
  let resumeFrom: Uint8Array | null = null;
  const records = new Map<number, OneShotEpoch>();
  for (const t of [...open].sort((a, b) => b.number - a.number)) {
    const bytes = await store.loadCheckpoint(t.id);
    if (bytes) {
      resumeFrom = bytes;
      const progress = readSearchProgress(bytes, `checkpoint of trial ${t.number}`) as unknown as { history: OneShotEpoch[] };
      for (const h of progress.history) records.set(h.epoch, h);
      break;
    }
  }
  const openByEpoch = new Map<number, TrialRecord>();
  for (const t of open) {
    const epoch = Number(t.params.epoch);
    if (records.has(epoch)) openByEpoch.set(epoch, t);
    else await store.finishTrial(t.id, worker, { state: 'failed', value: null, error: 'the search was interrupted before this epoch\'s state was stored; the epoch was run again', observation: null });
  }
  const finishOpen = async (upTo: number): Promise<void> => {
    for (const [epoch, t] of [...openByEpoch].sort((a, b) => a[0] - b[0])) {
      if (epoch > upTo) continue;
      const r = records.get(epoch)!;
      await store.finishTrial(t.id, worker, { state: 'complete', value: r.val_acc ?? r.train_acc, params: paramsOf(r), userAttrs: { cost_seconds: r.seconds }, observation: null });
      openByEpoch.delete(epoch);
    }
  };

  setNumThreads(config.oneshot.threads ?? run.threads);
  manualSeed(settings.seed);
  const lookup = oneShotTableLookup(run.dataDir, settings.space, settings.dataset, run.log);
  const trainSet = await loadDataset(run.dataDir, settings.dataset, 'train');
  const heartbeat = setInterval(() => {
    for (const t of openByEpoch.values()) void store.heartbeat(t.id, worker).catch(() => {});
  }, 10_000);
  let result;
  try {
    result = await runOneShotSearch(settings, trainSet, {
      lookup: lookup ?? undefined,
      resumeFrom,
      log: (line) => run.log(`${experiment.name}: ${line}`),
      onEpoch: async (record, state) => {
        records.set(record.epoch, record);
        const sample = space.parse(record.genotype);
        const asked = await store.askTrial(experiment.id, Number.MAX_SAFE_INTEGER, worker, () => ({
          sample: sample as unknown as Json,
          key: space.key(sample),
          fidelity: null,
          params: { epoch: record.epoch, method: settings.method },
          userAttrs: {},
          seed: settings.seed,
          codeVersion: run.codeVersion,
        }));
        const trial = asked!.trial;
        await store.saveCheckpoint(trial.id, worker, state);
        if (record.val_acc !== null) await store.reportIntermediate(trial.id, record.epoch, record.val_acc);
        openByEpoch.set(record.epoch, trial);
        // The previous epoch's trial can finish now that this one holds the newer state.
        await finishOpen(record.epoch - 1);
      },
    });
    await finishOpen(Number.MAX_SAFE_INTEGER);
  } finally {
    clearInterval(heartbeat);
  }

  const trials = await store.trials(experiment.id);
  const count = (s: string) => trials.filter((t) => t.state === s).length;
  const finalTrial = [...trials].reverse().find((t) => t.state === 'complete' && Number(t.params.epoch) === result.result_epoch) ?? null;
  const reportName = `${settings.dataset}_test_200ep_mean`;
  const testAccuracy = result.table?.[reportName] ?? null;
  let exportPath: string | null = null;
  if (config.export !== false && finalTrial) {
    exportPath = resolve(run.cwd, config.export);
    mkdirSync(dirname(exportPath), { recursive: true });
    const model: Record<string, Json> = {
      experiment: experiment.name,
      trial: finalTrial.number,
      space: config.space,
      arch: result.genotype,
      method: result.method,
      result_epoch: result.result_epoch,
      stopped: result.stopped,
      ...(result.table ? { index: result.table.index, report: reportName, test_accuracy: testAccuracy } : {}),
      supernet: { channels: settings.channels, cells: settings.cells, subset: settings.subset, epochs: settings.epochs },
    };
    writeAtomically(exportPath, JSON.stringify(model, null, 2) + '\n');
  }
  const out: OneShotExperimentResult = {
    name: experiment.name,
    method: result.method,
    trials: { total: trials.length, complete: count('complete'), failed: count('failed'), pruned: count('pruned') },
    best: finalTrial ? { number: finalTrial.number, arch: result.genotype, value: finalTrial.value!, test_accuracy: testAccuracy, report: testAccuracy === null ? null : reportName } : null,
    stopped: result.stopped,
    search_seconds: result.search_seconds,
    export: exportPath,
  };
  if (!(await store.finishExperiment(experiment.id, out as unknown as Json))) {
    const stored = await store.getExperiment(experiment.name);
    if (stored?.result) return stored.result as unknown as OneShotExperimentResult;
  }
  return out;
}
