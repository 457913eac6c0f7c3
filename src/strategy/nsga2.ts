import { z } from 'zod';
import type { Sample } from '../space/types.js';
import { Rng } from '../util/rng.js';
import { intOption, numberOption, parseStrategyOptions } from './options.js';
import { TrialBook } from './pending.js';
import { crowdingDistance, nonDominatedSort } from './pareto.js';
import type { Observation, Proposal, Strategy, StrategyContext } from './types.js';

/** Options of {@link Nsga2}. */
export const Nsga2Options = z
  .object({
    /** Parents kept per generation and children proposed per generation (N in the paper). */
    population: intOption(2, 100_000, 20),
    /** Probability that a child is the crossover of two tournament winners (else a copy of one). */
    crossover_prob: numberOption(0, 1, 0.9),
    /** Probability that a child then gets one single-edit mutation. */
    mutation_prob: numberOption(0, 1, 1),
    /** Tries to find a child not proposed before, before accepting a repeat. */
    dedup_tries: intOption(0, 10_000, 50),
  })
  .strict();
/** Options of {@link Nsga2}; every field is optional (defaults: the schema, listed in docs/strategies*.md). */
export interface Nsga2Options extends z.input<typeof Nsga2Options> {}
/** Nsga2Options with every default filled in. */
type Resolved = z.output<typeof Nsga2Options>;

/** A completed trial with its objective vector (all maximised). */
interface Member {
  readonly trial: number;
  readonly sample: Sample;
  readonly values: readonly number[];
}

/** A parent with its NSGA-II rank (0 = non-dominated) and crowding distance. */
interface Ranked extends Member {
  readonly rank: number;
  readonly crowding: number;
}

/**
 * NSGA-II: Deb, Pratap, Agarwal & Meyarivan, "A Fast and Elitist Multiobjective Genetic
 * Algorithm: NSGA-II", IEEE TEC 6(2), 2002. Maximises every objective of `Observation.values`
 * (falling back to `[value]` when an observation has no `values`, which makes it a plain GA).
 *
 * Generations of `population` asks: the first generation is uniform random; each later ask
 * breeds one child from the parents by binary tournaments on (rank, crowding distance), uniform
 * crossover (`space.crossover`) and a single-edit mutation (`space.mutate`). Parents of a
 * generation are chosen, when its first child is asked, by elitist environmental selection
 * (non-dominated sorting, then crowding distance on the last front) from the previous parents
 * and every result told since.
 *
 * Deviations from the paper, for ask/tell with several workers and architecture spaces:
 * - selection uses the results that have arrived when a generation starts; results that arrive
 *   later join the next selection (sequentially this is exactly the paper's (μ+λ) scheme);
 * - while no result is in, asks are random;
 * - variation is the space's uniform crossover and single-edit mutation, not SBX and
 *   polynomial mutation (which are for real-valued genes);
 * - children already proposed are redrawn (up to `dedup_tries`), since a repeat costs a query and
 *   teaches nothing on a deterministic benchmark;
 * - failed trials and observations whose objective vector is missing, of the wrong length or not
 *   finite are ignored.
 */
export class Nsga2 implements Strategy {
  readonly name = 'nsga2';
  private readonly rng: Rng;
  private readonly book = new TrialBook<number>();
  private readonly options: Resolved;
  /** Results told since the last environmental selection. */
  private fresh: Member[] = [];
  private parents: Ranked[] = [];
  private readonly seen = new Set<string>();
  private objectiveCount: number | null;

  constructor(
    private readonly context: StrategyContext,
    options: Nsga2Options = {},
  ) {
    this.options = parseStrategyOptions('nsga2', Nsga2Options, options);
    this.rng = new Rng(context.seed);
    this.objectiveCount = context.objectives ? context.objectives.length : null;
  }

  ask(): Proposal {
    const { space } = this.context;
    const generation = Math.floor(this.book.asked / this.options.population);
    if (generation > 0 && this.book.asked % this.options.population === 0) this.select();
    let sample: Sample;
    let role: string;
    if (generation === 0 || this.parents.length === 0) {
      sample = this.unseen(() => space.random(this.rng));
      role = 'random';
    } else {
      sample = this.unseen(() => this.breed());
      role = 'child';
    }
    this.seen.add(space.key(sample));
    this.book.ask(sample, generation);
    return { sample, attrs: { role, generation } };
  }

  tell(observation: Observation): void {
    const told = this.book.tell(observation);
    if (!told?.result) return;
    const values = observation.values ?? [told.result.value];
    if (!values.every((v) => typeof v === 'number' && Number.isFinite(v))) return;
    // The first complete observation fixes the number of objectives when the context does not.
    if (this.objectiveCount === null) this.objectiveCount = values.length;
    if (values.length !== this.objectiveCount) return;
    this.fresh.push({ trial: observation.trial, sample: observation.sample, values: values.slice() });
  }

  /** Environmental selection: the best `population` of parents ∪ fresh results by (rank, crowding). */
  private select(): void {
    const pool: Member[] = [...this.parents, ...this.fresh];
    this.fresh = [];
    if (pool.length === 0) return;
    const points = pool.map((m) => m.values);
    const next: Ranked[] = [];
    const fronts = nonDominatedSort(points);
    for (let rank = 0; rank < fronts.length && next.length < this.options.population; rank++) {
      const front = fronts[rank];
      const crowding = crowdingDistance(points, front);
      const order = front.map((_, i) => i);
      if (next.length + front.length > this.options.population) {
        // Larger crowding first; ties by trial number so the choice does not depend on arrival order.
        order.sort((i, j) => crowding[j] - crowding[i] || pool[front[i]].trial - pool[front[j]].trial);
      }
      for (const i of order) {
        if (next.length >= this.options.population) break;
        next.push({ ...pool[front[i]], rank, crowding: crowding[i] });
      }
    }
    this.parents = next;
  }

  /** Binary tournament: lower rank wins, then larger crowding distance, then a coin. */
  private tournament(): Ranked {
    const a = this.parents[this.rng.int(this.parents.length)];
    const b = this.parents[this.rng.int(this.parents.length)];
    if (a.rank !== b.rank) return a.rank < b.rank ? a : b;
    if (a.crowding !== b.crowding) return a.crowding > b.crowding ? a : b;
    return this.rng.bernoulli(0.5) ? a : b;
  }

  private breed(): Sample {
    const { space } = this.context;
    const first = this.tournament();
    let child = first.sample;
    if (this.rng.bernoulli(this.options.crossover_prob)) child = space.crossover(first.sample, this.tournament().sample, this.rng);
    if (this.rng.bernoulli(this.options.mutation_prob)) child = space.mutate(child, this.rng);
    return child;
  }

  private unseen(draw: () => Sample): Sample {
    const { space } = this.context;
    let sample = draw();
    for (let t = 0; t < this.options.dedup_tries && this.seen.has(space.key(sample)); t++) sample = draw();
    return sample;
  }
}
