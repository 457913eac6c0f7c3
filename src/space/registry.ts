import { ConfigError } from '../errors.js';
import { NB201_OPTIONS, Nb201Space } from './nb201/space.js';
import { NB101_OPTIONS, Nb101Space } from './nb101/space.js';
import { DARTS_OPTIONS, DartsSpace } from './darts/space.js';
import { CHAIN_OPTIONS, ChainSpace } from './chain/space.js';
import { NatsSizeSpace } from './nats-size/space.js';
import { MbconvSpace } from './layerwise/mbconv.js';
import { FbnetSpace } from './layerwise/fbnet.js';
import { LAYERWISE_STAGES, layerwiseDepth, layerwiseOptions } from './layerwise/space.js';
import { resolveOptions, type OptionSpecs, type SpaceOptions } from './options.js';
import type { Space } from './types.js';

/** A registered space: the options it takes and its factory (given resolved options). */
export interface SpaceDefinition {
  readonly options: OptionSpecs;
  /** Builds the space with `options`, already resolved against `options` specs (defaults filled in). */
  create(options: SpaceOptions): Space;
}

const BUILT_IN: Readonly<Record<string, SpaceDefinition>> = {
  nb201: { options: NB201_OPTIONS, create: (o) => new Nb201Space().configure(o) },
  nb101: { options: NB101_OPTIONS, create: (o) => new Nb101Space().configure(o) },
  darts: { options: DARTS_OPTIONS, create: (o) => new DartsSpace().configure(o) },
  chain: { options: CHAIN_OPTIONS, create: (o) => new ChainSpace({ layers: o.layers as number }).configure(o) },
  'nats-size': { options: {}, create: (o) => new NatsSizeSpace().configure(o) },
  mbconv: { options: layerwiseOptions(21), create: (o) => new MbconvSpace({ layers: layerwiseDepth(o, LAYERWISE_STAGES.mbconv) }).configure(o) },
  fbnet: { options: layerwiseOptions(22), create: (o) => new FbnetSpace({ layers: layerwiseDepth(o, LAYERWISE_STAGES.fbnet) }).configure(o) },
};

const definitions: Record<string, SpaceDefinition> = { ...BUILT_IN };

/** name → factory for every space the CLI and configs can name (options: the config's `space.options`). */
export const SPACES: Readonly<Record<string, (options?: Readonly<Record<string, unknown>>) => Space>> = {};

function addFactory(name: string): void {
  (SPACES as Record<string, (options?: Readonly<Record<string, unknown>>) => Space>)[name] = (options) => createSpace(name, options);
}
for (const name of Object.keys(BUILT_IN)) addFactory(name);

/** The options space `name` takes (for docs, `naskit space info` and the CLI). */
export function spaceOptionSpecs(name: string): OptionSpecs {
  return definition(name).options;
}

/** Registers a space (e.g. a model space written with the choice primitives) under `name`. */
export function registerSpace(name: string, def: SpaceDefinition): void {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(name)) throw new TypeError(`registerSpace: the name must be lower-case letters, digits, '-' or '_', got ${JSON.stringify(name)}`);
  if (name in definitions) throw new TypeError(`registerSpace: a space ${JSON.stringify(name)} is registered already`);
  definitions[name] = def;
  addFactory(name);
}

function definition(name: string): SpaceDefinition {
  const def = definitions[name];
  if (!def) throw new ConfigError('UNKNOWN_SPACE', `unknown space ${JSON.stringify(name)}; valid: ${Object.keys(definitions).join(', ')}`);
  return def;
}

/**
 * The space registered under `name`, with its options (defaults filled in) recorded on it; throws a
 * `ConfigError` naming the valid names, or `SPACE_OPTIONS_INVALID` naming a bad option.
 */
export function createSpace(name: string, options?: Readonly<Record<string, unknown>>): Space {
  const def = definition(name);
  return def.create(resolveOptions(name, def.options, options));
}
