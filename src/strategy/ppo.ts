import { z } from 'zod';
import type { Sample, Value } from '../space/types.js';
import { Adam } from './predictor/mlp.js';
import { FactorizedPolicy, ppoObjective, type PolicySample } from './predictor/policy.js';
import { SearchHistory, askRng, randomUnseen } from './surrogate/history.js';
import { enumOption as oneOf, intOption as int, numberOption as num, parseStrategyOptions as parseOptions } from './options.js';
import { TARGETS, transformTargets } from './surrogate/targets.js';
import type { Observation, Proposal, Strategy, StrategyContext } from './types.js';

/** The schema of {@link PpoOptions}: each option with its range and default. */
export const PpoOptions = z.strictObject({
  /** Results per policy update. */
  batch_size: int(1, 10_000, 20),
  /** Passes of gradient ascent over each batch. */
  epochs: int(1, 1000, 4),
  /** PPO's ε: the ratio π/π_old is clipped to [1−ε, 1+ε]. */
  clip: num(0.01, 1, 0.2),
  /** Adam's step size on the logits. */
  learning_rate: num(1e-6, 10, 0.3),
  /** Decay of the moving-average reward baseline. */
  baseline_decay: num(0, 1, 0.9),
  /** Weight of the policy's entropy in the objective (keeps it exploring). */
  entropy_bonus: num(0, 10, 0),
  /**
   * Rewards: `rank` (default: the rank among all results so far, in [0, 1]; best signal on NB201), the `raw` signal, or `clip` (values below the median of all results so far raised to
   * it). Raw rewards let the few collapsed networks at chance accuracy dominate the advantages.
   */
  rewards: oneOf(TARGETS, 'rank'),
  /** Draws from the policy tried before an architecture already seen is replaced by an unseen random one. */
  dedup_tries: int(1, 100_000, 100),
});

/** Old spellings of {@link PpoOptions}, still accepted with a deprecation line. */
const DEPRECATED = {
  names: { batchSize: 'batch_size', learningRate: 'learning_rate', baselineDecay: 'baseline_decay', entropyBonus: 'entropy_bonus', resample: 'dedup_tries' },
} as const;

/** Options of {@link Ppo}; every field is optional (defaults: the schema, listed in docs/strategies*.md). */
export interface PpoOptions extends z.input<typeof PpoOptions> {
  /** @deprecated Use `batch_size`. */
  readonly batchSize?: number;
  /** @deprecated Use `learning_rate`. */
  readonly learningRate?: number;
  /** @deprecated Use `baseline_decay`. */
  readonly baselineDecay?: number;
  /** @deprecated Use `entropy_bonus`. */
  readonly entropyBonus?: number;
  /** @deprecated Use `dedup_tries`. */
  readonly resample?: number;
}

/**
 * A policy-gradient controller trained with PPO (Schulman et al., "Proximal Policy Optimization
 * Algorithms", 2017) in place of REINFORCE (Zoph & Le 2017). The policy is a product of
 * independent softmaxes, one per leaf over its values (`grid()`, so a float leaf is searched on
 * its grid), without Zoph & Le's LSTM. After every `batch_size` results the clipped objective is
 * ascended for `epochs` passes with Adam; advantages are the rewards (the signal) minus a
 * moving-average baseline, divided by their root mean square in the batch. Deviations:
 * - the reward is by default the rank of the result among all results so far (`rewards: 'rank'`),
 *   not the accuracy itself;
 * - proposals already seen (up to isomorphism), or outside the space's constraint, are redrawn
 *   (up to `dedup_tries` times), then replaced by an unseen uniform draw; the log-probability used as
 *   π_old is that of the architecture actually proposed, under the policy at ask time;
 * - failed trials and trials this instance did not ask give no experience.
 * Defaults (rank rewards, batch 20, step 0.3, 4 epochs, ε 0.2) were chosen on NB201 CIFAR-10 by
 * the best signal found after 150 queries over 30 seeds, among raw/clip/rank rewards, batches
 * 5–30 and steps 0.1–0.5.
 * The batch is formed in the order results are told, so a replay of the same events updates the
 * policy at the same points.
 */
export class Ppo implements Strategy {
  readonly name = 'ppo';
  private readonly options: z.output<typeof PpoOptions>;
  private readonly history: SearchHistory;
  private readonly policy: FactorizedPolicy;
  private readonly adam: Adam;
  private readonly grids: (readonly Value[])[];
  /** What each ask took: its action and its log-probability then. */
  private readonly taken = new Map<number, { action: number[]; logProb: number }>();
  private buffer: { action: number[]; logProb: number; trial: number }[] = [];
  private baseline: number | null = null;
  private updates = 0;

  constructor(
    private readonly context: StrategyContext,
    options: PpoOptions = {},
  ) {
    this.options = parseOptions('ppo', PpoOptions, options, DEPRECATED);
    this.history = new SearchHistory(context.space);
    this.grids = context.space.leaves().map((leaf) => leaf.grid());
    this.policy = new FactorizedPolicy(this.grids.map((g) => g.length));
    this.adam = new Adam(this.policy.logits, this.options.learning_rate);
  }

  ask(): Proposal {
    const trial = this.history.asked;
    const rng = askRng(this.context.seed, trial);
    const space = this.context.space;
    const leaves = space.leaves();
    let sample: Sample | null = null;
    let action: number[] = [];
    for (let t = 0; t < this.options.dedup_tries && sample === null; t++) {
      action = this.policy.sample(rng);
      const raw: Record<string, Value> = {};
      leaves.forEach((leaf, d) => (raw[leaf.label] = this.grids[d][action[d]]));
      if (space.check(raw) !== null) continue;
      const candidate = space.freeze(raw);
      if (!this.history.seen(candidate)) sample = candidate;
    }
    if (sample === null) {
      sample = randomUnseen(this.history, rng);
      const s = sample;
      action = leaves.map((leaf, d) => Math.max(0, this.grids[d].indexOf(s[leaf.label])));
    }
    this.taken.set(trial, { action, logProb: this.policy.logProb(action) });
    this.history.ask(sample);
    return { sample, attrs: { policyUpdates: this.updates } };
  }

  tell(observation: Observation): void {
    const result = this.history.tell(observation);
    const taken = this.taken.get(observation.trial);
    this.taken.delete(observation.trial);
    if (!result || !taken) return;
    this.buffer.push({ ...taken, trial: result.trial });
    if (this.buffer.length >= this.options.batch_size) this.update();
  }

  /** One PPO update on the buffered batch. */
  private update(): void {
    const results = this.history.results;
    const transformed = transformTargets(results.map((r) => r.value), this.options.rewards);
    const byTrial = new Map(results.map((r, i) => [r.trial, transformed[i]]));
    const rewards = this.buffer.map((b) => byTrial.get(b.trial) as number);
    const mean = rewards.reduce((s, r) => s + r, 0) / rewards.length;
    const baseline = this.baseline ?? mean;
    const raw = rewards.map((r) => r - baseline);
    const spread = Math.sqrt(raw.reduce((s, a) => s + a * a, 0) / raw.length);
    const batch: PolicySample[] = this.buffer.map((b, i) => ({ action: b.action, oldLogProb: b.logProb, advantage: spread > 0 ? raw[i] / spread : 0 }));
    for (let e = 0; e < this.options.epochs; e++) {
      const { gradient } = ppoObjective(this.policy, batch, this.options.clip, this.options.entropy_bonus);
      // Adam descends: hand it the negated gradient of the objective we ascend.
      this.adam.step(gradient.map((g) => g.map((v) => -v)));
    }
    const decay = this.options.baseline_decay;
    this.baseline = this.baseline === null ? mean : decay * this.baseline + (1 - decay) * mean;
    this.buffer = [];
    this.updates++;
  }
}
