import { ConfigError } from '../errors.js';
import type { Space, Value } from './types.js';

/** A space's settings, resolved (defaults filled in): its own (e.g. `layers`) and its network's (e.g. `channels`). */
export type SpaceOptions = Readonly<Record<string, Value>>;

/** One option a space takes: its type, default, range and a line of documentation. */
export interface OptionSpec {
  readonly kind: 'int' | 'number' | 'boolean';
  readonly default: Value;
  readonly min?: number;
  readonly max?: number;
  /** The value must make 1/value an integer (a resolution multiplier 1, 0.5, 0.25, …). */
  readonly reciprocalInteger?: boolean;
  readonly doc: string;
}

/** The options a space takes, by snake_case name. */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/**
 * Checks `given` (a config's `space.options`, or CLI flags) against `specs` and fills in defaults.
 * Throws `ConfigError` `SPACE_OPTIONS_INVALID` naming the option, the value and what is allowed.
 */
export function resolveOptions(space: string, specs: OptionSpecs, given: unknown): SpaceOptions {
  const where = `space ${space}: options`;
  if (given === undefined || given === null) given = {};
  if (typeof given !== 'object' || Array.isArray(given)) throw new ConfigError('SPACE_OPTIONS_INVALID', `${where} must be a mapping of option: value, got ${JSON.stringify(given)}`);
  const out: Record<string, Value> = {};
  const names = Object.keys(specs);
  for (const key of Object.keys(given as object)) {
    if (!(key in specs)) {
      throw new ConfigError('SPACE_OPTIONS_INVALID', `${where}.${key}: unknown option; ${names.length ? `allowed: ${names.join(', ')}` : `${space} takes no options`}`);
    }
  }
  for (const [name, spec] of Object.entries(specs)) {
    const raw = (given as Record<string, unknown>)[name];
    if (raw === undefined) {
      out[name] = spec.default;
      continue;
    }
    const range = `${spec.min ?? '-inf'} to ${spec.max ?? 'inf'}`;
    const bad = (what: string): ConfigError => new ConfigError('SPACE_OPTIONS_INVALID', `${where}.${name}: ${JSON.stringify(raw)} is not valid; expected ${what} (${spec.doc})`);
    if (spec.kind === 'boolean') {
      if (typeof raw !== 'boolean') throw bad('true or false');
    } else {
      if (typeof raw !== 'number' || !Number.isFinite(raw)) throw bad(`a number from ${range}`);
      if (spec.kind === 'int' && !Number.isInteger(raw)) throw bad(`an integer from ${range}`);
      if ((spec.min !== undefined && raw < spec.min) || (spec.max !== undefined && raw > spec.max)) throw bad(`a ${spec.kind === 'int' ? 'integer' : 'number'} from ${range}`);
      if (spec.reciprocalInteger && !Number.isInteger(Math.round(1e9 / raw) / 1e9)) throw bad('1 divided by an integer (1, 0.5, 0.25, ...)');
    }
    out[name] = raw as Value;
  }
  return Object.freeze(out);
}

/**
 * Option `name` of `space`: its resolved value (a space made by the registry carries its options),
 * else the default in `specs` (a space constructed directly has none). For a space's network builder.
 */
export function optionValue(space: Space, specs: OptionSpecs, name: string): Value {
  const spec = specs[name];
  if (!spec) throw new RangeError(`optionValue: space ${space.name} has no option ${JSON.stringify(name)}; options: ${Object.keys(specs).join(', ')}`);
  return space.options?.[name] ?? spec.default;
}
