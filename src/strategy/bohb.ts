import { z } from 'zod';
import type { Sample, Value } from '../space/types.js';
import { HyperbandOptions, Hyperband } from './hyperband.js';
import { enumOption, intOption, numberOption, parseStrategyOptions } from './options.js';
import type { StrategyContext } from './types.js';

/** Options of {@link Bohb}: Hyperband's plus the model's. */
export const BohbOptions = HyperbandOptions.extend({
  /** Share of first-rung configurations drawn uniformly at random (ρ; the paper: 1/3). */
  random_fraction: numberOption(0, 1, 1 / 3),
  /** Percentage of the results at a fidelity that form the "good" density (q; the paper: 15). */
  top_n_percent: intOption(1, 99, 15),
  /** Candidates drawn from the good density per proposal (N_s; the paper: 64). */
  num_samples: intOption(1, 100_000, 64),
  /** Widening of the good density's bandwidth when drawing candidates (b_w; the paper: 3). */
  bandwidth_factor: numberOption(0, 1000, 3),
  /** Smallest bandwidth (the paper: 1e-3), so a density never collapses on one value. */
  min_bandwidth: numberOption(0, 1, 1e-3),
  /** Results needed per density (N_min); default and minimum: number of leaves + 1. */
  /**
   * How a categorical bandwidth is estimated: 'onehot' (default) applies the normal-reference rule to
   * the spread of the one-hot vectors; 'index' to the category indices, as BOHB's code does.
   */
  bandwidth_rule: enumOption(['onehot', 'index'] as const, 'onehot'),
  min_points_in_model: z.number({ error: 'expected an integer ≥ 1' }).int({ error: 'expected an integer ≥ 1' }).min(1, { error: 'expected an integer ≥ 1' }).optional(),
}).strict();
/** Options of {@link Bohb}; every field is optional (defaults: the schema, listed in docs/strategies*.md). */
export interface BohbOptions extends z.input<typeof BohbOptions> {}
/** BohbOptions with every default filled in. */
type Resolved = z.output<typeof BohbOptions>;

/** A product of Aitchison–Aitken kernels over category indices (one bandwidth per dimension). */
class CategoricalKde {
  private readonly bandwidths: number[];

  constructor(
    readonly data: readonly (readonly number[])[],
    private readonly levels: readonly number[],
    minBandwidth: number,
    rule: 'index' | 'onehot',
  ) {
    // The normal-reference rule 1.06·σ·n^(−1/(4+d)) (statsmodels', as BOHB uses it), with σ either
    // the spread of the category indices ('index', BOHB's) or of the one-hot vectors ('onehot').
    const n = data.length;
    const d = levels.length;
    this.bandwidths = levels.map((k, j) => {
      let sd: number;
      if (rule === 'index') {
        const mean = data.reduce((a, x) => a + x[j], 0) / n;
        sd = Math.sqrt(data.reduce((a, x) => a + (x[j] - mean) ** 2, 0) / n);
      } else {
        // Total variance of the one-hot vectors: Σ_c f_c(1 − f_c) = 1 − Σ_c f_c² (0 when all agree).
        const counts = new Array<number>(k).fill(0);
        for (const x of data) counts[x[j]]++;
        sd = Math.sqrt(1 - counts.reduce((a, c) => a + (c / n) ** 2, 0));
      }
      return Math.max(minBandwidth, 1.06 * sd * n ** (-1 / (4 + d)));
    });
  }

  /** The bandwidths (for drawing: widened by the caller). */
  get bandwidth(): readonly number[] {
    return this.bandwidths;
  }

  density(x: readonly number[]): number {
    let total = 0;
    for (const point of this.data) {
      let p = 1;
      for (let j = 0; j < x.length; j++) {
        const k = this.levels[j];
        if (k === 1) continue;
        // Past (K−1)/K the kernel would favour the other categories; cap at uniform.
        const h = Math.min(this.bandwidths[j], (k - 1) / k);
        p *= point[j] === x[j] ? 1 - h : h / (k - 1);
      }
      total += p;
    }
    return total / this.data.length;
  }
}

/**
 * BOHB: Falkner, Klein & Hutter, "BOHB: Robust and Efficient Hyperparameter Optimization at
 * Scale", ICML 2018. Hyperband's brackets (see {@link Hyperband}, whose deviations apply), with
 * the uniform draws of each bracket's first rung replaced by a TPE-like model (the paper's
 * Algorithm 2): with probability `random_fraction` a uniform draw; otherwise, at the largest
 * fidelity with at least N_min + 2 results, the best max(N_min, q·N) results form a density l(x)
 * and the worst max(N_min, N − that) a density g(x); `num_samples` candidates are drawn from l
 * with its bandwidth widened by `bandwidth_factor`, and the one with the largest l(x)/g(x) is
 * proposed.
 *
 * Deviations:
 * - every leaf is treated as categorical over its grid (Aitchison–Aitken kernels, as BOHB does for
 *   categorical parameters; integer and float leaves lose their order);
 * - the categorical bandwidth: BOHB applies statsmodels' normal-reference rule to the category
 *   indices, which on NAS spaces gives bandwidths near or past uniform (σ of indices 0…4 is about
 *   1.4), so the widened sampling density is uniform and the l/g ratio uninformative — on NB201
 *   it barely beats Hyperband. By default (`bandwidth_rule: 'onehot'`) the same rule is applied to
 *   the spread of the one-hot vectors, √(1 − Σ_c f_c²), which is 0 when the good results agree on
 *   a value; `'index'` restores BOHB's rule;
 * - a drawn candidate that violates the space's constraint is skipped (no valid candidate: a
 *   uniform draw).
 */
export class Bohb extends Hyperband {
  override readonly name: string = 'bohb';
  private readonly model: z.output<typeof BohbOptions>;
  private readonly grids: readonly (readonly Value[])[];
  private readonly labels: readonly string[];
  /** Results per fidelity, as category indices. */
  private readonly results = new Map<number, { x: number[]; value: number }[]>();

  constructor(context: StrategyContext, options: BohbOptions = {}) {
    super(context, options, 'bohb', BohbOptions);
    this.model = parseStrategyOptions('bohb', BohbOptions, options);
    const leaves = context.space.leaves();
    this.grids = leaves.map((leaf) => leaf.grid());
    this.labels = leaves.map((leaf) => leaf.label);
  }

  protected override sampleConfig(_fidelity: number): Sample {
    const { space } = this.context;
    if (this.rng.bernoulli(this.model.random_fraction)) return space.random(this.rng);
    const nMin = Math.max(this.labels.length + 1, this.model.min_points_in_model ?? 0);
    const budgets = [...this.results.keys()].filter((b) => this.results.get(b)!.length >= nMin + 2).sort((a, b) => b - a);
    if (budgets.length === 0) return space.random(this.rng);
    // Best first; ties by index order so the model does not depend on Map or sort quirks.
    const data = this.results.get(budgets[0])!.map((r, i) => ({ ...r, i })).sort((a, b) => b.value - a.value || a.i - b.i);
    const nGood = Math.max(nMin, Math.floor((this.model.top_n_percent * data.length) / 100));
    const nBad = Math.max(nMin, data.length - nGood);
    const levels = this.grids.map((g) => g.length);
    const good = new CategoricalKde(data.slice(0, nGood).map((r) => r.x), levels, this.model.min_bandwidth, this.model.bandwidth_rule);
    const bad = new CategoricalKde(data.slice(data.length - nBad).map((r) => r.x), levels, this.model.min_bandwidth, this.model.bandwidth_rule);
    // Unseen candidates first: a repeat teaches nothing, and redrawing the whole model costs more.
    let best: Sample | null = null;
    let bestRatio = -Infinity;
    let bestSeen = true;
    for (let c = 0; c < this.model.num_samples; c++) {
      const centre = good.data[this.rng.int(good.data.length)];
      const x = centre.map((v, j) => {
        const h = Math.min(1, Math.max(this.model.min_bandwidth, good.bandwidth[j] * this.model.bandwidth_factor));
        return this.rng.float() < 1 - h ? v : this.rng.int(levels[j]);
      });
      const candidate: Record<string, Value> = {};
      x.forEach((v, j) => (candidate[this.labels[j]] = this.grids[j][v]));
      if (space.check(candidate) !== null) continue;
      const sample = space.freeze(candidate);
      const seen = this.proposed(sample);
      if (seen && !bestSeen) continue;
      const ratio = Math.max(1e-32, good.density(x)) / Math.max(1e-32, bad.density(x));
      if (ratio > bestRatio || (bestSeen && !seen)) {
        bestRatio = ratio;
        best = sample;
        bestSeen = seen;
      }
    }
    return best ?? space.random(this.rng);
  }

  protected override observe(sample: Sample, fidelity: number | undefined, value: number): void {
    if (fidelity === undefined) return;
    const x = this.labels.map((label, j) => this.grids[j].indexOf(sample[label]));
    if (x.includes(-1)) return;
    let list = this.results.get(fidelity);
    if (!list) this.results.set(fidelity, (list = []));
    list.push({ x, value });
  }
}
