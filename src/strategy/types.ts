import type { Sample, Space } from '../space/types.js';
import type { Json } from '../util/json.js';

/** What a strategy proposes: an architecture, optionally a fidelity, and notes written on the trial. */
export interface Proposal {
  readonly sample: Sample;
  /** Training budget for this evaluation (e.g. epochs); undefined = the estimator's default. */
  readonly fidelity?: number;
  /**
   * Bookkeeping the strategy wants recorded on the trial (generation, parent, controller step).
   * `parent`, by convention, is the number of the trial this proposal was derived from (a mutation's
   * or a crossover's first parent): the experiment's weight inheritance reads it.
   */
  readonly attrs?: Readonly<Record<string, Json>>;
}

/** The outcome of one proposal, as the strategy is told it. */
export interface Observation {
  /** The trial's number: the 0-based index of the `ask` that proposed it. */
  readonly trial: number;
  readonly sample: Sample;
  readonly state: 'complete' | 'failed' | 'pruned';
  /** The search signal (larger is better); null unless complete. */
  readonly value: number | null;
  /** Every objective, oriented so that larger is better, for multi-objective strategies. */
  readonly values?: readonly number[];
  readonly fidelity?: number;
}

/**
 * A search strategy, Optuna-style ask/tell. A strategy is a deterministic state machine over its
 * seed and the sequence of asks and tells: the same sequence gives the same proposals, in this or
 * any other process. That is how naskit resumes and shares one search among many workers: a new
 * instance replays the recorded sequence (see `replay`). Several asks may be outstanding at once;
 * tells may come in any order, and a failed observation never breaks `tell`.
 */
export interface Strategy {
  /** Registry name, e.g. `rea`. */
  readonly name: string;
  /** The next architecture to evaluate. */
  ask(): Proposal;
  /** The result of an earlier ask. */
  tell(observation: Observation): void;
}

/** What every strategy is built from. */
export interface StrategyContext {
  readonly space: Space;
  readonly seed: number;
  /**
   * Names of the objectives when several are searched at once (`values` in observations, all
   * maximised); absent for a single objective.
   */
  readonly objectives?: readonly string[];
}

/** Builds a strategy from its context and its options (already validated by its factory). */
export type StrategyFactory = (context: StrategyContext, options?: Readonly<Record<string, unknown>>) => Strategy;

/** One entry of a recorded search, in the order it happened. */
export type StrategyEvent =
  | { readonly kind: 'ask'; readonly trial: number; readonly sample: Sample }
  | { readonly kind: 'tell'; readonly observation: Observation };
