import { z } from 'zod';
import type { Sample } from '../space/types.js';
import { Rng } from '../util/rng.js';
import { intOption, parseStrategyOptions } from './options.js';
import { TrialBook, type Completed } from './pending.js';
import type { Observation, Proposal, Strategy, StrategyContext } from './types.js';

/** Options of {@link RegularizedEvolution}. */
export const RegularizedEvolutionOptions = z
  .object({
    /** Number of living members (P in the paper). */
    population: intOption(2, 100_000, 10),
    /** Members drawn for each tournament (S in the paper); at most `population`. */
    sample_size: intOption(1, 100_000, 3),
  })
  .strict()
  .refine((o) => o.sample_size <= o.population, { error: 'sample_size must not exceed population', path: ['sample_size'] });
/** Options of {@link RegularizedEvolution}; every field is optional (defaults: the schema, listed in docs/strategies*.md). */
export interface RegularizedEvolutionOptions extends z.input<typeof RegularizedEvolutionOptions> {}
/** RegularizedEvolutionOptions with every default filled in. */
type Resolved = z.output<typeof RegularizedEvolutionOptions>;

/**
 * Regularized (aging) evolution: Real, Aggarwal, Huang & Le, "Regularized Evolution for Image
 * Classifier Architecture Search", AAAI 2019 (Algorithm 1), with NAS-Bench-201's settings as the
 * defaults (population 10, sample size 3).
 *
 * The first `population` results come from uniform random proposals. Then each proposal is a
 * single-edit mutation (`space.mutate`) of the best of `sample_size` members drawn from the
 * population, and each result joins the population while the oldest member dies.
 *
 * Deviations from the paper, for ask/tell with several workers:
 * - the population holds completed trials only, in the order their results arrived (that order
 *   is the age); while fewer than `population` results are in, every ask is random, so with many
 *   workers the random phase may propose more than `population` architectures;
 * - tournament members are drawn without replacement (as NASLib; the paper draws with replacement);
 * - a failed trial is not added to the population (the paper has no failures).
 *
 * The registry (`rea`) wraps it in `Deduplicated` unless the options say `dedup: false`.
 */
export class RegularizedEvolution implements Strategy {
  readonly name = 'rea';
  private readonly rng: Rng;
  private readonly book = new TrialBook<'random' | 'mutation'>();
  /** Living members, oldest first. */
  private readonly members: Completed[] = [];
  private readonly options: Resolved;

  constructor(
    private readonly context: StrategyContext,
    options: RegularizedEvolutionOptions = {},
  ) {
    this.options = parseStrategyOptions('rea', RegularizedEvolutionOptions, options);
    this.rng = new Rng(context.seed);
  }

  ask(): Proposal {
    const { space } = this.context;
    if (this.members.length < this.options.population) {
      const sample = space.random(this.rng);
      this.book.ask(sample, 'random');
      return { sample, attrs: { role: 'random' } };
    }
    const parent = this.tournament();
    const sample: Sample = space.mutate(parent.sample, this.rng);
    this.book.ask(sample, 'mutation');
    return { sample, attrs: { role: 'mutation', parent: parent.trial } };
  }

  tell(observation: Observation): void {
    const told = this.book.tell(observation);
    if (!told?.result) return;
    this.members.push(told.result);
    // Aging: the oldest dies, however good it is; that is the regularization.
    while (this.members.length > this.options.population) this.members.shift();
  }

  private tournament(): Completed {
    const contenders = this.rng.sample(this.members, this.options.sample_size);
    let best = contenders[0];
    for (const c of contenders) if (c.value > best.value) best = c;
    return best;
  }
}
