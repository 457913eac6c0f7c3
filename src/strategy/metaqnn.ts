import { z } from 'zod';
import type { Leaf, Sample, Value } from '../space/types.js';
import { Rng } from '../util/rng.js';
import { intOption, numberOption, parseStrategyOptions } from './options.js';
import { TrialBook } from './pending.js';
import type { Observation, Proposal, Strategy, StrategyContext } from './types.js';

/** Options of {@link MetaQnn}. */
export const MetaQnnOptions = z
  .object({
    /** Number of distinct results over which the paper's ε schedule is stretched; ε stays 0.1 after. */
    horizon: intOption(1, 10_000_000, 150),
    /** Q-learning rate α (the paper: 0.01). */
    learning_rate: numberOption(0, 1, 0.01),
    /** Discount γ (the paper: 1, rewards only at the end). */
    discount: numberOption(0, 1, 1),
    /** Initial Q-value of every state-action pair (the paper: 0.5). */
    q_init: numberOption(-1e9, 1e9, 0.5),
    /** Episodes replayed from memory after each result (the paper: 100; the authors' CIFAR-10 settings use 128). */
    replay_batch: intOption(0, 1_000_000, 100),
    /** Reward = signal / reward_scale clipped to [0, 1]; 100 turns an accuracy in % into a fraction. */
    reward_scale: numberOption(1e-12, 1e12, 100),
  })
  .strict();
/** Options of {@link MetaQnn}; every field is optional (defaults: the schema, listed in docs/strategies*.md). */
export interface MetaQnnOptions extends z.input<typeof MetaQnnOptions> {}
/** MetaQnnOptions with every default filled in. */
type Resolved = z.output<typeof MetaQnnOptions>;

/**
 * ε schedule of the paper for CIFAR-10: ε = 1.0 for 1,500 models, 0.9, 0.8 and 0.7 for 100 each,
 * then 0.6 … 0.1 for 150 each (2,700 models). Stretched to `horizon` results here.
 */
const PAPER_SCHEDULE: readonly (readonly [epsilon: number, models: number])[] = [
  [1.0, 1500],
  [0.9, 100],
  [0.8, 100],
  [0.7, 100],
  [0.6, 150],
  [0.5, 150],
  [0.4, 150],
  [0.3, 150],
  [0.2, 150],
  [0.1, 150],
];
const PAPER_TOTAL = PAPER_SCHEDULE.reduce((a, [, n]) => a + n, 0);

/** ε after `done` distinct results, with the paper's schedule stretched to `horizon` results. */
export function metaQnnEpsilon(done: number, horizon: number): number {
  let cumulative = 0;
  for (const [epsilon, models] of PAPER_SCHEDULE) {
    cumulative += models;
    if (done < Math.round((horizon * cumulative) / PAPER_TOTAL)) return epsilon;
  }
  return PAPER_SCHEDULE[PAPER_SCHEDULE.length - 1][0];
}

/** One remembered episode: the action index taken at each position, and its reward. */
interface Episode {
  readonly actions: readonly number[];
  readonly reward: number;
}

/**
 * MetaQNN: Baker, Gupta, Naik & Raskar, "Designing Neural Network Architectures using
 * Reinforcement Learning", ICLR 2017. An agent picks the space's leaves one after the other
 * (layer by layer; on NB201 edge by edge); the state is (position, previous choice), the action
 * the value of the current leaf. Actions are ε-greedy on a tabular Q-function; after each result
 * the episode joins a replay memory and `replay_batch` remembered episodes are replayed with the
 * one-step Q-learning update `Q(s,a) ← (1−α)Q(s,a) + α[r + γ max_a' Q(s',a')]`, walking each
 * episode backwards (as the authors' code) so the final reward reaches the first choice within one
 * replay. Reward: the signal divided by `reward_scale`, clipped to [0, 1], given at the last step.
 *
 * Deviations from the paper:
 * - the state space is generic (position + previous value) instead of the paper's layer types
 *   with depth, receptive-field and representation-size bins, so it works on any ProductSpace;
 *   all leaves are always chosen (no variable depth or early termination action);
 * - the ε schedule (the paper's, for 2,700 models) is stretched to `horizon` distinct results;
 * - a choice sequence that violates the space's constraint is redrawn (up to 100 times, then a
 *   uniform random sample);
 * - repeats: register it behind the `Deduplicated` wrapper, which tells a repeated proposal the
 *   known result without a new trial, as the paper reuses the accuracy of an already trained model;
 *   the schedule counts distinct architectures, as the paper counts trained models;
 * - failed trials give no reward and are not remembered.
 */
export class MetaQnn implements Strategy {
  readonly name = 'metaqnn';
  private readonly rng: Rng;
  private readonly book = new TrialBook<undefined>();
  private readonly options: Resolved;
  private readonly leaves: readonly Leaf[];
  private readonly grids: readonly (readonly Value[])[];
  private readonly q = new Map<string, Float64Array>();
  private readonly memory: Episode[] = [];
  private readonly distinct = new Set<string>();

  constructor(
    private readonly context: StrategyContext,
    options: MetaQnnOptions = {},
  ) {
    this.options = parseStrategyOptions('metaqnn', MetaQnnOptions, options);
    this.rng = new Rng(context.seed);
    this.leaves = context.space.leaves();
    this.grids = this.leaves.map((leaf) => leaf.grid());
  }

  /** The current ε (for logs and tests). */
  get epsilon(): number {
    return metaQnnEpsilon(this.distinct.size, this.options.horizon);
  }

  /** A copy of the Q-values of state (position, index of the previous choice; −1 at position 0). */
  qValues(position: number, previous: number): number[] {
    return [...this.row(position, previous)];
  }

  ask(): Proposal {
    const { space } = this.context;
    const epsilon = this.epsilon;
    let sample: Sample | null = null;
    for (let tries = 0; tries < 100 && sample === null; tries++) {
      const candidate: Record<string, Value> = {};
      let previous = -1;
      this.leaves.forEach((leaf, position) => {
        const row = this.row(position, previous);
        const action = this.rng.bernoulli(epsilon) ? this.rng.int(row.length) : this.argmax(row);
        candidate[leaf.label] = this.grids[position][action];
        previous = action;
      });
      if (space.check(candidate) === null) sample = space.freeze(candidate);
    }
    sample ??= space.random(this.rng);
    this.book.ask(sample, undefined);
    return { sample, attrs: { epsilon } };
  }

  tell(observation: Observation): void {
    const told = this.book.tell(observation);
    if (!told?.result) return;
    const actions = this.leaves.map((leaf, position) => this.grids[position].indexOf(told.result!.sample[leaf.label]));
    if (actions.includes(-1)) return; // a value off the grid (a float leaf): no state to credit
    const reward = Math.min(1, Math.max(0, told.result.value / this.options.reward_scale));
    this.distinct.add(this.context.space.key(told.result.sample));
    this.memory.push({ actions, reward });
    for (let i = 0; i < this.options.replay_batch; i++) this.learn(this.memory[this.rng.int(this.memory.length)]);
  }

  /** One backward pass of Q-learning updates along an episode. */
  private learn(episode: Episode): void {
    const { learning_rate: alpha, discount: gamma } = this.options;
    const n = episode.actions.length;
    for (let t = n - 1; t >= 0; t--) {
      const row = this.row(t, t === 0 ? -1 : episode.actions[t - 1]);
      const a = episode.actions[t];
      const target = t === n - 1 ? episode.reward : gamma * Math.max(...this.row(t + 1, a));
      row[a] = (1 - alpha) * row[a] + alpha * target;
    }
  }

  private row(position: number, previous: number): Float64Array {
    const key = `${position}:${previous}`;
    let row = this.q.get(key);
    if (!row) {
      row = new Float64Array(this.grids[position].length).fill(this.options.q_init);
      this.q.set(key, row);
    }
    return row;
  }

  /** The best action; ties broken at random so an untrained state is explored uniformly. */
  private argmax(row: Float64Array): number {
    let best = -Infinity;
    let ties: number[] = [];
    row.forEach((v, i) => {
      if (v > best) {
        best = v;
        ties = [i];
      } else if (v === best) ties.push(i);
    });
    return ties.length === 1 ? ties[0] : ties[this.rng.int(ties.length)];
  }
}
