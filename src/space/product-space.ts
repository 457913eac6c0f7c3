import { SampleError } from '../errors.js';
import type { Rng } from '../util/rng.js';
import { Categorical } from './choice.js';
import type { SpaceOptions } from './options.js';
import type { EncodingName, Leaf, Sample, Space, Value } from './types.js';

/** How many draws `random`, `mutate` and `crossover` try before deciding the space is (nearly) empty. */
const MAX_TRIES = 10_000;

/**
 * The common base of naskit's spaces: a product of leaves, optionally cut down by a constraint
 * between them. It gives sampling, mutation, neighbourhoods, crossover, keys and the one-hot
 * encoding for free; a concrete space adds its text format, its constraint and its graph encodings.
 */
export abstract class ProductSpace implements Space {
  abstract readonly name: string;
  abstract readonly description: string;
  private readonly leafList: readonly Leaf[];
  #options: SpaceOptions = Object.freeze({});
  private readonly leafByLabel: ReadonlyMap<string, Leaf>;

  protected constructor(leaves: readonly Leaf[]) {
    const byLabel = new Map<string, Leaf>();
    for (const leaf of leaves) {
      if (byLabel.has(leaf.label)) throw new TypeError(`space: two leaves share the label ${leaf.label}`);
      byLabel.set(leaf.label, leaf);
    }
    this.leafList = Object.freeze(leaves.slice());
    this.leafByLabel = byLabel;
  }

  /** The resolved options (see `Space.options`); set once by the registry's factory with {@link ProductSpace.configure}. */
  get options(): SpaceOptions {
    return this.#options;
  }

  /** Records the space's resolved options (its network's settings); returns this. */
  configure(options: SpaceOptions): this {
    this.#options = Object.freeze({ ...options });
    return this;
  }

  leaves(): readonly Leaf[] {
    return this.leafList;
  }

  /** The leaf with this label (throws `SampleError` naming the valid labels). */
  leaf(label: string): Leaf {
    const leaf = this.leafByLabel.get(label);
    if (!leaf) {
      throw new SampleError('SAMPLE_UNKNOWN_LABEL', `${this.name}: unknown choice ${JSON.stringify(label)}; valid: ${[...this.leafByLabel.keys()].join(', ')}`, label);
    }
    return leaf;
  }

  abstract size(): number | null;

  uniqueSize(): number | null {
    return null;
  }

  /** Constraint between leaves beyond each leaf's own check; null when the sample satisfies it. */
  protected constraint(_sample: Sample): SampleError | null {
    return null;
  }

  check(sample: unknown): SampleError | null {
    if (typeof sample !== 'object' || sample === null || Array.isArray(sample)) {
      return new SampleError('SAMPLE_NOT_OBJECT', `${this.name}: a sample must be an object keyed by choice label, got ${JSON.stringify(sample)}`);
    }
    const record = sample as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!this.leafByLabel.has(key)) {
        return new SampleError('SAMPLE_UNKNOWN_LABEL', `${this.name}: unknown choice ${JSON.stringify(key)}; valid: ${[...this.leafByLabel.keys()].join(', ')}`, key);
      }
    }
    for (const leaf of this.leafList) {
      if (!(leaf.label in record)) {
        return new SampleError('SAMPLE_MISSING_LABEL', `${this.name}: choice ${leaf.label} is missing; valid values: ${leaf.grid().map((v) => JSON.stringify(v)).join(', ')}`, leaf.label);
      }
      const why = leaf.check(record[leaf.label]);
      if (why) return new SampleError('SAMPLE_INVALID_VALUE', `${this.name}: ${why}`, leaf.label);
    }
    return this.constraint(record as Sample);
  }

  freeze(sample: Readonly<Record<string, unknown>>): Sample {
    const error = this.check(sample);
    if (error) throw error;
    return this.canonical(sample as Sample);
  }

  /** Keys in leaf order, frozen; no validation (internal use on samples built from leaves). */
  protected canonical(sample: Sample): Sample {
    const out: Record<string, Value> = {};
    for (const leaf of this.leafList) out[leaf.label] = sample[leaf.label];
    return Object.freeze(out);
  }

  private valid(sample: Sample): boolean {
    return this.constraint(sample) === null;
  }

  random(rng: Rng): Sample {
    for (let tries = 0; tries < MAX_TRIES; tries++) {
      const out: Record<string, Value> = {};
      for (const leaf of this.leafList) out[leaf.label] = leaf.random(rng);
      if (this.valid(out)) return this.canonical(out);
    }
    throw new SampleError('SPACE_EMPTY', `${this.name}: no valid architecture found in ${MAX_TRIES} random draws; is the space's constraint satisfiable?`);
  }

  mutate(sample: Sample, rng: Rng): Sample {
    for (let tries = 0; tries < MAX_TRIES; tries++) {
      const leaf = this.leafList[rng.int(this.leafList.length)];
      const options = leaf.neighbours(sample[leaf.label]);
      if (options.length === 0) continue;
      const child = { ...sample, [leaf.label]: rng.choice(options) };
      if (this.valid(child)) return this.canonical(child);
    }
    throw new SampleError('SPACE_NO_MUTATION', `${this.name}: no valid single-edit mutation of ${this.key(sample)} found`);
  }

  neighbours(sample: Sample): Sample[] {
    const out: Sample[] = [];
    for (const leaf of this.leafList) {
      for (const value of leaf.neighbours(sample[leaf.label])) {
        const child = { ...sample, [leaf.label]: value };
        if (this.valid(child)) out.push(this.canonical(child));
      }
    }
    return out;
  }

  /** Uniform crossover: each choice from either parent; falls back to a parent if no valid child is found. */
  crossover(a: Sample, b: Sample, rng: Rng): Sample {
    for (let tries = 0; tries < 100; tries++) {
      const child: Record<string, Value> = {};
      for (const leaf of this.leafList) child[leaf.label] = rng.bernoulli(0.5) ? a[leaf.label] : b[leaf.label];
      if (this.valid(child)) return this.canonical(child);
    }
    return rng.bernoulli(0.5) ? a : b;
  }

  key(sample: Sample): string {
    return JSON.stringify(this.leafList.map((leaf) => sample[leaf.label]));
  }

  isoKey(sample: Sample): string {
    return this.key(sample);
  }

  abstract format(sample: Sample): string;
  abstract parse(text: string): Sample;

  encodings(): readonly EncodingName[] {
    return ['onehot'];
  }

  encode(sample: Sample, encoding: EncodingName): number[] {
    if (encoding === 'onehot') return this.oneHot(sample);
    throw new SampleError('ENCODING_UNSUPPORTED', `${this.name}: encoding ${encoding} is not offered; offered: ${this.encodings().join(', ')}`);
  }

  decode(vector: readonly number[], encoding: EncodingName): Sample {
    if (encoding === 'onehot') return this.fromOneHot(vector);
    throw new SampleError('ENCODING_UNSUPPORTED', `${this.name}: encoding ${encoding} cannot be decoded here; decodable: onehot`);
  }

  /** One block per leaf: categoricals one-hot, ranges as a single value scaled to [0, 1]. */
  protected oneHot(sample: Sample): number[] {
    const out: number[] = [];
    for (const leaf of this.leafList) {
      if (leaf instanceof Categorical) {
        const at = leaf.indexOf(sample[leaf.label]);
        for (let i = 0; i < leaf.options.length; i++) out.push(i === at ? 1 : 0);
      } else {
        const grid = leaf.grid() as readonly number[];
        const lo = grid[0];
        const hi = grid[grid.length - 1];
        out.push(hi === lo ? 0 : ((sample[leaf.label] as number) - lo) / (hi - lo));
      }
    }
    return out;
  }

  /** The sample a one-hot vector (as `encode(sample, 'onehot')` makes) stands for: each leaf's largest entry wins. */
  protected fromOneHot(vector: readonly number[]): Sample {
    const out: Record<string, Value> = {};
    let at = 0;
    for (const leaf of this.leafList) {
      if (leaf instanceof Categorical) {
        const block = vector.slice(at, at + leaf.options.length);
        at += leaf.options.length;
        out[leaf.label] = leaf.options[block.indexOf(Math.max(...block))];
      } else {
        const grid = leaf.grid() as readonly number[];
        const lo = grid[0];
        const hi = grid[grid.length - 1];
        const raw = lo + vector[at++] * (hi - lo);
        out[leaf.label] = leaf.kind === 'int' ? grid.reduce((best, v) => (Math.abs(v - raw) < Math.abs(best - raw) ? v : best)) : raw;
      }
    }
    if (at !== vector.length) {
      throw new SampleError('ENCODING_LENGTH', `${this.name}: a one-hot vector has ${at} entries here, got ${vector.length}`);
    }
    return this.freeze(out);
  }
}
