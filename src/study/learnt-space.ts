import { SampleError } from '../errors.js';
import { ProductSpace } from '../space/product-space.js';
import type { EncodingName, Sample, Value } from '../space/types.js';
import { type Distribution, toLeaf } from './distributions.js';

/**
 * Which parameters a sample uses, learnt from complete trials: `context` are the categorical
 * parameters every complete trial suggested (the branch choices); `active` maps the JSON of a
 * sample's context values to the parameters that trials with those values suggested.
 */
export interface Activity {
  readonly context: readonly string[];
  readonly active: Readonly<Record<string, readonly string[]>>;
}

/**
 * The space a define-by-run study has learnt from its suggestions: one leaf (categorical, integer
 * or float range) per parameter seen in a complete trial, in the order the parameters were first
 * seen. A plain product of leaves, so every strategy can search it with the space primitives.
 * Parameters that only some branches suggest are leaves too: a proposal carries a value for them,
 * used when the objective suggests them and ignored otherwise. The {@link Activity} learnt from
 * the trials says which leaves a sample's branch leaves unused; `isoKey` and `encode` treat those
 * as absent, so two samples that differ only in unused parameters are the same architecture to
 * deduplication and to surrogate models (as isomorphic cells are in NB201).
 */
export class LearntSpace extends ProductSpace {
  readonly name = 'study';
  readonly description = 'the parameters a define-by-run study has seen, learnt from its suggestions';
  private readonly activity: Activity;

  constructor(
    readonly params: readonly (readonly [string, Distribution])[],
    activity: Activity = { context: [], active: {} },
  ) {
    super(params.map(([name, d]) => toLeaf(name, d)));
    this.activity = activity;
  }

  /** The parameters `sample`'s branch uses (every leaf when its branch has not been seen complete). */
  activeParams(sample: Sample): ReadonlySet<string> {
    const { context, active } = this.activity;
    const known = context.length > 0 ? active[JSON.stringify(context.map((name) => sample[name] ?? null))] : undefined;
    return new Set(known ?? this.params.map(([name]) => name));
  }

  /** The sample with unused parameters at their leaf's default: one representative per function. */
  effective(sample: Sample): Sample {
    const used = this.activeParams(sample);
    const out: Record<string, Value> = {};
    for (const leaf of this.leaves()) out[leaf.label] = used.has(leaf.label) ? sample[leaf.label] : leaf.default();
    return this.canonical(out);
  }

  override isoKey(sample: Sample): string {
    return this.key(this.effective(sample));
  }

  override encode(sample: Sample, encoding: EncodingName): number[] {
    return super.encode(this.effective(sample), encoding);
  }

  size(): number | null {
    let n = 1;
    for (const [, d] of this.params) {
      if (d.kind === 'float') return null;
      n *= d.kind === 'categorical' ? d.choices.length : (d.high - d.low) / d.step + 1;
    }
    return n;
  }

  /** The sample as JSON, keys in leaf order. */
  format(sample: Sample): string {
    return JSON.stringify(this.canonical(sample));
  }

  parse(text: string): Sample {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new SampleError('SAMPLE_BAD_TEXT', `study: ${JSON.stringify(text)} is not a JSON object of parameter values`);
    }
    return this.freeze(json as Record<string, unknown>);
  }
}
