import { ConfigError } from '../../errors.js';
import type { EncodingName, Sample, Space } from '../../space/types.js';

/** Encodings a model-based strategy can be asked for; `auto` = `path` where the space offers it, else `onehot`. */
export const ENCODING_CHOICES = ['auto', 'onehot', 'adjacency', 'path'] as const;
export type EncodingChoice = (typeof ENCODING_CHOICES)[number];

/** Resolves `auto` and checks that the space offers the encoding (a `ConfigError` otherwise). */
export function resolveEncoding(strategy: string, space: Space, choice: EncodingChoice): EncodingName {
  const offered = space.encodings();
  if (choice === 'auto') return offered.includes('path') ? 'path' : 'onehot';
  if (!offered.includes(choice)) {
    throw new ConfigError('BAD_STRATEGY_OPTION', `${strategy}: option encoding = ${JSON.stringify(choice)} is not offered by the space ${space.name}; valid: auto, ${offered.join(', ')}`);
  }
  return choice;
}

/** Encodes samples into Float64Arrays, remembering each (encoding is pure, so the cache changes nothing but speed). */
export class EncodingCache {
  private readonly cache = new Map<string, Float64Array>();
  constructor(
    private readonly space: Space,
    readonly encoding: EncodingName,
  ) {}

  encode(sample: Sample): Float64Array {
    const key = this.space.key(sample);
    let vector = this.cache.get(key);
    if (!vector) {
      vector = Float64Array.from(this.space.encode(sample, this.encoding));
      this.cache.set(key, vector);
    }
    return vector;
  }
}
