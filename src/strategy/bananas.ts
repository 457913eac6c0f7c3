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

const schema = z.strictObject({
  /** `its` (independent Thompson sampling, default), `ei` or `ucb` on the ensemble's mean and spread. */
  acquisition: oneOf(['its', 'ei', 'ucb'] as const, 'its'),
  beta: num(0, 100, 2),
  /** Number of predictors in the ensemble. */
  ensemble: int(1, 100, 5),
  /** Hidden layers of each predictor, and their width. */
  depth: int(1, 10, 2),
  width: int(1, 1024, 32),
  epochs: int(1, 10_000, 100),
  learningRate: num(1e-6, 1, 0.01),
  encoding: oneOf(ENCODING_CHOICES, 'auto'),
  /**
   * What the predictors are fitted to: `raw` signal values, `clip` (default: values below the median
   * raised to it; better signal than `raw` on NB201 over 30 seeds) or `rank`.
   */
  targets: oneOf(TARGETS, 'clip'),
  /** Uniform random architectures evaluated before the predictors take over (20: better signal on NB201 than 10). */
  initial: int(2, 10_000, 20),
  /** Proposals taken from one fit of the ensemble (BANANAS' k); smaller is slower and more adaptive. */
  batchSize: int(1, 1000, 5),
  incumbents: int(1, 1000, 10),
  mutations: int(0, 10_000, 10),
  random: int(0, 100_000, 200),
});

/** Options of {@link Bananas}. */
export type BananasOptions = z.input<typeof schema>;

/**
 * BANANAS (White, Neiswanger & Savani, "BANANAS: Bayesian Optimization with Neural Architectures
 * for Neural Architecture Search", AAAI 2021): an ensemble of small neural predictors on the path
 * encoding, trained on all results so far; independent Thompson sampling over a candidate pool made
 * by mutating the best architectures; the top `batchSize` candidates are proposed before the
 * ensemble is refitted. Deviations from the paper:
 * - predictors are 2 hidden layers of 32 (the paper: 10 of 20), trained with squared error on
 *   standardised targets (the paper: mean absolute percentage error on validation error), the
 *   targets below the median raised to the median (`targets: 'clip'`) so that collapsed networks
 *   do not dominate the fit;
 * - the pool holds every single-edit neighbour of the 10 best results, 2–3-edit mutations of them
 *   and uniform random draws (the paper: mutations of the best only), never a seen architecture;
 * - a refit happens when `batchSize` new results have arrived since the last one, so with parallel
 *   workers the proposals continue down the last ranking instead of waiting.
 * Options: ensemble (5), depth (2), width (32), epochs (100), learningRate (0.01), acquisition
 * (`its`), encoding (`auto` = path where offered), initial (20), batchSize (5), pool sizes.
 */
export class Bananas implements Strategy {
  readonly name = 'bananas';
  private readonly options: z.output<typeof schema>;
  private readonly history: SearchHistory;
  private readonly encoder: EncodingCache;
  /** The ranking of the last fit, best first, and the number of results it was fitted on. */
  private ranking: Sample[] = [];
  private fittedOn = -1;

  constructor(
    private readonly context: StrategyContext,
    options: Readonly<Record<string, unknown>> = {},
  ) {
    this.options = parseOptions('bananas', schema, options);
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
      const stale = this.fittedOn < 0 || results.length - this.fittedOn >= this.options.batchSize;
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
    const { depth, width, epochs, learningRate } = this.options;
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
    this.ranking = order.slice(0, Math.max(this.options.batchSize, 1) * 4).map((i) => pool[i]);
    this.fittedOn = results.length;
  }
}
