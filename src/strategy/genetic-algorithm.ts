import { z } from 'zod';
import type { Sample } from '../space/types.js';
import { Rng } from '../util/rng.js';
import { intOption, numberOption, parseStrategyOptions } from './options.js';
import { TrialBook, type Completed } from './pending.js';
import type { Observation, Proposal, Strategy, StrategyContext } from './types.js';

/** Options of {@link GeneticAlgorithm}. */
export const GeneticAlgorithmOptions = z
  .object({
    /** Members of each generation. */
    population: intOption(2, 100_000, 20),
    /** Members drawn for each tournament that picks a parent. */
    tournament_size: intOption(1, 100_000, 3),
    /** Probability that a child is the crossover of two parents (else a copy of the first). */
    crossover_prob: numberOption(0, 1, 0.9),
    /** Probability that a child is then mutated (one edit); a child equal to a parent is always mutated. */
    mutation_prob: numberOption(0, 1, 0.5),
    /** Best members carried unchanged into the next generation. */
    elitism: intOption(0, 100_000, 2),
  })
  .strict()
  .refine((o) => o.tournament_size <= o.population, { error: 'tournament_size must not exceed population', path: ['tournament_size'] })
  .refine((o) => o.elitism < o.population, { error: 'elitism must be smaller than population', path: ['elitism'] });
/** Options of {@link GeneticAlgorithm}; every field is optional (defaults: the schema, listed in docs/strategies*.md). */
export interface GeneticAlgorithmOptions extends z.input<typeof GeneticAlgorithmOptions> {}
/** GeneticAlgorithmOptions with every default filled in. */
type Resolved = z.output<typeof GeneticAlgorithmOptions>;

/**
 * A generational genetic algorithm with crossover (Holland 1975; Goldberg 1989; applied to NAS by
 * Xie & Yuille, "Genetic CNN", ICCV 2017): tournament selection of two parents, uniform crossover
 * (`space.crossover`) with probability `crossover_prob`, then a single-edit mutation
 * (`space.mutate`) with probability `mutation_prob`; each new generation is the `elitism` best of
 * the previous one plus `population - elitism` children. Generation 0 is uniform random.
 *
 * Deviations, for ask/tell: a generation closes when enough children have *completed* (failed
 * ones do not count); asks made while a generation is still filling (several workers) breed from
 * the current parents and their results join whichever generation is open when they arrive.
 * A child identical to one of its parents is mutated anyway, because re-evaluating a parent
 * spends a query on a known result.
 *
 * The registry (`ga`) wraps it in `Deduplicated` unless the options say `dedup: false`.
 */
export class GeneticAlgorithm implements Strategy {
  readonly name = 'ga';
  private readonly rng: Rng;
  private readonly options: Resolved;
  private readonly book = new TrialBook<number>();
  /** The current generation's members (the parents), best first; empty during generation 0. */
  private parents: Completed[] = [];
  /** Completed children of the generation being filled. */
  private children: Completed[] = [];
  private generation = 0;

  constructor(
    private readonly context: StrategyContext,
    options: GeneticAlgorithmOptions = {},
  ) {
    this.options = parseStrategyOptions('ga', GeneticAlgorithmOptions, options);
    this.rng = new Rng(context.seed);
  }

  ask(): Proposal {
    const { space } = this.context;
    if (this.parents.length === 0) {
      const sample = space.random(this.rng);
      this.book.ask(sample, this.generation);
      return { sample, attrs: { generation: this.generation } };
    }
    const a = this.select();
    const b = this.select();
    let child: Sample = this.rng.bernoulli(this.options.crossover_prob) ? space.crossover(a.sample, b.sample, this.rng) : a.sample;
    const key = space.key(child);
    if (this.rng.bernoulli(this.options.mutation_prob) || key === space.key(a.sample) || key === space.key(b.sample)) {
      child = space.mutate(child, this.rng);
    }
    this.book.ask(child, this.generation);
    // `parent`: the one the child starts from (a copy or crossover of it), e.g. for weight inheritance.
    return { sample: child, attrs: { generation: this.generation, parents: [a.trial, b.trial], parent: a.trial } };
  }

  tell(observation: Observation): void {
    const told = this.book.tell(observation);
    if (!told?.result) return;
    this.children.push(told.result);
    const needed = this.parents.length === 0 ? this.options.population : this.options.population - this.options.elitism;
    if (this.children.length < needed) return;
    const elite = this.parents.slice(0, this.options.elitism);
    // Stable sort: ties keep arrival order, so the outcome does not depend on the engine's sort.
    this.parents = [...elite, ...this.children].sort((x, y) => y.value - x.value);
    this.children = [];
    this.generation++;
  }

  /** Tournament selection: the best of `tournament_size` members drawn without replacement. */
  private select(): Completed {
    const contenders = this.rng.sample(this.parents, this.options.tournament_size);
    let best = contenders[0];
    for (const c of contenders) if (c.value > best.value) best = c;
    return best;
  }
}
