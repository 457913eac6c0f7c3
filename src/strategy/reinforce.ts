import { z } from 'zod';
import type { Leaf, Sample, Value } from '../space/types.js';
import { Rng } from '../util/rng.js';
import { enumOption, numberOption, parseStrategyOptions } from './options.js';
import { TrialBook } from './pending.js';
import type { Observation, Proposal, Strategy, StrategyContext } from './types.js';

/** Options of {@link Reinforce}. */
export const ReinforceOptions = z
  .object({
    /** Step size of the optimizer on the logits. */
    learning_rate: numberOption(1e-6, 10, 0.05),
    /** Momentum of the exponential moving-average baseline (0: the last reward). */
    momentum: numberOption(0, 0.9999, 0.9),
    /** `adam` (Kingma & Ba 2015, betas 0.9/0.999) or plain `sgd` on the logits. */
    optimizer: enumOption(['adam', 'sgd'], 'adam'),
  })
  .strict();
/** Options of {@link Reinforce}; every field is optional (defaults: the schema, listed in docs/strategies*.md). */
export interface ReinforceOptions extends z.input<typeof ReinforceOptions> {}
/** ReinforceOptions with every default filled in. */
type Resolved = z.output<typeof ReinforceOptions>;

/** How many policy draws may be rejected by a space's constraint before a uniform draw is used. */
const MAX_DRAWS = 100;

/**
 * REINFORCE over independent per-leaf categorical logits, as NAS-Bench-201 (Dong & Yang, ICLR
 * 2020, after Williams 1992 and Zoph & Le 2017) runs it: the policy is a softmax per choice
 * (categorical leaves over their options, integer and float ranges over their `grid()`), all logits
 * start at zero (uniform); each result updates the logits with the gradient of
 * (reward − baseline)·log π(sample), where the reward is the signal and the baseline an
 * exponential moving average of the rewards (`momentum`).
 *
 * Deviations: the baseline starts at the first reward, not 0, so the first update is not a large
 * jump toward whatever came first; results are applied one at a time as they arrive (batch 1), with
 * the policy as it is then (with several workers a result may be slightly off-policy); a draw that
 * breaks the space's constraint is redrawn, and after 100 draws (`MAX_DRAWS`) a uniform `space.random`
 * sample is used (its values snapped to the nearest grid point for the update).
 *
 * The registry (`reinforce`) wraps it in `Deduplicated` unless the options say `dedup: false`.
 */
export class Reinforce implements Strategy {
  readonly name = 'reinforce';
  private readonly rng: Rng;
  private readonly options: Resolved;
  private readonly book = new TrialBook();
  private readonly leaves: readonly Leaf[];
  private readonly grids: readonly (readonly Value[])[];
  private readonly logits: Float64Array[];
  private readonly adamM: Float64Array[];
  private readonly adamV: Float64Array[];
  private steps = 0;
  private baseline: number | null = null;

  constructor(
    private readonly context: StrategyContext,
    options: ReinforceOptions = {},
  ) {
    this.options = parseStrategyOptions('reinforce', ReinforceOptions, options);
    this.rng = new Rng(context.seed);
    this.leaves = context.space.leaves();
    this.grids = this.leaves.map((leaf) => leaf.grid());
    this.logits = this.grids.map((g) => new Float64Array(g.length));
    this.adamM = this.grids.map((g) => new Float64Array(g.length));
    this.adamV = this.grids.map((g) => new Float64Array(g.length));
  }

  /** The current probabilities of each leaf's values (for inspection and tests). */
  probabilities(): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    this.leaves.forEach((leaf, i) => (out[leaf.label] = softmax(this.logits[i])));
    return out;
  }

  ask(): Proposal {
    const { space } = this.context;
    let sample: Sample | null = null;
    for (let tries = 0; tries < MAX_DRAWS && sample === null; tries++) {
      const draw: Record<string, Value> = {};
      this.leaves.forEach((leaf, i) => (draw[leaf.label] = this.grids[i][this.rng.weighted(softmax(this.logits[i]))]));
      if (space.check(draw) === null) sample = space.freeze(draw);
    }
    sample ??= space.random(this.rng);
    this.book.ask(sample, undefined);
    return { sample, attrs: { step: this.steps } };
  }

  tell(observation: Observation): void {
    const told = this.book.tell(observation);
    if (!told?.result) return;
    const reward = told.result.value;
    if (this.baseline === null) this.baseline = reward;
    const advantage = reward - this.baseline;
    this.baseline = this.options.momentum * this.baseline + (1 - this.options.momentum) * reward;
    this.steps++;
    this.leaves.forEach((leaf, i) => {
      const p = softmax(this.logits[i]);
      const chosen = nearestIndex(this.grids[i], told.result!.sample[leaf.label]);
      for (let j = 0; j < p.length; j++) {
        // Gradient of the loss −advantage·log π: −advantage·(1[j = chosen] − p_j).
        const grad = -advantage * ((j === chosen ? 1 : 0) - p[j]);
        this.logits[i][j] -= this.step(i, j, grad);
      }
    });
  }

  /** The optimizer's update for one logit given its gradient. */
  private step(leaf: number, j: number, grad: number): number {
    const lr = this.options.learning_rate;
    if (this.options.optimizer === 'sgd') return lr * grad;
    const b1 = 0.9;
    const b2 = 0.999;
    const m = (this.adamM[leaf][j] = b1 * this.adamM[leaf][j] + (1 - b1) * grad);
    const v = (this.adamV[leaf][j] = b2 * this.adamV[leaf][j] + (1 - b2) * grad * grad);
    const mHat = m / (1 - b1 ** this.steps);
    const vHat = v / (1 - b2 ** this.steps);
    return (lr * mHat) / (Math.sqrt(vHat) + 1e-8);
  }
}

function softmax(logits: Float64Array): number[] {
  let max = -Infinity;
  for (const x of logits) if (x > max) max = x;
  const out = new Array<number>(logits.length);
  let sum = 0;
  for (let j = 0; j < logits.length; j++) sum += out[j] = Math.exp(logits[j] - max);
  for (let j = 0; j < logits.length; j++) out[j] /= sum;
  return out;
}

/** The grid position of a value (exact for categoricals, nearest for ranges). */
function nearestIndex(grid: readonly Value[], value: Value): number {
  const exact = grid.indexOf(value);
  if (exact >= 0 || typeof value !== 'number') return Math.max(0, exact);
  let best = 0;
  for (let j = 1; j < grid.length; j++) if (Math.abs((grid[j] as number) - value) < Math.abs((grid[best] as number) - value)) best = j;
  return best;
}
