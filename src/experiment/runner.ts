import { NaskitError, ResourceError, StorageError, TrialStateError } from '../errors.js';
import type { Sample, Space } from '../space/types.js';
import { createStrategy } from '../strategy/registry.js';
import { ProxyWarmStart } from '../estimate/proxy/warm-start.js';
import type { Observation } from '../strategy/types.js';
import { TrialPruned, type TrialContext } from '../estimate/types.js';
import { createPruner, type Pruner } from './pruner.js';
import { inheritContext, retainWeights } from './inherit.js';
import type { Json } from '../util/json.js';
import type { ExperimentConfig } from './config.js';
import type { ExperimentEstimator } from './estimators.js';
import { LiveStrategy } from './live-strategy.js';
import type { ExperimentRecord, Store, TrialOutcome, TrialRecord, WorkerInfo } from './store.js';

/** Where a worker's run stands, for progress bars. */
export interface Progress {
  /** Finished trials (complete, failed or pruned) that this worker has seen in the log. */
  readonly done: number;
  /** The trial budget, or null when the budget is in seconds. */
  readonly budget: number | null;
  /** Best signal so far among the trials seen. */
  readonly best: number | null;
  readonly failed: number;
}

/** Everything one worker needs; built at the CLI edge (identity, clocks, environment) and passed down. */
export interface WorkerOptions {
  readonly store: Store;
  readonly experiment: ExperimentRecord;
  readonly config: ExperimentConfig;
  readonly space: Space;
  readonly estimator: ExperimentEstimator;
  readonly worker: WorkerInfo;
  /** e.g. `naskit@0.1.0`, recorded on every trial. */
  readonly codeVersion: string;
  /** Node version, platform, host: recorded on every trial. */
  readonly environment: Json;
  /** Whether a worker id names a process known to be gone (same host, pid not alive). */
  readonly isDead?: (worker: string) => boolean;
  /** Milliseconds between polls while others finish their trials (default 200). */
  readonly pollMs?: number;
  /** The storage clock's now, for the wall-clock budget (default `Date.now`). */
  readonly now?: () => number;
  /** Called after each trial this worker finishes, e.g. to draw a progress bar. */
  readonly onProgress?: (progress: Progress) => void;
  /** Called for each trial this worker finished. */
  readonly onTrial?: (trial: TrialRecord) => void;
  /** Architectures asked before the strategy's own (the config's `warm_start`, computed by the caller). */
  readonly warmStart?: readonly Sample[];
}

/** What one worker did. */
export interface WorkerSummary {
  readonly evaluated: number;
  readonly failed: number;
  /** Trials this worker evaluated but could not record because they were re-queued meanwhile. */
  readonly lost: number;
}

/** A seed per trial from the experiment's seed and the trial's number (a 32-bit integer hash). */
export function trialSeed(seed: number, number: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (number + 0x7f4a7c15), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Evaluates trials of an experiment until its budget is spent and no trial is open: claims a queued
 * trial (one a dead worker left) or asks the strategy for a new one, under the storage's lock,
 * estimates it while sending heartbeats, and records the outcome. A failed estimate (exception,
 * non-finite value) becomes a failed trial with the error stored; it never stops the run.
 * Running trials of other workers are waited for, and re-queued when their heartbeat goes stale.
 */
export async function runWorker(options: WorkerOptions): Promise<WorkerSummary> {
  const { store, experiment, config, space, worker } = options;
  const now = options.now ?? Date.now;
  const staleMs = config.workers.stale_seconds * 1000;
  const heartbeatMs = config.workers.heartbeat_seconds * 1000;
  const pollMs = options.pollMs ?? 200;
  let live: LiveStrategy | null = null;
  let done = 0;
  let failedSeen = 0;
  let best: number | null = null;
  const summary = { evaluated: 0, failed: 0, lost: 0 };
  const pruner = createPruner(config.pruner);
  const report = () => options.onProgress?.({ done, budget: config.budget.trials ?? null, best, failed: failedSeen });

  const budgetOpen = (trialCount: number, costSeconds: number): boolean => {
    const b = config.budget;
    if (b.trials !== undefined && trialCount >= b.trials) return false;
    if (b.seconds !== undefined && costSeconds >= b.seconds) return false;
    if (b.wall_seconds !== undefined && now() - experiment.created >= b.wall_seconds * 1000) return false;
    return true;
  };

  const ask = async (): Promise<TrialRecord | null> => {
    if (!live) {
      const inner = createStrategy(config.strategy.name, { space, seed: config.seed }, config.strategy.options);
      live = new LiveStrategy(options.warmStart?.length ? new ProxyWarmStart(inner, options.warmStart) : inner, space);
    }
    const strategy: LiveStrategy = live;
    const seen = (o: Observation) => {
      done++;
      if (o.state === 'failed') failedSeen++;
      if (o.state === 'complete' && o.value !== null && (best === null || o.value > best)) best = o.value;
    };
    try {
      // Catch up on the log outside the lock (a worker joining a long run replays it all), so
      // that only the last few entries are applied while the other workers wait.
      strategy.apply(await store.events(experiment.id, strategy.lastSeq), seen);
      const made = await store.askTrial(experiment.id, strategy.lastSeq, worker, (view) => {
        strategy.apply(view.events, seen);
        if (!budgetOpen(view.trialCount, view.costSeconds)) return null;
        const proposal = strategy.strategy.ask();
        const number = view.trialCount;
        return {
          sample: proposal.sample,
          key: space.key(proposal.sample),
          fidelity: proposal.fidelity ?? null,
          params: { ...(proposal.attrs ?? {}) },
          userAttrs: { environment: options.environment },
          seed: trialSeed(config.seed, number),
          codeVersion: options.codeVersion,
        };
      });
      if (made) {
        strategy.asked++;
        strategy.lastSeq = made.seq;
      }
      report();
      return made?.trial ?? null;
    } catch (error) {
      // The local strategy may have advanced past what was committed: rebuild it from the log next time.
      live = null;
      done = failedSeen = 0;
      best = null;
      throw error;
    }
  };

  let lastSweep = 0;
  const sweep = async (force: boolean) => {
    if (!force && now() - lastSweep < Math.min(heartbeatMs, staleMs)) return;
    lastSweep = now();
    await store.requeueStale(experiment.id, staleMs, options.isDead);
  };

  for (;;) {
    await sweep(false);
    let trial = await store.claimQueued(experiment.id, worker);
    if (!trial) trial = await ask();
    if (!trial) {
      await sweep(true);
      const open = (await store.trials(experiment.id)).some((t) => t.state === 'queued' || t.state === 'running');
      if (!open) break;
      await sleep(pollMs);
      continue;
    }
    // Heartbeats run until the outcome is recorded: waiting for the lock to record it is still work.
    const held = trial;
    const timer = setInterval(() => {
      store.heartbeat(held.id, worker).catch(() => {});
    }, heartbeatMs);
    timer.unref();
    try {
      const outcome = await evaluate(options, trial, pruner);
      summary.evaluated++;
      if (outcome.state === 'failed') summary.failed++;
      const finished = await store.finishTrial(trial.id, worker, outcome);
      // Weight inheritance keeps a bounded set of final weights (the latest and best trials).
      if (options.estimator.inherit) await retainWeights(store, experiment.id, options.estimator.inherit);
      options.onTrial?.(finished);
    } catch (error) {
      // Re-queued as stale while we worked (e.g. a long pause) and taken by another worker: theirs counts.
      if (error instanceof TrialStateError) summary.lost++;
      else throw error;
    } finally {
      clearInterval(timer);
    }
  }
  return summary;
}

/**
 * Runs the estimator on one trial; a failure of the estimate becomes a failed outcome. Two errors
 * pass through instead: a `StorageError` from the trial's storage calls (checkpoint, curve, pruner),
 * which stops the worker and leaves the trial running, to be re-queued and resumed from its
 * checkpoint; and a `TrialStateError` (the trial was taken by another worker), counted as lost.
 */
async function evaluate(options: WorkerOptions, trial: TrialRecord, pruner: Pruner | null): Promise<TrialOutcome> {
  const { space } = options;
  let sample;
  try {
    sample = space.freeze(trial.sample as Record<string, unknown>);
  } catch (error) {
    // A stored sample this space no longer accepts: a failed trial, not a crashed worker.
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { state: 'failed', value: null, error: text, observation: { trial: trial.number, sample: trial.sample, state: 'failed', value: null } };
  }
  const base = { trial: trial.number, sample, ...(trial.fidelity !== null ? { fidelity: trial.fidelity } : {}) };
  const started = performance.now();
  try {
    const context = trialContext(options, trial, pruner);
    const est = await options.estimator.estimator.estimate(sample, { seed: trial.seed, ...(trial.fidelity !== null ? { fidelity: trial.fidelity } : {}), trial: context });
    if (!Number.isFinite(est.value)) {
      const error = `estimator ${options.estimator.estimator.name} returned a non-finite value (${est.value})`;
      return { state: 'failed', value: null, error, userAttrs: { cost_seconds: finiteOr0(est.costSeconds) }, observation: { ...base, state: 'failed', value: null } };
    }
    const metrics: Record<string, Json> = {};
    for (const [k, v] of Object.entries(est.metrics)) metrics[k] = Number.isFinite(v) ? v : null;
    return {
      state: 'complete',
      value: est.value,
      params: { metrics },
      userAttrs: { cost_seconds: finiteOr0(est.costSeconds) },
      observation: { ...base, state: 'complete', value: est.value },
    };
  } catch (error) {
    if (error instanceof StorageError || error instanceof TrialStateError) throw error;
    if (error instanceof TrialPruned) {
      // Stopped early by the pruner: a final state of its own, with what it cost and where it stopped.
      return {
        state: 'pruned',
        value: null,
        params: { pruned_at_step: error.step },
        userAttrs: { cost_seconds: (performance.now() - started) / 1000 },
        observation: { ...base, state: 'pruned', value: null },
      };
    }
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    // naskit's errors keep their stable code (and a ResourceError its figures) beside the text, e.g. MEMORY_LIMIT.
    const params: Record<string, Json> = {};
    if (error instanceof NaskitError) params.error_code = error.code;
    if (error instanceof ResourceError) params.metrics = { ...error.details };
    return {
      state: 'failed',
      value: null,
      error: text,
      ...(Object.keys(params).length ? { params } : {}),
      observation: { ...base, state: 'failed', value: null },
    };
  }
}

/** The stored trial as an estimator sees it: its checkpoint (kept across a re-queue), its learning curve and the pruner. */
function trialContext(options: WorkerOptions, trial: TrialRecord, pruner: Pruner | null): TrialContext {
  const { store, worker } = options;
  return {
    loadCheckpoint: () => store.loadCheckpoint(trial.id),
    async saveCheckpoint(data) {
      if (!(await store.saveCheckpoint(trial.id, worker, data))) {
        throw new TrialStateError('TRIAL_NOT_OWNED', `trial ${trial.number} is no longer this worker's (re-queued as stale and claimed by another worker); stopping its evaluation here`);
      }
    },
    ...(options.estimator.inherit ? inheritContext(store, trial, worker) : {}),
    async report(step, value, last = false) {
      await store.reportIntermediate(trial.id, step, value);
      // The last step's result is the trial's: pruning it would only throw away finished work.
      if (!pruner || last) return;
      if (pruner.shouldPrune(step, value, trial.fidelity, await store.trials(trial.experimentId), trial.number)) throw new TrialPruned(step, value);
    },
  };
}

function finiteOr0(x: number): number {
  return Number.isFinite(x) ? x : 0;
}
