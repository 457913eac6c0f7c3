import { SampleError, TrialStateError } from '../errors.js';
import type { Value } from '../space/types.js';
import type { Pruner } from '../experiment/pruner.js';
import type { TrialRecord } from '../experiment/store.js';
import { type Distribution, categorical, checkParamName, describe, floatRange, intRange, sameDistribution, toLeaf } from './distributions.js';
import { independentValue } from './sampler.js';

/** What a {@link Trial} is built from (the study's loop hands it over). */
export interface TrialSetup {
  readonly number: number;
  readonly seed: number;
  /** The study's seed (independent draws are seeded by it, the trial's number and the parameter's name). */
  readonly studySeed: number;
  readonly fidelity: number | null;
  /** The strategy's proposal for the learnt space's parameters. */
  readonly proposal: Readonly<Record<string, Value>>;
  /** The distribution finished trials used for a name, for the consistency check. */
  readonly known: (name: string) => Distribution | undefined;
  /** Records one learning-curve point in the storage (its promise is awaited before the trial finishes). */
  readonly record: (step: number, value: number) => Promise<void>;
  /** The pruner and the study's trials as last read (refreshed after each report); null: never prune. */
  readonly pruner: Pruner | null;
  /** The study's trials as last read, for the pruner's comparison. */
  readonly trials: () => readonly TrialRecord[];
  /** Reads the study's trials again (after a report, before the pruner decides). */
  readonly refreshTrials: () => void;
  /** -1 when the study minimises: the pruner compares signals (larger is better). */
  readonly sign: 1 | -1;
}

/**
 * One evaluation of a define-by-run objective (Optuna's `Trial`): the objective asks it for
 * parameter values (`suggest*`), may report a learning curve (`report`) and ask whether to stop
 * (`shouldPrune`). A parameter of the study's learnt space takes the strategy's proposed value;
 * any other is drawn independently. Suggesting a name again in the same trial with the same
 * distribution returns the same value; with another distribution (here or in an earlier trial) it
 * is a `SampleError` `PARAM_DISTRIBUTION_CHANGED`. Bad ranges are `PARAM_BAD_RANGE`, bad names
 * `PARAM_BAD_NAME`.
 */
export class Trial {
  /** The trial's number in its study (0-based, in ask order). */
  readonly number: number;
  /** The evaluation's seed, derived from the study's seed and the trial's number: seed your model with it. */
  readonly seed: number;
  /**
   * The budget a multi-fidelity strategy (`hyperband`, `bohb`) chose for this trial (e.g. epochs),
   * or null: the objective decides.
   */
  readonly fidelity: number | null;
  private readonly values = new Map<string, Value>();
  private readonly distributions = new Map<string, Distribution>();
  private readonly curve = new Map<number, number>();
  private readonly writes: Promise<void>[] = [];
  private closed = false;

  constructor(private readonly setup: TrialSetup) {
    this.number = setup.number;
    this.seed = setup.seed;
    this.fidelity = setup.fidelity;
  }

  /** One of `choices` (strings, finite numbers or booleans, distinct). */
  suggestCategorical<const T extends Value>(name: string, choices: readonly T[]): T {
    checkParamName(name);
    return this.suggest(name, categorical(name, choices)) as T;
  }

  /** An integer in [low, high] (both included), in steps of `step` from `low`. */
  suggestInt(name: string, low: number, high: number, options: { step?: number } = {}): number {
    checkParamName(name);
    return this.suggest(name, intRange(name, low, high, options.step ?? 1)) as number;
  }

  /** A float in [low, high]; `log: true` draws it uniformly on a log scale (learning rates, decays). */
  suggestFloat(name: string, low: number, high: number, options: { log?: boolean } = {}): number {
    checkParamName(name);
    return this.suggest(name, floatRange(name, low, high, options.log ?? false)) as number;
  }

  /**
   * Records the objective's intermediate value at `step` (an epoch, an iteration): the learning
   * curve the pruner compares. Written to the storage in the background; the trial's end waits for it.
   */
  report(value: number, step: number): void {
    this.assertOpen('report');
    if (!Number.isInteger(step) || step < 0) throw new RangeError(`trial ${this.number}: report step must be a non-negative integer, got ${step}`);
    if (typeof value !== 'number') throw new TypeError(`trial ${this.number}: report value must be a number, got ${JSON.stringify(value)}`);
    this.curve.set(step, value);
    const write = this.setup.record(step, value);
    // Marked handled now (a failed write must not crash the process before close() collects it).
    write.catch(() => {});
    this.writes.push(write);
    this.setup.refreshTrials();
  }

  /**
   * Whether the study's pruner would stop this trial after its last report (the median rule: its
   * value is below the median of the complete trials' values at that step). Throw `TrialPruned`
   * then; the trial is recorded as `pruned`. False before any report or without a pruner.
   */
  shouldPrune(): boolean {
    const pruner = this.setup.pruner;
    if (!pruner || this.curve.size === 0) return false;
    const step = Math.max(...this.curve.keys());
    const value = this.curve.get(step)!;
    const sign = this.setup.sign;
    let trials = this.setup.trials().filter((t) => t.number !== this.number);
    if (sign === -1) trials = trials.map((t) => ({ ...t, intermediate: Object.fromEntries(Object.entries(t.intermediate).map(([k, v]) => [k, -v])) }));
    return pruner.shouldPrune(step, sign * value, null, trials, this.number);
  }

  /** The parameters suggested so far. */
  get params(): Readonly<Record<string, Value>> {
    return Object.fromEntries(this.values);
  }

  /** The learning curve reported so far (step → value). */
  get intermediate(): ReadonlyMap<number, number> {
    return this.curve;
  }

  /** @internal The suggestions' distributions, for the stored record. */
  suggested(): Record<string, Distribution> {
    return Object.fromEntries(this.distributions);
  }

  /** @internal Ends the trial: waits for its storage writes; later calls are refused. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.writes);
  }

  /** @internal The last reported step, if any. */
  lastStep(): number | null {
    return this.curve.size === 0 ? null : Math.max(...this.curve.keys());
  }

  private suggest(name: string, distribution: Distribution): Value {
    this.assertOpen('suggest');
    const here = this.distributions.get(name);
    if (here) {
      if (!sameDistribution(here, distribution)) throw changed(name, here, distribution, `earlier in trial ${this.number}`);
      return this.values.get(name)!;
    }
    const before = this.setup.known(name);
    if (before && !sameDistribution(before, distribution)) throw changed(name, before, distribution, 'in earlier trials of this study');
    const proposed = this.setup.proposal[name];
    const value =
      proposed !== undefined && toLeaf(name, distribution).check(proposed) === null ? proposed : independentValue(this.setup.studySeed, this.number, name, distribution);
    this.distributions.set(name, distribution);
    this.values.set(name, value);
    return value;
  }

  private assertOpen(what: string): void {
    if (this.closed) throw new TrialStateError('TRIAL_FINISHED', `trial ${this.number} has finished; ${what} is only allowed while its objective runs`);
  }
}

function changed(name: string, before: Distribution, now: Distribution, where: string): SampleError {
  return new SampleError(
    'PARAM_DISTRIBUTION_CHANGED',
    `suggest ${JSON.stringify(name)}: asked as ${describe(now)} but as ${describe(before)} ${where}; one name, one distribution per study (use another name for another range)`,
    name,
  );
}
