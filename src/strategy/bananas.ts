import { z } from 'zod';
import type { Sample } from '../space/types.js';
import { Ensemble } from './predictor/ensemble.js';
import { Mlp } from './predictor/mlp.js';
import { expectedImprovement, upperConfidenceBound } from './surrogate/acquisition.js';
import { ENCODING_CHOICES, EncodingCache, resolveEncoding } from './surrogate/encode.js';
import { SearchHistory, askRng, candidatePool, randomUnseen } from './surrogate/history.js';
import { enumOption as oneOf, intOption as int, numberOption as num, parseStrategyOptions as parseOptions } from './options.js';
import { TARGETS, transformTargets } from './surrogate/targets.js';
import type { Observation, Proposal, Strategy, StrategyContext } from './types.js';

/** The schema of {@link BananasOptions}: each option with its range and default. */
export const BananasOptions = z.strictObject({
  /** `thompson` (independent Thompson sampling, default; formerly `its`), `ei` or `ucb` on the ensemble's mean and spread. */
  acquisition: oneOf(['thompson', 'ei', 'ucb'] as const, 'thompson'),
  /** β of `ucb`. */
  beta: num(0, 100, 2),
  /** Number of predictors in the ensemble. */
  ensemble: int(1, 100, 5),
  /** Hidden layers of each predictor, and their width. */
  depth: int(1, 10, 2),
  width: int(1, 1024, 32),
  /** Training epochs of each predictor per fit. */
  epochs: int(1, 10_000, 100),
  /** Adam's step size for the predictors. */
  learning_rate: num(1e-6, 1, 0.01),
  /** Architecture encoding the predictors see: `auto` (path where the space offers it), `onehot`, `path`, `adjacency`. */
  encoding: oneOf(ENCODING_CHOICES, 'auto'),
  /**
   * What the predictors are fitted to: `raw` signal values, `clip` (default: values below the median
   * raised to it; better signal than `raw` on NB201 over 30 seeds) or `rank`.
   */
  targets: oneOf(TARGETS, 'clip'),
  /** Uniform random architectures evaluated before the predictors take over (20: better signal on NB201 than 10). */
  initial: int(2, 10_000, 20),
  /** Proposals taken from one fit of the ensemble (BANANAS' k); smaller is slower and more adaptive. */
  batch_size: int(1, 1000, 5),
  /** Best results whose neighbourhoods make the candidate pool. */
  incumbents: int(1, 1000, 10),
  /** Random 2–3-edit mutations per incumbent in the pool. */
  mutations: int(0, 10_000, 10),
  /** Uniform random candidates in the pool. */
  random: int(0, 100_000, 200),
});

/** Old spellings of {@link BananasOptions}, still accepted with a deprecation line. */
const DEPRECATED = { names: { learningRate: 'learning_rate', batchSize: 'batch_size' }, values: { acquisition: { its: 'thompson' } } } as const;

/** Options of {@link Bananas}; every field is optional (defaults: the schema, listed in docs/strategies*.md). */
export interface BananasOptions extends z.input<typeof BananasOptions> {
  /** @deprecated Use `learning_rate`. */
  readonly learningRate?: number;
  /** @deprecated Use `batch_size`. */
  readonly batchSize?: number;
}

/**
 * BANANAS (White, Neiswanger & Savani, "BANANAS: Bayesian Optimization with Neural Architectures
 * for Neural Architecture Search", AAAI 2021): an ensemble of small neural predictors on the path
 * encoding, trained on all results so far; independent Thompson sampling over a candidate pool made
 * by mutating the best architectures; the top `batch_size` candidates are proposed before the
 * ensemble is refitted. Deviations from the paper:
 * - predictors are 2 hidden layers of 32 (the paper: 10 of 20), trained with squared error on
 *   standardised targets (the paper: mean absolute percentage error on validation error), the
 *   targets below the median raised to the median (`targets: 'clip'`) so that collapsed networks
 *   do not dominate the fit;
 * - the pool holds every single-edit neighbour of the 10 best results, 2–3-edit mutations of them
 *   and uniform random draws (the paper: mutations of the best only), never a seen architecture;
 * - a refit happens when `batch_size` new results have arrived since the last one, so with parallel
 *   workers the proposals continue down the last ranking instead of waiting.
 * Options: ensemble (5), depth (2), width (32), epochs (100), learning_rate (0.01), acquisition
 * (`thompson`), encoding (`auto` = path where offered), initial (20), batch_size (5), pool sizes.
 */
export class Bananas implements Strategy {
  readonly name = 'bananas';
  private readonly options: z.output<typeof BananasOptions>;
  private readonly history: SearchHistory;
  private readonly encoder: EncodingCache;
  /** The ranking of the last fit, best first, and the number of results it was fitted on. */
  private ranking: Sample[] = [];
  private fittedOn = -1;

  constructor(
    private readonly context: StrategyContext,
    options: BananasOptions = {},
  ) {
    this.options = parseOptions('bananas', BananasOptions, options, DEPRECATED);
    this.history = new SearchHistory(context.space);
    this.encoder = new EncodingCache(context.space, resolveEncoding('bananas', context.space, this.options.encoding));
  }

  ask(): Proposal {
    const trial = this.history.asked;
    const rng = askRng(this.context.seed, trial);
    const results = this.history.results;
    let sample: Sample | null = null;
    let role = 'random';
    if (trial >= this.options.initial && results.length >= 2) {
      const stale = this.fittedOn < 0 || results.length - this.fittedOn >= this.options.batch_size;
      if (stale || !this.ranking.some((s) => !this.history.seen(s))) this.refit(rng);
      sample = this.ranking.find((s) => !this.history.seen(s)) ?? null;
      role = this.options.acquisition;
    }
    sample ??= randomUnseen(this.history, rng);
    this.history.ask(sample);
    return { sample, attrs: { role } };
  }

  tell(observation: Observation): void {
    this.history.tell(observation);
  }

  private refit(rng: ReturnType<typeof askRng>): void {
    const results = this.history.results;
    const { depth, width, epochs, learning_rate: learningRate } = this.options;
    const ensemble = new Ensemble((inputSize) => new Mlp(inputSize, { hidden: new Array<number>(depth).fill(width), epochs, batchSize: 32, learningRate, weightDecay: 1e-4 }), this.options.ensemble);
    const targets = transformTargets(results.map((r) => r.value), this.options.targets);
    ensemble.fit(
      results.map((r) => this.encoder.encode(r.sample)),
      targets,
      rng.fork(),
    );
    const pool = candidatePool(this.history, rng, this.options);
    const { mean, std } = ensemble.predict(pool.map((s) => this.encoder.encode(s)));
    const best = Math.max(...targets);
    const score = pool.map((_, i) => {
      if (this.options.acquisition === 'ei') return expectedImprovement(mean[i], std[i], best);
      if (this.options.acquisition === 'ucb') return upperConfidenceBound(mean[i], std[i], this.options.beta);
      return mean[i] + std[i] * rng.normal();
    });
    const order = pool.map((_, i) => i).sort((a, b) => score[b] - score[a] || a - b);
    this.ranking = order.slice(0, Math.max(this.options.batch_size, 1) * 4).map((i) => pool[i]);
    this.fittedOn = results.length;
  }
}
