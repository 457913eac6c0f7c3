import { z } from 'zod';
import type { Sample, Value } from '../space/types.js';
import type { Rng } from '../util/rng.js';
import { Ensemble } from './predictor/ensemble.js';
import { Mlp } from './predictor/mlp.js';
import { ENCODING_CHOICES, EncodingCache, resolveEncoding } from './surrogate/encode.js';
import { SearchHistory, askRng, randomUnseen } from './surrogate/history.js';
import { enumOption as oneOf, intOption as int, numberOption as num, parseStrategyOptions as parseOptions } from './options.js';
import { TARGETS, transformTargets } from './surrogate/targets.js';
import type { Observation, Proposal, Strategy, StrategyContext } from './types.js';

/** The schema of {@link PnasOptions}: each option with its range and default. */
export const PnasOptions = z.strictObject({
  /**
   * K: architectures evaluated per stage, and the beam carried to the next stage (10: better signal
   * on NB201 at 100 and 150 queries than 15 or 20 over 30 seeds).
   */
  beam: int(1, 10_000, 10),
  /** How leaves not yet expanded are filled: `random` (default) or each leaf's `default()`. */
  fill: oneOf(['random', 'default'] as const, 'random'),
  /** Random completions scored per expansion when `fill` is `random`. */
  completions: int(1, 1000, 8),
  /** Predictors in the surrogate ensemble. */
  ensemble: int(1, 100, 5),
  /** Width of each predictor's two hidden layers. */
  width: int(1, 1024, 32),
  /** Training epochs of each predictor per fit. */
  epochs: int(1, 10_000, 100),
  /** Adam's step size for the predictors. */
  learning_rate: num(1e-6, 1, 0.01),
  /** Architecture encoding the predictors see: `onehot` (default), `path`, `adjacency` or `auto`. */
  encoding: oneOf(ENCODING_CHOICES, 'onehot'),
  /**
   * What the predictors are fitted to: `raw` signal values, `clip` (default: values below the median
   * raised to it; better signal than `raw` on NB201 over 30 seeds) or `rank`.
   */
  targets: oneOf(TARGETS, 'clip'),
});

/** Old spellings of {@link PnasOptions}, still accepted with a deprecation line. */
const DEPRECATED = { names: { learningRate: 'learning_rate' } } as const;

/** Options of {@link Pnas}; every field is optional (defaults: the schema, listed in docs/strategies*.md). */
export interface PnasOptions extends z.input<typeof PnasOptions> {
  /** @deprecated Use `learning_rate`. */
  readonly learningRate?: number;
}

/** One planned proposal of a stage: the concrete architecture to evaluate. */
interface Planned {
  readonly sample: Sample;
  readonly score: number;
}

/**
 * Progressive NAS (Liu et al., "Progressive Neural Architecture Search", ECCV 2018) on any space
 * made of a sequence of leaves: the architecture grows leaf by leaf (on NB201 edge by edge, in the
 * order of the arch string). Stage b expands every architecture of the beam (the K evaluated in
 * stage b−1) with every value of leaf b; a surrogate ranks the expansions and the top K are
 * evaluated; they become the next beam. The surrogate is an ensemble of small MLPs (PNAS' MLP-
 * ensemble variant) on a fixed-length encoding, refitted on all results at the start of each stage.
 * Deviations, because our spaces have no notion of a smaller cell:
 * - leaves not yet expanded must hold some value. With `fill: 'random'` (default) each expansion
 *   gets `completions` random completions; its score is the surrogate's mean over them and the
 *   completion evaluated is the best-predicted one. With `fill: 'default'` they hold each leaf's
 *   default (on NB201 `none`: the edge is absent, the closest analogue of a smaller cell, but the
 *   early stages then see disconnected cells);
 * - stage 0 evaluates K architectures spread evenly over the values of the first leaf;
 * - once every leaf is expanded the budget goes on: each further stage ranks the single-edit
 *   neighbours of the K best results with the surrogate and evaluates the top K.
 * Stages advance by asks (K per stage), so parallel workers never wait; an expansion whose
 * evaluation is not yet told enters the beam all the same.
 */
export class Pnas implements Strategy {
  readonly name = 'pnas';
  private readonly options: z.output<typeof PnasOptions>;
  private readonly history: SearchHistory;
  private readonly encoder: EncodingCache;
  private stage = -1;
  private queue: Planned[] = [];
  private askedInStage = 0;
  /** The architectures proposed in the current stage (the next stage's beam). */
  private stageSamples: Sample[] = [];
  private beamSamples: Sample[] = [];

  constructor(
    private readonly context: StrategyContext,
    options: PnasOptions = {},
  ) {
    this.options = parseOptions('pnas', PnasOptions, options, DEPRECATED);
    this.history = new SearchHistory(context.space);
    this.encoder = new EncodingCache(context.space, resolveEncoding('pnas', context.space, this.options.encoding));
  }

  ask(): Proposal {
    const trial = this.history.asked;
    const rng = askRng(this.context.seed, trial);
    if (this.stage < 0 || this.askedInStage >= this.options.beam || !this.queue.some((p) => !this.seen(p.sample))) {
      this.startStage(rng);
    }
    let next = this.queue.shift();
    while (next && this.seen(next.sample)) next = this.queue.shift();
    const sample = next?.sample ?? randomUnseen(this.history, rng);
    this.askedInStage++;
    this.stageSamples.push(sample);
    this.history.ask(sample);
    return { sample, attrs: { stage: this.stage, role: next ? 'expansion' : 'random' } };
  }

  tell(observation: Observation): void {
    this.history.tell(observation);
  }

  /**
   * Whether a candidate counts as already evaluated. With random fill, up to isomorphism. With the
   * default fill only exact repeats count: on NB201 the early stages' cells (most edges `none`)
   * are nearly all isomorphic to each other, and skipping them would leave those stages empty.
   */
  private seen(sample: Sample): boolean {
    return this.options.fill === 'default' ? this.history.seenExactly(sample) : this.history.seen(sample);
  }

  private startStage(rng: Rng): void {
    this.stage++;
    this.beamSamples = this.stageSamples;
    this.stageSamples = [];
    this.askedInStage = 0;
    const leaves = this.context.space.leaves();
    const predict = this.surrogate(rng);
    if (this.stage === 0) {
      const values = leaves[0].grid();
      const plan: Planned[] = [];
      for (let i = 0; plan.length < 2 * this.options.beam && i < this.options.beam * 20; i++) {
        const completed = this.complete({ [leaves[0].label]: values[i % values.length] }, 1, rng, predict);
        if (completed) plan.push(completed);
      }
      this.queue = plan;
      return;
    }
    const expansions: Planned[] = [];
    const keys = new Set<string>();
    if (this.stage < leaves.length) {
      const leaf = leaves[this.stage];
      for (const parent of this.beamSamples) {
        for (const value of leaf.grid()) {
          const prefix: Record<string, Value> = {};
          for (let l = 0; l < this.stage; l++) prefix[leaves[l].label] = parent[leaves[l].label];
          prefix[leaf.label] = value;
          const key = JSON.stringify(prefix);
          if (keys.has(key)) continue;
          keys.add(key);
          const planned = this.complete(prefix, this.stage + 1, rng, predict);
          if (planned) expansions.push(planned);
        }
      }
    } else {
      for (const result of this.history.top(this.options.beam)) {
        for (const neighbour of this.context.space.neighbours(result.sample)) {
          const key = this.context.space.isoKey(neighbour);
          if (keys.has(key) || this.seen(neighbour)) continue;
          keys.add(key);
          expansions.push({ sample: neighbour, score: predict ? predict([neighbour])[0] : 0 });
        }
      }
    }
    const order = expansions.map((_, i) => i).sort((a, b) => expansions[b].score - expansions[a].score || a - b);
    // The whole ranking is kept: the stage takes its K asks from the top, skipping any that turn
    // out to be seen already (two expansions can be isomorphic), so that it still evaluates K.
    this.queue = order.map((i) => expansions[i]);
  }

  /**
   * A concrete architecture for a prefix (its first `assigned` leaves set): leaves after the prefix
   * are filled as `fill` says; null when no valid, unseen completion was found.
   */
  private complete(prefix: Readonly<Record<string, Value>>, assigned: number, rng: Rng, predict: ((s: Sample[]) => Float64Array) | null): Planned | null {
    const space = this.context.space;
    const leaves = space.leaves();
    const tries = this.options.fill === 'default' ? 1 : this.options.completions;
    const candidates: Sample[] = [];
    for (let t = 0; t < tries * 4 && candidates.length < tries; t++) {
      const raw: Record<string, Value> = { ...prefix };
      for (let l = assigned; l < leaves.length; l++) raw[leaves[l].label] = this.options.fill === 'default' ? leaves[l].default() : leaves[l].random(rng);
      if (space.check(raw) !== null) continue;
      const sample = space.freeze(raw);
      if (!this.seen(sample)) candidates.push(sample);
      if (this.options.fill === 'default') break;
    }
    if (candidates.length === 0) return null;
    if (!predict) return { sample: candidates[0], score: 0 };
    const scores = predict(candidates);
    let best = 0;
    let sum = 0;
    for (let i = 0; i < scores.length; i++) {
      sum += scores[i];
      if (scores[i] > scores[best]) best = i;
    }
    return { sample: candidates[best], score: sum / scores.length };
  }

  /** The ensemble's mean prediction, fitted on all results so far; null with fewer than 2 results. */
  private surrogate(rng: Rng): ((samples: Sample[]) => Float64Array) | null {
    const results = this.history.results;
    if (results.length < 2) return null;
    const { width, epochs, learning_rate: learningRate } = this.options;
    const ensemble = new Ensemble((inputSize) => new Mlp(inputSize, { hidden: [width, width], epochs, batchSize: 32, learningRate, weightDecay: 1e-4 }), this.options.ensemble);
    ensemble.fit(
      results.map((r) => this.encoder.encode(r.sample)),
      transformTargets(results.map((r) => r.value), this.options.targets),
      rng.fork(),
    );
    return (samples) => ensemble.predict(samples.map((s) => this.encoder.encode(s))).mean;
  }
}
