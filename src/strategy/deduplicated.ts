import { z } from 'zod';
import { ConfigError } from '../errors.js';
import type { Space } from '../space/types.js';
import { enumOption, intOption, parseStrategyOptions } from './options.js';
import type { Json } from '../util/json.js';
import type { Observation, Proposal, Strategy, StrategyFactory } from './types.js';

/** Old spellings of {@link DeduplicatedOptions}, still accepted with a deprecation line. */
const DEPRECATED = { names: { max_retries: 'dedup_tries' } } as const;

/** The schema of {@link DeduplicatedOptions}. */
export const DeduplicatedOptions = z
  .object({
    /** `iso`: same function (`space.isoKey`); `key`: same sample (`space.key`). */
    by: enumOption(['iso', 'key'], 'iso'),
    /**
     * Duplicate proposals skipped per ask before one is let through. A few retries recover nearly all
     * the benefit on NB201 (rea at 150 queries: 94.15 with 3, 94.16 with 100, 100 seeds); more only
     * cost time once the inner strategy has converged and proposes little that is new.
     */
    dedup_tries: intOption(0, 1_000_000, 3),
  })
  .strict();

/** Options of {@link Deduplicated}; every field is optional (defaults: the schema, listed in docs/strategies*.md). */
export interface DeduplicatedOptions extends z.input<typeof DeduplicatedOptions> {
  /** @deprecated Use `dedup_tries`. */
  readonly max_retries?: number;
}
/** DeduplicatedOptions with every default filled in. */
type Resolved = z.output<typeof DeduplicatedOptions>;

/** What the wrapper knows about one architecture (at one fidelity). */
type Known =
  | { readonly state: 'pending'; readonly outer: number; readonly waiting: { trial: number; observation: Omit<Observation, 'trial' | 'state' | 'value' | 'values'> }[] }
  | { readonly state: 'done'; readonly observation: Observation };

/**
 * Deduplication as a wrapper (NNI's strategy middleware; naskit STYLE: cross-cutting concerns wrap
 * strategies): when the inner strategy proposes an architecture already proposed (by isomorphism
 * key, or by exact key, at the same fidelity), the wrapper does not spend a trial on it but asks
 * the inner strategy again, up to `dedup_tries` times per ask; then it lets the proposal through.
 *
 * The inner strategy still sees a complete, consistent history, which keeps it a deterministic
 * state machine: every skipped proposal is told to it as an observation of its own (inner) trial,
 * with the known result of the earlier trial; if that result is not in yet, the skipped proposal is
 * told when it arrives. A failed earlier trial is told as failed, and its key is forgotten so that
 * a later proposal may try it again (failures can be transient). The inner strategy's trial numbers
 * are its own asks; outer trial numbers are this wrapper's asks. A tell of an outer trial this
 * wrapper never asked (e.g. enqueued by hand) reaches the inner strategy as trial −1 − number.
 * Trial numbers in a proposal's `attrs.parent` / `attrs.parents` are turned back into outer ones (a
 * skipped proposal's into the earlier trial whose result it was told), so that they name stored trials.
 */
export class Deduplicated implements Strategy {
  readonly name: string;
  private readonly options: Resolved;
  private innerAsks = 0;
  private outerAsks = 0;
  private readonly outerToInner = new Map<number, number>();
  /** Inner trial → the outer trial that holds its result (itself let through, or the earlier duplicate). */
  private readonly innerToOuter = new Map<number, number>();
  private readonly known = new Map<string, Known>();

  constructor(
    private readonly inner: Strategy,
    private readonly space: Space,
    options: DeduplicatedOptions = {},
  ) {
    this.options = parseStrategyOptions('dedup', DeduplicatedOptions, options, DEPRECATED);
    this.name = inner.name;
  }

  ask(): Proposal {
    for (let retries = 0; ; retries++) {
      const proposal = this.inner.ask();
      const innerTrial = this.innerAsks++;
      const key = this.keyOf(proposal);
      const known = this.known.get(key);
      if (known === undefined || retries >= this.options.dedup_tries) {
        const outer = this.outerAsks++;
        if (known === undefined) this.known.set(key, { state: 'pending', outer, waiting: [] });
        this.outerToInner.set(outer, innerTrial);
        this.innerToOuter.set(innerTrial, outer);
        return this.outerAttrs(proposal);
      }
      this.innerToOuter.set(innerTrial, known.state === 'pending' ? known.outer : known.observation.trial);
      const seen = { sample: proposal.sample, fidelity: proposal.fidelity };
      if (known.state === 'pending') known.waiting.push({ trial: innerTrial, observation: seen });
      else this.inner.tell({ ...known.observation, ...seen, trial: innerTrial });
    }
  }

  tell(observation: Observation): void {
    const innerTrial = this.outerToInner.get(observation.trial) ?? -1 - observation.trial;
    this.inner.tell({ ...observation, trial: innerTrial });
    const key = this.keyOf(observation);
    const known = this.known.get(key);
    const waiting = known?.state === 'pending' ? known.waiting : [];
    if (observation.state === 'complete') this.known.set(key, { state: 'done', observation });
    else if (known?.state !== 'done') this.known.delete(key);
    for (const w of waiting) this.inner.tell({ ...observation, ...w.observation, trial: w.trial });
  }

  /** The proposal with `attrs.parent` / `attrs.parents` as outer trial numbers. */
  private outerAttrs(proposal: Proposal): Proposal {
    const attrs = proposal.attrs;
    if (!attrs || (attrs.parent === undefined && attrs.parents === undefined)) return proposal;
    const outer = (t: Json): Json => (typeof t === 'number' ? (this.innerToOuter.get(t) ?? (t < 0 ? -1 - t : t)) : t);
    const mapped: Record<string, Json> = { ...attrs };
    if (attrs.parent !== undefined) mapped.parent = outer(attrs.parent);
    if (Array.isArray(attrs.parents)) mapped.parents = attrs.parents.map(outer);
    return { ...proposal, attrs: mapped };
  }

  private keyOf(p: { readonly sample: Proposal['sample']; readonly fidelity?: number }): string {
    const key = this.options.by === 'iso' ? this.space.isoKey(p.sample) : this.space.key(p.sample);
    return `${p.fidelity ?? ''}|${key}`;
  }
}

/**
 * Wraps a strategy factory so that its strategies are {@link Deduplicated} unless the options say
 * `dedup: false`; `dedup: {by, dedup_tries}` sets the wrapper's options. The other options go to
 * the inner strategy. This is how the registry switches deduplication on by default for the
 * strategies that otherwise re-propose architectures they have already seen.
 */
export function deduplicating(make: StrategyFactory): StrategyFactory {
  return (context, options = {}) => {
    const { dedup = true, ...rest } = options;
    if (dedup === false) return make(context, rest);
    if (dedup === true) return new Deduplicated(make(context, rest), context.space);
    if (typeof dedup === 'object' && dedup !== null && !Array.isArray(dedup)) {
      return new Deduplicated(make(context, rest), context.space, dedup as Record<string, unknown>);
    }
    throw new ConfigError('BAD_STRATEGY_OPTION', `option dedup = ${JSON.stringify(dedup)} is not allowed: expected true, false or {"by": "iso"|"key", "dedup_tries": n}`);
  };
}
