import { z } from 'zod';
import { AshaRungs } from '../strategy/asha.js';
import type { TrialRecord } from './store.js';

/** The `pruner:` section of a config for `none` and `median`, defaults applied. */
export interface MedianPrunerConfig {
  /** `none`, or `median`: the median stopping rule (Golovin et al. 2017, Google Vizier; Optuna's MedianPruner). */
  readonly name: 'none' | 'median';
  /** Steps (epochs) a trial always runs before it can be pruned. */
  readonly warmup_steps: number;
  /** Complete trials with a value at the step that must exist before any trial is pruned there. */
  readonly min_trials: number;
}

/** The `pruner:` section of a config for `asha`, defaults applied (see {@link AshaPruner}). */
export interface AshaPrunerConfig {
  readonly name: 'asha';
  /** r: the step (epoch) of the bottom rung. */
  readonly min_resource: number;
  /** η: rung k is at step r·η^(s+k), and the top 1/η of a rung's results go on. */
  readonly reduction_factor: number;
  /** s: skips the first s rungs (0: the most aggressive). */
  readonly min_early_stopping_rate: number;
}

/** The `pruner:` section of a config, defaults applied. */
export type PrunerConfig = MedianPrunerConfig | AshaPrunerConfig;

/** The default `pruner:` section (no pruning). */
export const NO_PRUNER: PrunerConfig = { name: 'none', warmup_steps: 1, min_trials: 5 };

/** Fields of each pruner's section, for "unknown field" messages. */
export const PRUNER_FIELDS: Readonly<Record<PrunerConfig['name'], readonly string[]>> = {
  none: ['name', 'warmup_steps', 'min_trials'],
  median: ['name', 'warmup_steps', 'min_trials'],
  asha: ['name', 'min_resource', 'reduction_factor', 'min_early_stopping_rate'],
};

/** Validates a config's `pruner:` section (by `name`; strict: another pruner's field is an unknown field). */
export const PrunerSchema = z
  .discriminatedUnion('name', [
    z.strictObject({
      name: z.enum(['none', 'median']),
      warmup_steps: z.number().int().min(0).default(1),
      min_trials: z.number().int().min(1).default(5),
    }),
    z.strictObject({
      name: z.literal('asha'),
      min_resource: z.number().int().min(1).default(1),
      // An integer, so that every rung r·η^k is a whole step.
      reduction_factor: z.number().int().min(2).default(3),
      min_early_stopping_rate: z.number().int().min(0).max(30).default(0),
    }),
  ])
  .default(NO_PRUNER);

/** Decides, from the stored trials, whether a running trial should stop after reporting `value` at `step`. */
export interface Pruner {
  /**
   * `fidelity` is the trial's own: only trials of the same fidelity compare (their schedules differ
   * otherwise). `trials` are the experiment's (or study's) trials as stored; `trial` is the asking
   * trial's number, whose own stored entry is ignored (its value at `step` is `value`).
   */
  shouldPrune(step: number, value: number, fidelity: number | null, trials: readonly TrialRecord[], trial?: number): boolean;
}

/**
 * The median stopping rule: stop a trial whose learning-curve value at step s is below the median
 * of the values at step s of the complete trials of the same fidelity (larger is better). Trials that
 * were themselves pruned do not set the bar, so it does not sink as weak trials stop early.
 */
export class MedianPruner implements Pruner {
  constructor(readonly options: Omit<MedianPrunerConfig, 'name'>) {}

  shouldPrune(step: number, value: number, fidelity: number | null, trials: readonly TrialRecord[], trial?: number): boolean {
    if (step <= this.options.warmup_steps || !Number.isFinite(value)) return false;
    const atStep: number[] = [];
    for (const t of trials) {
      if (t.state !== 'complete' || t.fidelity !== fidelity || t.number === trial) continue;
      const v = t.intermediate[String(step)];
      if (typeof v === 'number' && Number.isFinite(v)) atStep.push(v);
    }
    if (atStep.length < this.options.min_trials) return false;
    atStep.sort((a, b) => a - b);
    const mid = atStep.length >> 1;
    const median = atStep.length % 2 ? atStep[mid] : (atStep[mid - 1] + atStep[mid]) / 2;
    return value < median;
  }
}

/**
 * Asynchronous successive halving as a pruner: Li, Jamieson, Rostamizadeh, Gonina, Ben-tzur, Hardt,
 * Recht & Talwalkar, "A System for Massively Parallel Hyperparameter Tuning", MLSys 2020, in its
 * early-stopping form: a trial is started once and trains on while it stays in the top 1/η of each
 * rung it reaches, instead of being paused and promoted later.
 *
 * Rung k sits at step r·η^(s+k) (r = `min_resource`, η = `reduction_factor`, s =
 * `min_early_stopping_rate`). When a trial reports its value at a rung's step, the rung's results are
 * the values at that step of every trial of the same fidelity in the storage (whatever its state now:
 * a trial pruned later still reached this rung), the asking trial's included. With n results, n ≥ η,
 * the trial goes on when it ranks among the top ⌊n/η⌋ (larger is better, ties to the smaller trial
 * number) and is pruned otherwise; while a rung holds fewer than η results, every trial goes on.
 * Steps between rungs never prune. Every decision is read from the storage, so any worker decides
 * the same way on the same stored curves, and nothing waits for a rung to fill.
 *
 * Deviation: the paper's ASHA promotes from a rung only once it holds η results and leaves the rest
 * paused, to be promoted later if the rung grows; a pruned trial cannot come back, so below η
 * results the decision is deferred by letting the trial go on. A non-finite value never prunes (the
 * estimator fails the trial).
 */
export class AshaPruner implements Pruner {
  constructor(readonly options: Omit<AshaPrunerConfig, 'name'>) {
    const { min_resource: r, reduction_factor: eta, min_early_stopping_rate: s } = options;
    if (!Number.isInteger(r) || r < 1 || !Number.isInteger(eta) || eta < 2 || !Number.isInteger(s) || s < 0) {
      throw new RangeError(`AshaPruner: need integers min_resource ≥ 1, reduction_factor ≥ 2, min_early_stopping_rate ≥ 0, got ${JSON.stringify(options)}`);
    }
  }

  /** The rung steps up to `maxStep`, lowest first: r·η^(s+k) for k = 0, 1, … */
  rungSteps(maxStep: number): number[] {
    const { min_resource: r, reduction_factor: eta, min_early_stopping_rate: s } = this.options;
    const steps: number[] = [];
    for (let step = r * eta ** s; step <= maxStep; step *= eta) steps.push(step);
    return steps;
  }

  /**
   * The rungs up to `maxStep` as stored: every trial of `fidelity` with a finite value at a rung's
   * step is recorded there under its trial number (the asking trial's stored entry is skipped).
   */
  rungs(maxStep: number, fidelity: number | null, trials: readonly TrialRecord[], skip?: number): AshaRungs | null {
    const steps = this.rungSteps(maxStep);
    if (steps.length === 0) return null;
    const rungs = new AshaRungs(steps, this.options.reduction_factor);
    for (const t of trials) {
      if (t.fidelity !== fidelity || t.number === skip) continue;
      steps.forEach((step, k) => {
        const v = t.intermediate[String(step)];
        if (typeof v === 'number' && Number.isFinite(v)) rungs.record(k, t.number, v);
      });
    }
    return rungs;
  }

  shouldPrune(step: number, value: number, fidelity: number | null, trials: readonly TrialRecord[], trial?: number): boolean {
    if (!Number.isFinite(value)) return false;
    const steps = this.rungSteps(step);
    if (steps.at(-1) !== step) return false;
    const rungs = this.rungs(step, fidelity, trials, trial)!;
    const k = steps.length - 1;
    // Without a number the asking trial ranks after every equal value.
    const self = trial ?? Number.MAX_SAFE_INTEGER;
    rungs.record(k, self, value);
    const n = rungs.size(k);
    return n >= this.options.reduction_factor && rungs.rank(k, self) >= Math.floor(n / this.options.reduction_factor);
  }
}

/** The pruner a config names, or null for `none`. */
export function createPruner(config: PrunerConfig): Pruner | null {
  if (config.name === 'asha') return new AshaPruner(config);
  return config.name === 'median' ? new MedianPruner(config) : null;
}
