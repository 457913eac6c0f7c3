import { ConfigError } from '../errors.js';
import { Nb201Space } from './nb201.js';
import type { Space } from './types.js';

/** name → factory for every space the CLI and configs can name. One line per space. */
export const SPACES: Readonly<Record<string, () => Space>> = {
  nb201: () => new Nb201Space(),
};

/** The space registered under `name`; throws a `ConfigError` naming the valid names. */
export function createSpace(name: string): Space {
  const make = SPACES[name];
  if (!make) throw new ConfigError('UNKNOWN_SPACE', `unknown space ${JSON.stringify(name)}; valid: ${Object.keys(SPACES).join(', ')}`);
  return make();
}
