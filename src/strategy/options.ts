import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { renameDeprecated, type Deprecations } from '../util/deprecated.js';

export type { Deprecations } from '../util/deprecated.js';

/**
 * Validates a strategy's options against its zod schema (a strict object whose fields carry their
 * defaults) and turns the first problem into a `ConfigError` that names the strategy, the option,
 * the value given and what is allowed. Unknown options are refused with the list of valid ones,
 * because a misspelt option silently falling back to its default is the worst outcome.
 */
export function parseStrategyOptions<S extends z.ZodObject>(
  strategy: string,
  schema: S,
  options: object | undefined,
  deprecated: Deprecations = {},
): z.output<S> {
  const given = renameDeprecated(strategy, (options ?? {}) as Readonly<Record<string, unknown>>, deprecated);
  const result = schema.safeParse(given);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const valid = Object.keys(schema.shape).join(', ');
  if (issue.code === 'unrecognized_keys') {
    throw new ConfigError('BAD_STRATEGY_OPTION', `${strategy}: unknown option ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}; valid options: ${valid}`);
  }
  const name = issue.path.map(String).join('.') || '(options)';
  const value = issue.path.length > 0 ? (given as Record<string, unknown>)[String(issue.path[0])] : given;
  throw new ConfigError('BAD_STRATEGY_OPTION', `${strategy}: option ${name} = ${JSON.stringify(value)} is not allowed: ${issue.message}`);
}

/** An integer option in [min, max] with a default; the message states the range. */
export function intOption(min: number, max: number, fallback: number): z.ZodDefault<z.ZodNumber> {
  const range = Number.isFinite(max) ? `an integer from ${min} to ${max}` : `an integer ≥ ${min}`;
  return z.number({ error: `expected ${range}` }).int({ error: `expected ${range}` }).min(min, { error: `expected ${range}` }).max(max, { error: `expected ${range}` }).default(fallback);
}

/** A number option in [min, max] with a default; the message states the range. */
export function numberOption(min: number, max: number, fallback: number): z.ZodDefault<z.ZodNumber> {
  const range = `a number from ${min} to ${max}`;
  return z.number({ error: `expected ${range}` }).min(min, { error: `expected ${range}` }).max(max, { error: `expected ${range}` }).default(fallback);
}

/** One of a fixed list of strings, with a default; the message lists the choices. */
export function enumOption<const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]): z.ZodDefault<z.ZodEnum<{ [K in T[number]]: K }>> {
  const list = values.map((v) => JSON.stringify(v)).join(', ');
  return z.enum(values, { error: `expected one of ${list}` }).default(fallback as never) as never;
}

