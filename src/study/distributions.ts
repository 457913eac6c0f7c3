import { SampleError } from '../errors.js';
import { Categorical, FloatRange, IntRange } from '../space/choice.js';
import type { Leaf, Value } from '../space/types.js';

/**
 * What a `suggest*` call asked for: the distribution of one parameter, as plain JSON so that it is
 * stored with the trial and compared across trials and processes.
 */
export type Distribution =
  | { readonly kind: 'categorical'; readonly choices: readonly Value[] }
  | { readonly kind: 'int'; readonly low: number; readonly high: number; readonly step: number }
  | { readonly kind: 'float'; readonly low: number; readonly high: number; readonly log: boolean };

const NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;

/** Throws `SampleError` `PARAM_BAD_NAME` unless `name` can label a leaf of a space. */
export function checkParamName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new SampleError(
      'PARAM_BAD_NAME',
      `suggest: parameter name ${JSON.stringify(name)} is not allowed; use letters, digits, '_' or '.', starting with a letter or '_' (e.g. "lr", "layer_2.width")`,
      typeof name === 'string' ? name : null,
    );
  }
}

function badRange(name: string, what: string): never {
  throw new SampleError('PARAM_BAD_RANGE', `suggest ${JSON.stringify(name)}: ${what}`, name);
}

/** The distribution of `suggestCategorical(name, choices)`, validated. */
export function categorical(name: string, choices: readonly unknown[]): Distribution {
  if (!Array.isArray(choices) || choices.length === 0) badRange(name, `choices must be a non-empty array, got ${JSON.stringify(choices)}`);
  for (const c of choices) {
    const ok = typeof c === 'string' || typeof c === 'boolean' || (typeof c === 'number' && Number.isFinite(c));
    if (!ok) badRange(name, `choice ${JSON.stringify(c) ?? String(c)} is not a string, a finite number or a boolean (choices are stored as JSON)`);
  }
  if (new Set(choices).size !== choices.length) badRange(name, `choices must be distinct, got ${JSON.stringify(choices)}`);
  return { kind: 'categorical', choices: Object.freeze(choices.slice() as Value[]) };
}

/** The distribution of `suggestInt(name, low, high, {step})`, validated. */
export function intRange(name: string, low: number, high: number, step = 1): Distribution {
  if (!Number.isInteger(low) || !Number.isInteger(high)) badRange(name, `low and high must be integers, got ${low} and ${high}`);
  if (high < low) badRange(name, `low (${low}) must not exceed high (${high})`);
  if (!Number.isInteger(step) || step <= 0) badRange(name, `step must be a positive integer, got ${step}`);
  if ((high - low) % step !== 0) badRange(name, `high − low (${high - low}) must be a multiple of step (${step})`);
  return { kind: 'int', low, high, step };
}

/** The distribution of `suggestFloat(name, low, high, {log})`, validated. */
export function floatRange(name: string, low: number, high: number, log = false): Distribution {
  if (!Number.isFinite(low) || !Number.isFinite(high)) badRange(name, `low and high must be finite numbers, got ${low} and ${high}`);
  if (!(low < high)) badRange(name, `low (${low}) must be below high (${high}); for a fixed value, do not suggest it`);
  if (log && low <= 0) badRange(name, `a log scale needs low > 0, got ${low}`);
  return { kind: 'float', low, high, log };
}

/** One line describing a distribution, for error messages. */
export function describe(d: Distribution): string {
  switch (d.kind) {
    case 'categorical':
      return `categorical ${JSON.stringify(d.choices)}`;
    case 'int':
      return `int [${d.low}, ${d.high}]${d.step !== 1 ? ` step ${d.step}` : ''}`;
    case 'float':
      return `float [${d.low}, ${d.high}]${d.log ? ' log' : ''}`;
  }
}

/** Whether two distributions are the same (same kind, bounds, step/scale, choices in order). */
export function sameDistribution(a: Distribution, b: Distribution): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The leaf of a space that this distribution is: the learnt space is built from these. */
export function toLeaf(name: string, d: Distribution): Leaf {
  switch (d.kind) {
    case 'categorical':
      return new Categorical(name, d.choices);
    case 'int':
      return new IntRange(name, d.low, d.high, d.step);
    case 'float':
      return new FloatRange(name, d.low, d.high, { log: d.log });
  }
}

/** Reads a stored distribution back (from a trial's params); null when it is not one. */
export function parseDistribution(json: unknown): Distribution | null {
  if (typeof json !== 'object' || json === null) return null;
  const d = json as Record<string, unknown>;
  if (d.kind === 'categorical' && Array.isArray(d.choices)) return { kind: 'categorical', choices: d.choices as Value[] };
  if (d.kind === 'int' && typeof d.low === 'number' && typeof d.high === 'number' && typeof d.step === 'number') return { kind: 'int', low: d.low, high: d.high, step: d.step };
  if (d.kind === 'float' && typeof d.low === 'number' && typeof d.high === 'number') return { kind: 'float', low: d.low, high: d.high, log: d.log === true };
  return null;
}
