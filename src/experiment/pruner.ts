import type { TrialRecord } from './store.js';

/** The `pruner:` section of a config, defaults applied. */
export interface PrunerConfig {
  /** `none`, or `median`: the median stopping rule (Golovin et al. 2017, Google Vizier; Optuna's MedianPruner). */
  readonly name: 'none' | 'median';
  /** Steps (epochs) a trial always runs before it can be pruned. */
  readonly warmup_steps: number;
  /** Complete trials with a value at the step that must exist before any trial is pruned there. */
  readonly min_trials: number;
}

/** Decides, from the stored trials, whether a running trial should stop after reporting `value` at `step`. */
export interface Pruner {
  /** `fidelity` is the trial's own: only trials of the same fidelity compare (their schedules differ otherwise). */
  shouldPrune(step: number, value: number, fidelity: number | null, trials: readonly TrialRecord[]): boolean;
}

/**
 * The median stopping rule: stop a trial whose learning-curve value at step s is below the median
 * of the values at step s of the complete trials of the same fidelity (larger is better). Trials that
 * were themselves pruned do not set the bar, so it does not sink as weak trials stop early.
 */
export class MedianPruner implements Pruner {
  constructor(readonly options: Omit<PrunerConfig, 'name'>) {}

  shouldPrune(step: number, value: number, fidelity: number | null, trials: readonly TrialRecord[]): boolean {
    if (step <= this.options.warmup_steps || !Number.isFinite(value)) return false;
    const atStep: number[] = [];
    for (const t of trials) {
      if (t.state !== 'complete' || t.fidelity !== fidelity) continue;
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

/** The pruner a config names, or null for `none`. */
export function createPruner(config: PrunerConfig): Pruner | null {
  return config.name === 'median' ? new MedianPruner(config) : null;
}
