import type { Json } from '../util/json.js';

/** The states of a trial. `queued` and `running` are open; the other three are final and immutable. */
export const TRIAL_STATES = ['queued', 'running', 'complete', 'failed', 'pruned'] as const;
/** The state of a trial (see `TRIAL_STATES`). */
export type TrialState = (typeof TRIAL_STATES)[number];

/** A final trial state. */
export type FinishedState = 'complete' | 'failed' | 'pruned';

/** The states of an experiment: running until its budget is spent and its final step done. */
export type ExperimentStatus = 'running' | 'finished';

/** One stored experiment. */
export interface ExperimentRecord {
  readonly id: number;
  readonly name: string;
  /** The validated config, as JSON. */
  readonly config: Json;
  readonly seed: number;
  readonly status: ExperimentStatus;
  /** Epoch milliseconds. */
  readonly created: number;
  /** What the final step reported (best architecture, test figure, export path), once finished. */
  readonly result: Json;
}

/** One stored trial: plain data (space choices, fidelity, seed), never code, so any worker can run it. */
export interface TrialRecord {
  readonly id: number;
  readonly experimentId: number;
  /** 0-based index of the ask that proposed it. */
  readonly number: number;
  readonly state: TrialState;
  /** The architecture sample (JSON keyed by label). */
  readonly sample: Json;
  /** The space's canonical key of the sample. */
  readonly key: string;
  /** The search signal; null unless complete. */
  readonly value: number | null;
  /** Every objective, when several. */
  readonly values: number[] | null;
  readonly fidelity: number | null;
  /** Learning curve: step → value. */
  readonly intermediate: Readonly<Record<string, number>>;
  /** Estimator metrics and the strategy's notes (generation, parent, …). */
  readonly params: Readonly<Record<string, Json>>;
  /** What a user or the runner attached (environment, cost). */
  readonly userAttrs: Readonly<Record<string, Json>>;
  readonly worker: string | null;
  /** Epoch milliseconds (storage clock) of the running worker's last sign of life. */
  readonly heartbeat: number | null;
  readonly started: number | null;
  readonly finished: number | null;
  readonly error: string | null;
  /** The evaluation's seed. */
  readonly seed: number;
  readonly codeVersion: string;
  /** Times the trial was claimed by a worker (more than 1 after a crashed worker's trial was re-queued). */
  readonly attempts: number;
}

/** One entry of the ordered ask/tell log that `replay` rebuilds a strategy from. */
export interface StoredEvent {
  /** Position in the experiment's log, from 0, without gaps. */
  readonly seq: number;
  readonly kind: 'ask' | 'tell';
  readonly trial: number;
  /** ask: `{sample}`; tell: the observation told to the strategy. */
  readonly payload: Json;
}

/** Who is running a trial. */
export interface WorkerInfo {
  /** `host:pid:start`, unique per process. */
  readonly id: string;
}

/** What the ask step decided: a new trial to record, or null when the budget is spent. */
export interface NewTrial {
  readonly sample: Json;
  readonly key: string;
  readonly fidelity: number | null;
  readonly params: Readonly<Record<string, Json>>;
  readonly userAttrs: Readonly<Record<string, Json>>;
  readonly seed: number;
  readonly codeVersion: string;
}

/** What the ask step sees, read under the experiment's lock. */
export interface AskView {
  /** Log entries after the caller's `afterSeq`, in order. */
  readonly events: readonly StoredEvent[];
  /** Number of trials so far: the new trial's number. */
  readonly trialCount: number;
  /** Sum of `userAttrs.cost_seconds` over finished trials (simulated-seconds budget). */
  readonly costSeconds: number;
}

/** A finished trial's outcome. */
export interface TrialOutcome {
  readonly state: FinishedState;
  readonly value: number | null;
  readonly values?: readonly number[] | null;
  readonly error?: string | null;
  /** Merged into the trial's params (estimator metrics). */
  readonly params?: Readonly<Record<string, Json>>;
  /** Merged into the trial's user attrs (cost). */
  readonly userAttrs?: Readonly<Record<string, Json>>;
  /** The tell payload appended to the log. */
  readonly observation: Json;
}

/** A worker seen on a running trial, with its latest heartbeat (storage clock, epoch ms). */
export interface WorkerSeen {
  readonly id: string;
  readonly heartbeat: number | null;
}

/** An experiment's trials in aggregate, computed by the storage (the dashboard's overview). */
export interface TrialSummary {
  /** Trials per state. */
  readonly counts: Readonly<Record<TrialState, number>>;
  /** The highest value of a complete trial, or null. */
  readonly best: number | null;
  /** The lowest value of a complete trial, or null (the best of a study that minimises its objective). */
  readonly lowest: number | null;
  /** Workers holding running trials, each once, with their latest heartbeat. */
  readonly workers: readonly WorkerSeen[];
  /** Sum of `userAttrs.cost_seconds` of finished trials. */
  readonly costSeconds: number;
  /** The storage's clock now (epoch ms): compare heartbeats and `trialsSince` cursors with it, not with the caller's. */
  readonly now: number;
}

/**
 * The storage behind experiments: only what the trial lifecycle needs. Every implementation
 * (memory, SQLite, PostgreSQL) passes the one conformance suite in test/experiment/.
 * Trials are the work queue: an open trial is claimed with a row lock; the strategy's state is the
 * ask/tell log, appended under a per-experiment lock so that its order is the order of commits.
 * Errors: `StorageError` for unreachable storage, a newer schema or a failed write;
 * `TrialStateError` for finishing a trial that is not running.
 */
export interface Store {
  /** The storage URL with any password removed. */
  readonly url: string;
  /** Creates an experiment; `StorageError` `EXPERIMENT_EXISTS` when the name is taken. */
  createExperiment(input: { name: string; config: Json; seed: number }): Promise<ExperimentRecord>;
  /** The experiment of that name, or null. */
  getExperiment(name: string): Promise<ExperimentRecord | null>;
  /** Every experiment, oldest first. */
  listExperiments(): Promise<ExperimentRecord[]>;
  /**
   * Marks a running experiment finished with its final result. False (and nothing changed) when it
   * was already finished, e.g. by another process's final step: the first result stays.
   */
  finishExperiment(experimentId: number, result: Json): Promise<boolean>;
  /**
   * Marks a finished experiment running again, its result kept until the next `finishExperiment`:
   * a define-by-run study is finished when its `optimize` calls end and continues with the next one.
   * False (nothing changed) when it was running. Config experiments never reopen.
   */
  reopenExperiment(experimentId: number): Promise<boolean>;
  /** Claims the lowest-numbered queued trial for `worker` (state → running), or null. */
  claimQueued(experimentId: number, worker: WorkerInfo): Promise<TrialRecord | null>;
  /**
   * Under the experiment's lock: shows `decide` the log after `afterSeq` and the trial count, and
   * records what it returns as a new running trial of `worker` with its ask event. Null when
   * `decide` returns null. `decide` must be synchronous and may throw (nothing is written then).
   */
  askTrial(experimentId: number, afterSeq: number, worker: WorkerInfo, decide: (view: AskView) => NewTrial | null): Promise<{ trial: TrialRecord; seq: number } | null>;
  /** Records a sign of life; false when the trial is no longer this worker's running trial. */
  heartbeat(trialId: number, worker: WorkerInfo): Promise<boolean>;
  /** Records one point of a running trial's learning curve. */
  reportIntermediate(trialId: number, step: number, value: number): Promise<void>;
  /**
   * Stores a running trial's checkpoint, replacing the previous one; false (nothing stored) when
   * the trial is not `worker`'s running trial any more. Opaque bytes: the estimator's format.
   */
  saveCheckpoint(trialId: number, worker: WorkerInfo, data: Uint8Array): Promise<boolean>;
  /** The trial's last stored checkpoint, or null (none saved, or the trial has finished). */
  loadCheckpoint(trialId: number): Promise<Uint8Array | null>;
  /**
   * Stores a running trial's final weights (opaque bytes), replacing earlier ones; unlike a
   * checkpoint they stay after the trial finishes, for children that inherit them. False (nothing
   * stored) when the trial is not `worker`'s running trial.
   */
  saveWeights(trialId: number, worker: WorkerInfo, data: Uint8Array): Promise<boolean>;
  /** The trial's kept weights, or null (none saved, or deleted by {@link Store.retainWeights}). */
  loadWeights(trialId: number): Promise<Uint8Array | null>;
  /**
   * Deletes the kept weights of the experiment's finished trials whose numbers are not in `keep`
   * (running trials' weights stay); returns how many were deleted.
   */
  retainWeights(experimentId: number, keep: readonly number[]): Promise<number>;
  /**
   * Finishes a running trial of `worker` and appends its tell event, under the experiment's lock;
   * its checkpoint, if any, is deleted.
   * `TrialStateError` `TRIAL_FINISHED` when it is already final, `TRIAL_NOT_OWNED` when another
   * worker holds it now (it was re-queued as stale), `TRIAL_NOT_RUNNING` when it is queued.
   */
  finishTrial(trialId: number, worker: WorkerInfo, outcome: TrialOutcome): Promise<TrialRecord>;
  /**
   * Re-queues running trials whose heartbeat is older than `staleMs`, or whose worker `isDead`
   * says is gone; returns how many.
   */
  requeueStale(experimentId: number, staleMs: number, isDead?: (worker: string) => boolean): Promise<number>;
  /** Every trial of an experiment, by number. */
  trials(experimentId: number): Promise<TrialRecord[]>;
  /** The experiment's trial of that number, or null. */
  trialByNumber(experimentId: number, number: number): Promise<TrialRecord | null>;
  /**
   * The trials that started or finished at or after `since` (epoch ms, the storage's clock), plus
   * every open (queued or running) trial, by number: what changed since a reader last looked.
   */
  trialsSince(experimentId: number, since: number): Promise<TrialRecord[]>;
  /** The experiment's trials in aggregate (counts, best value, live workers, cost), and the storage's clock. */
  trialSummary(experimentId: number): Promise<TrialSummary>;
  /** The log after `afterSeq` (−1 for all), in order. */
  events(experimentId: number, afterSeq?: number): Promise<StoredEvent[]>;
  /** Releases the connection (or file); the store is unusable after. */
  close(): Promise<void>;
}

/** The schema version this code writes; opening a newer one is refused. */
export const SCHEMA_VERSION = 3;
