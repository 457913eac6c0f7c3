import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { SampleError, StorageError, TrialStateError } from '../errors.js';
import { TrialPruned } from '../estimate/types.js';
import { createPruner } from '../experiment/pruner.js';
import { trialSeed } from '../experiment/runner.js';
import type { TrialOutcome, TrialRecord, WorkerInfo } from '../experiment/store.js';
import { localDeadCheck, processAlive } from '../experiment/worker-id.js';
import type { Value } from '../space/types.js';
import type { Json } from '../util/json.js';
import type { Study } from './study.js';
import { recordStudyEnd, watchSignals } from './end.js';
import { studyOptions } from './options.js';
import { Trial } from './trial.js';

/** The objective of a study: suggests parameters on its trial, evaluates them, returns the value. */
export type Objective = (trial: Trial) => number | Promise<number>;

/** Options of `Study.optimize` (snake_case, as every options object naskit takes): at least one of `trials`, `timeout_seconds`, `max_trials`. */
export interface OptimizeOptions {
  /** Trials this call evaluates (over all its workers). */
  readonly trials?: number;
  /** No new trial is started after this many seconds; running ones finish. */
  readonly timeout_seconds?: number;
  /** A cap on the study's trials in total, over every process (exact: checked under the storage's lock). */
  readonly max_trials?: number;
  /** Concurrent evaluations in this process (default 1): async objectives overlap. */
  readonly workers?: number;
  /** Called after each trial this call finished. */
  readonly on_trial?: (trial: TrialRecord) => void;
  /** @deprecated Use `timeout_seconds`. */
  readonly timeoutSeconds?: number;
  /** @deprecated Use `max_trials`. */
  readonly maxTrials?: number;
  /** @deprecated Use `on_trial`. */
  readonly onTrial?: (trial: TrialRecord) => void;
}

/** What one `optimize` call did. */
export interface OptimizeSummary {
  readonly evaluated: number;
  readonly complete: number;
  readonly pruned: number;
  readonly failed: number;
  /** Trials evaluated here but taken over by another worker meanwhile (re-queued as stale). */
  readonly lost: number;
}

function checkOptions(o: OptimizeOptions): void {
  const positiveInt = (x: number | undefined) => x === undefined || (Number.isInteger(x) && x >= 1);
  if (o.trials === undefined && o.timeout_seconds === undefined && o.max_trials === undefined) {
    throw new RangeError('optimize: give trials, timeout_seconds or max_trials (it would otherwise run for ever)');
  }
  if (!positiveInt(o.trials) || !positiveInt(o.max_trials) || !positiveInt(o.workers)) {
    throw new RangeError(`optimize: trials, max_trials and workers must be integers ≥ 1, got ${JSON.stringify({ trials: o.trials, max_trials: o.max_trials, workers: o.workers })}`);
  }
  if (o.timeout_seconds !== undefined && !(o.timeout_seconds > 0)) throw new RangeError(`optimize: timeout_seconds must be > 0, got ${o.timeout_seconds}`);
}

/**
 * The worker loop of a define-by-run study (the counterpart of `experiment/runner.ts`, with the
 * objective in place of an estimator): claim a re-queued trial or ask the sampler for a new one
 * under the storage's lock, run the objective with heartbeats, record the outcome and its tell.
 */
export async function runOptimize(study: Study, objective: Objective, given: OptimizeOptions): Promise<OptimizeSummary> {
  const options = studyOptions('optimize', given);
  checkOptions(options);
  const { store, experiment, config } = study;
  const host = hostname();
  const started = Date.now();
  const deadline = options.timeout_seconds !== undefined ? started + options.timeout_seconds * 1000 : Infinity;
  const base = `${host}:${process.pid}:${started}.${randomBytes(3).toString('hex')}`;
  const self: WorkerInfo = { id: base };
  const dead = localDeadCheck(self, host, processAlive);
  // Loops of this process are alive by definition; other processes of this host are probed.
  const isDead = (worker: string) => !worker.startsWith(`${host}:${process.pid}:`) && dead(worker);
  const pruner = createPruner(config.pruner);
  const sign = config.direction === 'maximize' ? 1 : -1;
  const staleMs = config.workers.stale_seconds * 1000;
  const heartbeatMs = config.workers.heartbeat_seconds * 1000;
  const summary = { evaluated: 0, complete: 0, pruned: 0, failed: 0, lost: 0 };
  let reserved = 0;
  let stop = false;
  let misuse: unknown = null;
  let lastSweep = 0;
  let reports = false;
  /** The signal that stopped this call, if one did. */
  let interruptedBy: NodeJS.Signals | null = null;
  let ending = false;
  const end = (interrupted: boolean, reason: string | null, ours: (worker: string) => boolean) =>
    recordStudyEnd({ store, experimentId: experiment.id, direction: config.direction, staleMs, ours, interrupted, reason, summary });
  const ownCall = (worker: string) => worker.startsWith(`${base}-`);
  const ownProcess = (worker: string) => worker.startsWith(`${host}:${process.pid}:`);
  // The study runs again (a finished study continues), and again at each trial and heartbeat: an
  // other call that ended meanwhile may have marked it finished while this one was between trials.
  const reopen = () => (ending ? Promise.resolve(false) : store.reopenExperiment(experiment.id));

  const ask = async (worker: WorkerInfo): Promise<TrialRecord | null> => {
    const sampler = study.sampler;
    try {
      sampler.apply(await store.events(experiment.id, sampler.lastSeq));
      const made = await store.askTrial(experiment.id, sampler.lastSeq, worker, (view) => {
        sampler.apply(view.events);
        if (options.max_trials !== undefined && view.trialCount >= options.max_trials) return null;
        const proposal = sampler.ask();
        // The ask event takes the next position of the gapless log; mark it applied now, because
        // this process's other loops share the sampler and may read the log before this call returns.
        sampler.lastSeq++;
        return {
          sample: proposal.sample as Json,
          key: JSON.stringify(proposal.sample),
          fidelity: proposal.fidelity,
          params: { ...proposal.attrs },
          userAttrs: {},
          seed: trialSeed(config.seed, view.trialCount),
          codeVersion: 'naskit-study',
        };
      });
      return made?.trial ?? null;
    } catch (error) {
      // The shared sampler may be ahead of what was committed: rebuild it from the log next time.
      study.resetSampler();
      throw error;
    }
  };

  const runTrial = async (record: TrialRecord, worker: WorkerInfo): Promise<void> => {
    // The study's trials, for the pruner: read at the start of each trial once the objective has
    // shown that it reports a curve, and again in the background after each report (report is synchronous).
    let others: readonly TrialRecord[] = pruner && reports ? await store.trials(experiment.id) : [];
    let refreshing = false;
    const sampler = study.sampler;
    const trial = new Trial({
      number: record.number,
      seed: record.seed,
      studySeed: config.seed,
      fidelity: record.fidelity,
      proposal: (record.sample ?? {}) as Record<string, Value>,
      known: (name) => sampler.known(name),
      record: (step, value) => store.reportIntermediate(record.id, step, value),
      pruner,
      trials: () => others,
      refreshTrials: () => {
        reports = true;
        if (!pruner || refreshing) return;
        refreshing = true;
        store
          .trials(experiment.id)
          .then((t) => (others = t))
          .catch(() => {})
          .finally(() => (refreshing = false));
      },
      sign,
    });
    const timer = setInterval(() => void store.heartbeat(record.id, worker).then(reopen).catch(() => {}), heartbeatMs);
    timer.unref();
    try {
      const outcome = await evaluate(trial, objective, sign);
      if (outcome.misuse) {
        misuse ??= outcome.misuse;
        stop = true;
      }
      summary.evaluated++;
      summary[outcome.outcome.state]++;
      const finished = await store.finishTrial(record.id, worker, outcome.outcome);
      study.absorb(finished);
      options.on_trial?.(finished);
    } catch (error) {
      if (error instanceof TrialStateError) summary.lost++;
      else throw error;
    } finally {
      clearInterval(timer);
    }
  };

  const loop = async (index: number): Promise<void> => {
    const worker: WorkerInfo = { id: `${base}-${index}` };
    for (;;) {
      if (stop || Date.now() >= deadline) return;
      if (options.trials !== undefined && reserved >= options.trials) return;
      reserved++;
      if (Date.now() - lastSweep >= Math.min(heartbeatMs, staleMs)) {
        lastSweep = Date.now();
        await store.requeueStale(experiment.id, staleMs, isDead);
      }
      const record = (await store.claimQueued(experiment.id, worker)) ?? (await ask(worker));
      if (!record) {
        reserved--;
        return;
      }
      await reopen();
      await runTrial(record, worker);
    }
  };

  const unwatch = watchSignals({
    stop: (signal) => {
      interruptedBy ??= signal;
      stop = true;
    },
    // The process exits after this: its other calls' trials are abandoned too (re-queued later).
    record: async (signal) => {
      ending = true;
      await end(true, signal, ownProcess);
    },
  });
  try {
    await reopen();
    const workers = options.workers ?? 1;
    const results = await Promise.allSettled(Array.from({ length: workers }, (_, i) => loop(i)));
    const failure = results.find((r) => r.status === 'rejected');
    const error = failure ? (failure as PromiseRejectedResult).reason : misuse;
    ending = true;
    if (error) {
      // Best effort: the storage may be what failed.
      await end(true, error instanceof Error ? `${error.name}: ${error.message}` : String(error), ownCall).catch(() => false);
      throw error;
    }
    await end(interruptedBy !== null, interruptedBy, ownCall);
    return summary;
  } finally {
    unwatch();
  }
}

/** Runs the objective once; its failures become outcomes (storage errors pass through). */
async function evaluate(trial: Trial, objective: Objective, sign: 1 | -1): Promise<{ outcome: TrialOutcome; misuse?: unknown }> {
  const begun = performance.now();
  const base = (state: TrialOutcome['state'], value: number | null) => ({
    params: { params: trial.params as Record<string, Json>, distributions: trial.suggested() as unknown as Json },
    userAttrs: { cost_seconds: (performance.now() - begun) / 1000 },
    observation: { trial: trial.number, state, value: value === null ? null : sign * value, params: trial.params as Record<string, Json>, distributions: trial.suggested() as unknown as Json },
  });
  let result: unknown;
  let thrown: unknown = undefined;
  let threw = false;
  try {
    result = await objective(trial);
  } catch (error) {
    threw = true;
    thrown = error;
  }
  // The curve points must be stored before the trial is finished (and before the pruner reads them).
  await trial.close();
  if (!threw) {
    if (typeof result !== 'number' || !Number.isFinite(result)) {
      const error = `the objective returned ${typeof result === 'number' ? result : JSON.stringify(result) ?? String(result)}; it must return a finite number`;
      return { outcome: { state: 'failed', value: null, error, ...base('failed', null) } };
    }
    return { outcome: { state: 'complete', value: result, ...base('complete', result) } };
  }
  if (thrown instanceof StorageError) throw thrown;
  if (thrown instanceof TrialPruned) {
    const out = base('pruned', null);
    return { outcome: { state: 'pruned', value: null, ...out, params: { ...out.params, pruned_at_step: thrown.step ?? trial.lastStep() } } };
  }
  const text = thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown);
  const misuse = thrown instanceof SampleError && thrown.code.startsWith('PARAM_') ? thrown : undefined;
  return { outcome: { state: 'failed', value: null, error: text, ...base('failed', null) }, ...(misuse ? { misuse } : {}) };
}
