import { z } from 'zod';
import type { Sample } from '../space/types.js';
import { Rng } from '../util/rng.js';
import { enumOption, intOption, numberOption, parseStrategyOptions } from './options.js';
import { TrialBook } from './pending.js';
import type { Observation, Proposal, Strategy, StrategyContext } from './types.js';

/** Options of {@link RandomScalarization}. */
export const RandomScalarizationOptions = z
  .object({
    /** Random proposals before the scalarised search starts. */
    initial: intOption(1, 100_000, 10),
    /** How objectives are combined under the drawn weights. */
    scalarization: enumOption(['chebyshev', 'linear'] as const, 'chebyshev'),
    /** The parent is drawn among this many best results under the drawn weights. */
    top_k: intOption(1, 100_000, 3),
    /** Probability that an ask after the initial phase is uniform random anyway. */
    random_fraction: numberOption(0, 1, 0.1),
    /** Tries to find a proposal not made before, before accepting a repeat. */
    dedup_tries: intOption(0, 10_000, 50),
  })
  .strict();
/** Options of {@link RandomScalarization}; every field is optional (defaults: the schema, listed in docs/strategies*.md). */
export interface RandomScalarizationOptions extends z.input<typeof RandomScalarizationOptions> {}
/** RandomScalarizationOptions with every default filled in. */
type Resolved = z.output<typeof RandomScalarizationOptions>;

interface Member {
  readonly trial: number;
  readonly sample: Sample;
  readonly values: readonly number[];
}

/**
 * Random scalarisations for several objectives, after Paria, Kandasamy & Póczos, "A Flexible
 * Framework for Multi-Objective Bayesian Optimization using Random Scalarizations", UAI 2019:
 * every ask draws fresh weights λ uniformly on the simplex (Dirichlet(1, …, 1)), turns the
 * objectives (all maximised, min–max normalised over the results so far) into one number —
 * Chebyshev `min_i λ_i ŷ_i` (default; reaches non-convex parts of the front) or linear
 * `Σ λ_i ŷ_i` — and takes one step of a single-objective search on it. Over many asks the
 * weights sweep the whole front.
 *
 * Deviation from the paper: the inner single-objective optimiser is not Bayesian optimisation
 * with a GP per objective but mutation around the scalarised incumbents: a single-edit mutation
 * (`space.mutate`) of one of the `top_k` best results under λ, unseen proposals preferred, with
 * a `random_fraction` of uniform draws for exploration. The first `initial` asks (and every ask
 * while no result is in) are uniform random. Failed trials and malformed objective vectors are
 * ignored.
 */
export class RandomScalarization implements Strategy {
  readonly name = 'random-scalarization';
  private readonly rng: Rng;
  private readonly book = new TrialBook<string>();
  private readonly options: Resolved;
  private readonly members: Member[] = [];
  private readonly seen = new Set<string>();
  private objectiveCount: number | null;

  constructor(
    private readonly context: StrategyContext,
    options: RandomScalarizationOptions = {},
  ) {
    this.options = parseStrategyOptions('random-scalarization', RandomScalarizationOptions, options);
    this.rng = new Rng(context.seed);
    this.objectiveCount = context.objectives ? context.objectives.length : null;
  }

  ask(): Proposal {
    const { space } = this.context;
    let sample: Sample;
    let attrs: Record<string, string | number | number[]>;
    if (this.book.asked < this.options.initial || this.members.length === 0 || this.rng.bernoulli(this.options.random_fraction)) {
      sample = this.unseen(() => space.random(this.rng));
      attrs = { role: 'random' };
    } else {
      const weights = this.weights(this.members[0].values.length);
      const parent = this.pickParent(weights);
      sample = this.unseen(() => space.mutate(parent.sample, this.rng));
      attrs = { role: 'mutation', parent: parent.trial, weights };
    }
    this.seen.add(space.key(sample));
    this.book.ask(sample, String(attrs.role));
    return { sample, attrs };
  }

  tell(observation: Observation): void {
    const told = this.book.tell(observation);
    if (!told?.result) return;
    const values = observation.values ?? [told.result.value];
    if (!values.every((v) => typeof v === 'number' && Number.isFinite(v))) return;
    if (this.objectiveCount === null) this.objectiveCount = values.length;
    if (values.length !== this.objectiveCount) return;
    this.members.push({ trial: observation.trial, sample: observation.sample, values: values.slice() });
  }

  /** Uniform on the simplex: normalised exponential draws. */
  private weights(m: number): number[] {
    const raw: number[] = [];
    for (let i = 0; i < m; i++) raw.push(-Math.log(1 - this.rng.float()));
    const total = raw.reduce((a, b) => a + b, 0);
    return raw.map((w) => w / total);
  }

  private pickParent(weights: readonly number[]): Member {
    const m = weights.length;
    const lo = new Array<number>(m).fill(Infinity);
    const hi = new Array<number>(m).fill(-Infinity);
    for (const member of this.members) {
      for (let i = 0; i < m; i++) {
        lo[i] = Math.min(lo[i], member.values[i]);
        hi[i] = Math.max(hi[i], member.values[i]);
      }
    }
    const score = (values: readonly number[]): number => {
      let chebyshev = Infinity;
      let linear = 0;
      for (let i = 0; i < m; i++) {
        // A constant objective carries no preference: it scores the same for everyone.
        const y = hi[i] > lo[i] ? (values[i] - lo[i]) / (hi[i] - lo[i]) : 1;
        chebyshev = Math.min(chebyshev, weights[i] * y);
        linear += weights[i] * y;
      }
      return this.options.scalarization === 'chebyshev' ? chebyshev : linear;
    };
    // Ties by trial number, so the ranking does not depend on the order results arrived in.
    const ranked = this.members
      .map((member) => ({ member, s: score(member.values) }))
      .sort((a, b) => b.s - a.s || a.member.trial - b.member.trial);
    const k = Math.min(this.options.top_k, ranked.length);
    return ranked[this.rng.int(k)].member;
  }

  private unseen(draw: () => Sample): Sample {
    const { space } = this.context;
    let sample = draw();
    for (let t = 0; t < this.options.dedup_tries && this.seen.has(space.key(sample)); t++) sample = draw();
    return sample;
  }
}
