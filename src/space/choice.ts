import type { Rng } from '../util/rng.js';
import type { Leaf, Value } from './types.js';

function checkLabel(label: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(label)) {
    throw new TypeError(`choice label must be letters, digits, '_' or '.', starting with a letter or '_'; got ${JSON.stringify(label)}`);
  }
}

/** A choice among a fixed list of values (an operation, an input, a kernel size, an edge on/off). */
export class Categorical<V extends Value = Value> implements Leaf<V> {
  readonly kind = 'categorical' as const;
  readonly label: string;
  readonly options: readonly V[];
  private readonly index: Map<V, number>;

  constructor(label: string, options: readonly V[]) {
    checkLabel(label);
    if (options.length === 0) throw new RangeError(`Categorical ${label}: needs at least one option`);
    this.index = new Map(options.map((o, i) => [o, i]));
    if (this.index.size !== options.length) throw new RangeError(`Categorical ${label}: options must be distinct`);
    this.label = label;
    this.options = Object.freeze(options.slice());
  }

  random(rng: Rng): V {
    return this.options[rng.int(this.options.length)];
  }
  default(): V {
    return this.options[0];
  }
  grid(): readonly V[] {
    return this.options;
  }
  /** Position of `value` among the options (-1 when absent). */
  indexOf(value: V): number {
    return this.index.get(value) ?? -1;
  }
  check(value: unknown): string | null {
    if (this.index.has(value as V)) return null;
    return `${this.label}: ${JSON.stringify(value)} is not a valid choice; valid: ${this.options.map((o) => JSON.stringify(o)).join(', ')}`;
  }
  neighbours(value: V): V[] {
    return this.options.filter((o) => o !== value);
  }
}

/** An integer in [low, high] with a step (a width, a depth, a number of cells). */
export class IntRange implements Leaf<number> {
  readonly kind = 'int' as const;
  constructor(
    readonly label: string,
    readonly low: number,
    readonly high: number,
    readonly step = 1,
  ) {
    checkLabel(label);
    if (!Number.isInteger(low) || !Number.isInteger(high) || !Number.isInteger(step) || step <= 0 || high < low) {
      throw new RangeError(`IntRange ${label}: need integers low ≤ high and step > 0; got ${low}, ${high}, ${step}`);
    }
  }
  private get count(): number {
    return Math.floor((this.high - this.low) / this.step) + 1;
  }
  random(rng: Rng): number {
    return this.low + rng.int(this.count) * this.step;
  }
  default(): number {
    return this.low;
  }
  grid(): readonly number[] {
    return Array.from({ length: this.count }, (_, i) => this.low + i * this.step);
  }
  check(value: unknown): string | null {
    if (typeof value === 'number' && Number.isInteger(value) && value >= this.low && value <= this.high && (value - this.low) % this.step === 0) {
      return null;
    }
    return `${this.label}: ${JSON.stringify(value)} is not valid; expected an integer in [${this.low}, ${this.high}] in steps of ${this.step}`;
  }
  neighbours(value: number): number[] {
    return [value - this.step, value + this.step].filter((v) => v >= this.low && v <= this.high);
  }
}

/** A float in [low, high], optionally on a log scale (a learning rate, a width multiplier). */
export class FloatRange implements Leaf<number> {
  readonly kind = 'float' as const;
  constructor(
    readonly label: string,
    readonly low: number,
    readonly high: number,
    readonly options: { log?: boolean; gridSize?: number } = {},
  ) {
    checkLabel(label);
    if (!(Number.isFinite(low) && Number.isFinite(high) && low < high) || (options.log && low <= 0)) {
      throw new RangeError(`FloatRange ${label}: need finite low < high (low > 0 on a log scale); got ${low}, ${high}`);
    }
  }
  private toUnit(v: number): number {
    return this.options.log ? Math.log(v / this.low) / Math.log(this.high / this.low) : (v - this.low) / (this.high - this.low);
  }
  private fromUnit(u: number): number {
    return this.options.log ? this.low * Math.pow(this.high / this.low, u) : this.low + u * (this.high - this.low);
  }
  random(rng: Rng): number {
    return this.fromUnit(rng.float());
  }
  default(): number {
    return this.fromUnit(0.5);
  }
  grid(): readonly number[] {
    const n = this.options.gridSize ?? 5;
    return Array.from({ length: n }, (_, i) => this.fromUnit(n === 1 ? 0.5 : i / (n - 1)));
  }
  check(value: unknown): string | null {
    if (typeof value === 'number' && value >= this.low && value <= this.high) return null;
    return `${this.label}: ${JSON.stringify(value)} is not valid; expected a number in [${this.low}, ${this.high}]`;
  }
  /** The two values a tenth of the range away (in the unit scale), clipped to the range. */
  neighbours(value: number): number[] {
    const u = this.toUnit(value);
    return [u - 0.1, u + 0.1].filter((x) => x >= 0 && x <= 1).map((x) => this.fromUnit(x));
  }
}
