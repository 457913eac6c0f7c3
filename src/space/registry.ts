import { ConfigError } from '../errors.js';
import { Nb201Space } from './nb201.js';
import { Nb101Space } from './nb101.js';
import { DartsSpace } from './darts.js';
import { ChainSpace } from './chain.js';
import { NatsSizeSpace } from './nats-size.js';
import { MbconvSpace } from './mbconv.js';
import { FbnetSpace } from './fbnet.js';
import type { Space } from './types.js';

/** name → factory for every space the CLI and configs can name. One line per space. */
export const SPACES: Readonly<Record<string, () => Space>> = {
  nb201: () => new Nb201Space(),
  nb101: () => new Nb101Space(),
  darts: () => new DartsSpace(),
  chain: () => new ChainSpace(),
  'nats-size': () => new NatsSizeSpace(),
  mbconv: () => new MbconvSpace(),
  fbnet: () => new FbnetSpace(),
};

/** The space registered under `name`; throws a `ConfigError` naming the valid names. */
export function createSpace(name: string): Space {
  const make = SPACES[name];
  if (!make) throw new ConfigError('UNKNOWN_SPACE', `unknown space ${JSON.stringify(name)}; valid: ${Object.keys(SPACES).join(', ')}`);
  return make();
}
