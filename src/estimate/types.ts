import type { Sample } from '../space/types.js';

/** What an estimator asks for besides the architecture. */
export interface EstimateRequest {
  /** Training budget (e.g. epochs); undefined = the estimator's default fidelity. */
  readonly fidelity?: number;
  /** Seed of this evaluation (weight init, data order). */
  readonly seed: number;
  /** The stored trial behind this estimate, when an experiment runs it (absent in benchmarks and tests). */
  readonly trial?: TrialContext;
}

/**
 * What an estimator may do with the stored trial it is estimating: keep a checkpoint so that a
 * killed worker's trial resumes where it stopped on whichever worker claims it next, and record
 * its learning curve.
 */
export interface TrialContext {
  /** The checkpoint the trial's last attempt saved, or null (a first attempt, or none saved). */
  loadCheckpoint(): Promise<Uint8Array | null>;
  /** Replaces the trial's checkpoint. Throws `TrialStateError` when the trial is no longer this worker's: stop then. */
  saveCheckpoint(data: Uint8Array): Promise<void>;
  /**
   * Records one point of the learning curve (e.g. validation accuracy after an epoch); `last` marks
   * the final step. Rejects with {@link TrialPruned} when the experiment's pruner stops the trial:
   * let it propagate (after freeing what the estimate holds).
   */
  report(step: number, value: number, last?: boolean): Promise<void>;
  /**
   * Weight inheritance (present when the experiment keeps weights): the kept final weights of the
   * trial this one derives from (the strategy's `attrs.parent`), or null when it has no parent or its
   * weights are no longer kept.
   */
  parentWeights?(): Promise<{ readonly trial: number; readonly weights: Uint8Array } | null>;
  /** Keeps this trial's final weights after it finishes, for the trials that derive from it. Throws `TrialStateError` as `saveCheckpoint`. */
  keepWeights?(data: Uint8Array): Promise<void>;
}

/** Thrown by {@link TrialContext.report} to stop a trial early; the experiment records it as `pruned`. */
export class TrialPruned extends Error {
  /** Both optional so that a define-by-run objective can `throw new TrialPruned()` after `trial.shouldPrune()`. */
  constructor(
    readonly step: number | null = null,
    readonly value: number | null = null,
  ) {
    super(step === null ? 'trial pruned' : `trial pruned at step ${step} (value ${value}: the pruner stopped it there)`);
    this.name = 'TrialPruned';
  }
}

/** An estimator's answer. */
export interface Estimate {
  /** The search signal, larger is better (an accuracy in %). */
  readonly value: number;
  /** What the estimate cost, in seconds: measured, or simulated for tabular benchmarks. */
  readonly costSeconds: number;
  /** Side metrics (parameters, latency, …) for constraints and several objectives. */
  readonly metrics: Readonly<Record<string, number>>;
}

/**
 * A performance estimation method: real training, weight sharing, a tabular benchmark, a proxy.
 * `estimate` never reports the test figure; that is read once, at the end, through `report`
 * where the estimator has one.
 */
export interface Estimator {
  readonly name: string;
  /** The search signal of `sample` at the request's fidelity, its cost and its metrics. */
  estimate(sample: Sample, request: EstimateRequest): Promise<Estimate>;
}
