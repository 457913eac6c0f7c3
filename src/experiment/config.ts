import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { SPACES, createSpace } from '../space/registry.js';
import { STRATEGIES, createStrategy } from '../strategy/registry.js';
import { estimatorDefinition } from './estimators.js';
import { PRUNER_FIELDS, PrunerSchema, type PrunerConfig } from './pruner.js';
import { renameDeprecated } from '../util/deprecated.js';
import { PROXY_DATASETS, PROXY_NAMES } from '../estimate/proxy/types.js';
import type { WarmStartSection } from '../estimate/proxy/warm-start-samples.js';

/** The fields of each section, for "unknown field" messages. */
const FIELDS: Readonly<Record<string, readonly string[]>> = {
  '': ['name', 'space', 'strategy', 'estimator', 'budget', 'seed', 'final', 'export', 'workers', 'pruner', 'warm_start'],
  space: ['name', 'options'],
  pruner: ['name', 'warmup_steps', 'min_trials'],
  strategy: ['name', 'options'],
  budget: ['trials', 'seconds', 'wall_seconds'],
  final: ['report'],
  workers: ['heartbeat_seconds', 'stale_seconds'],
  warm_start: ['proxy', 'sample', 'top', 'dataset', 'batch_size', 'channels', 'cells'],
};

function schema() {
  // Built on each call: other parts of naskit register spaces and strategies.
  const names = (record: Readonly<Record<string, unknown>>) => Object.keys(record) as [string, ...string[]];
  return z.strictObject({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'must be 1–100 letters, digits, ".", "_" or "-", starting with a letter or digit'),
    // A name, or {name, options}; the validated config holds the name and `space_options` apart.
    space: z.union([z.string(), z.strictObject({ name: z.string(), options: z.record(z.string(), z.unknown()).default({}) })]),
    // The validated (stored) form of space.options; users write space: {name, options}.
    space_options: z.record(z.string(), z.unknown()).optional(),
    strategy: z.strictObject({
      name: z.enum(names(STRATEGIES)),
      options: z.record(z.string(), z.unknown()).default({}),
    }),
    estimator: z.looseObject({ name: z.string() }),
    budget: z
      .strictObject({
        trials: z.number().int().positive().optional(),
        seconds: z.number().positive().optional(),
        wall_seconds: z.number().positive().optional(),
      })
      .refine((b) => b.trials !== undefined || b.seconds !== undefined || b.wall_seconds !== undefined, 'give at least one of trials, seconds, wall_seconds'),
    seed: z.number().int().min(0).max(2 ** 32 - 1).default(0),
    final: z.strictObject({ report: z.boolean().default(true) }).default({ report: true }),
    export: z.union([z.string().min(1), z.literal(false)]).optional(),
    workers: z
      .strictObject({
        heartbeat_seconds: z.number().positive().default(10),
        stale_seconds: z.number().positive().default(60),
      })
      .default({ heartbeat_seconds: 10, stale_seconds: 60 }),
    pruner: PrunerSchema,
    // The proxy's top architectures are the first trials (docs/proxies.md, "As a warm start").
    warm_start: z
      .strictObject({
        proxy: z.enum(PROXY_NAMES),
        sample: z.number().int().positive().default(1000),
        top: z.number().int().positive().default(10),
        dataset: z.enum(PROXY_DATASETS).default('cifar10'),
        batch_size: z.number().int().min(2).default(64),
        channels: z.number().int().min(1).max(256).default(16),
        cells: z.number().int().min(1).max(10).default(5),
      })
      .refine((w) => w.top <= w.sample, 'top must not exceed sample')
      .optional(),
  });
}

/** A validated experiment config with every default filled in (see docs/experiments.md). */
export interface ExperimentConfig {
  readonly name: string;
  /** The space's registered name. */
  readonly space: string;
  /** The space's options as the config gives them (`space: {name, options}`); defaults are the space's own. */
  readonly space_options: Readonly<Record<string, unknown>>;
  readonly strategy: { readonly name: string; readonly options: Readonly<Record<string, unknown>> };
  /** The estimator's section, validated by its registered schema (defaults applied). */
  readonly estimator: Readonly<Record<string, unknown>> & { readonly name: string };
  readonly budget: { readonly trials?: number; readonly seconds?: number; readonly wall_seconds?: number };
  readonly seed: number;
  readonly final: { readonly report: boolean };
  /** Path of the exported model file (relative to the working folder); false for none. */
  readonly export: string | false;
  readonly workers: { readonly heartbeat_seconds: number; readonly stale_seconds: number };
  /** Early stopping of trials by their learning curves (estimators that report one, e.g. `train`). */
  readonly pruner: PrunerConfig;
  /** Proxy-ranked first trials, or absent (docs/proxies.md). */
  readonly warm_start?: WarmStartSection;
}

/**
 * Validates a parsed config. Errors are one `ConfigError` (`CONFIG_INVALID`) whose message names
 * each bad field by its path, what was given and what is allowed. `where` prefixes the message
 * (the file name).
 */
export function validateConfig(input: unknown, where = 'config'): ExperimentConfig {
  const result = schema().safeParse(input, { reportInput: true });
  if (!result.success) throw new ConfigError('CONFIG_INVALID', `${where}: ${result.error.issues.map((i) => describeIssue(i)).join('; ')}`);
  const c = result.data;
  const spaceName = typeof c.space === 'string' ? c.space : c.space.name;
  if (!(spaceName in SPACES)) {
    throw new ConfigError('CONFIG_INVALID', `${where}: ${typeof c.space === 'string' ? 'space' : 'space.name'}: must be one of ${Object.keys(SPACES).join(', ')}, got ${JSON.stringify(spaceName)}`);
  }
  if (typeof c.space !== 'string' && c.space_options !== undefined) {
    throw new ConfigError('CONFIG_INVALID', `${where}: space_options: give the options once, in space.options`);
  }
  const spaceOptions = typeof c.space === 'string' ? (c.space_options ?? {}) : c.space.options;
  let space;
  try {
    space = createSpace(spaceName, spaceOptions);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(error.code === 'SPACE_OPTIONS_INVALID' ? 'CONFIG_INVALID' : error.code, `${where}: ${error.message}`);
    throw error;
  }
  let estimator: Record<string, unknown>;
  try {
    const def = estimatorDefinition(c.estimator.name);
    const section = renameDeprecated('estimator', c.estimator, def.deprecated ?? {}, 'CONFIG_INVALID');
    const parsed = def.schema.safeParse(section, { reportInput: true });
    if (!parsed.success) {
      throw new ConfigError('CONFIG_INVALID', parsed.error.issues.map((i) => describeIssue({ ...i, path: ['estimator', ...i.path] }, def.fields)).join('; '));
    }
    estimator = parsed.data;
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(error.code, `${where}: ${error.message}`);
    throw error;
  }
  try {
    // The strategy's factory checks its options; a bad one is reported now, not after the first trials.
    createStrategy(c.strategy.name, { space, seed: c.seed }, c.strategy.options);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(error.code, `${where}: strategy.options: ${error.message}`);
    throw error;
  }
  const { name, space: _space, space_options: _options, ...rest } = c;
  return {
    name,
    space: spaceName,
    space_options: spaceOptions,
    ...rest,
    estimator: estimator as ExperimentConfig['estimator'],
    export: c.export ?? `.naskit/exports/${c.name}.json`,
  };
}

/** Reads and validates a YAML config file. */
export function loadConfig(path: string): ExperimentConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError('CONFIG_UNREADABLE', `${path}: cannot read the config file (${(error as Error).message}); give the path of a YAML file such as configs/nb201-rea.yaml`);
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new ConfigError('CONFIG_NOT_YAML', `${path}: not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError('CONFIG_INVALID', `${path}: the config must be a YAML mapping with at least name, space, strategy, estimator, budget`);
  }
  return validateConfig(data, path);
}

interface Issue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly input?: unknown;
  readonly values?: readonly unknown[];
  readonly keys?: readonly string[];
  readonly expected?: unknown;
  readonly options?: readonly unknown[];
  readonly discriminator?: string;
}

function describeIssue(issue: Issue, estimatorFields?: readonly string[]): string {
  const path = issue.path.map(String).join('.');
  const field = path || '(top level)';
  if (issue.code === 'invalid_value' && issue.values) {
    return `${field}: must be one of ${issue.values.map((v) => String(v)).join(', ')}, got ${JSON.stringify(issue.input)}`;
  }
  // A section chosen by its `name` (the pruner): the names it takes.
  if (issue.code === 'invalid_union' && issue.options && issue.discriminator) {
    return `${field}: must be one of ${issue.options.map((v) => String(v)).join(', ')}, got ${JSON.stringify((issue.input as Record<string, unknown> | undefined)?.[issue.discriminator])}`;
  }
  if (issue.code === 'unrecognized_keys' && issue.keys) {
    const chosen = path === 'pruner' ? PRUNER_FIELDS[(issue.input as { name?: PrunerConfig['name'] } | undefined)?.name ?? 'none'] : undefined;
    const allowed = path === 'estimator' || path.startsWith('estimator') ? (estimatorFields ?? []) : (chosen ?? FIELDS[path] ?? []);
    return `${issue.keys.map((k) => (path ? `${path}.${k}` : k)).join(', ')}: unknown field; allowed fields${path ? ` of ${path}` : ''}: ${allowed.join(', ')}`;
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) return `${field}: required field is missing (expected ${String(issue.expected)})`;
  return `${field}: ${issue.message}${issue.input !== undefined && typeof issue.input !== 'object' ? `, got ${JSON.stringify(issue.input)}` : ''}`;
}
