/**
 * Zero-cost proxies: scores of an untrained network from one minibatch (docs/proxies.md). They take
 * any engine network (through a {@link NetworkBuilder}) and a batch, so they apply to every space
 * that builds networks.
 */
import { ConfigError } from '../../errors.js';
import { gradientFamily, graspFamily } from './gradient.js';
import { jacobCovFamily } from './jacob-cov.js';
import { naswotFamily } from './naswot.js';
import { sizeFamily } from './size.js';
import { synflowFamily } from './synflow.js';
import { PROXY_NAMES, type ProxyFamily, type ProxyInput, type ProxyName, type ProxyScores } from './types.js';
import { zenFamily } from './zen.js';

export { PROXY_NAMES, PROXY_DATASETS, PROXY_DATASET_CLASSES, type ProxyDataset, type NetworkBuilder, type ProxyBatch, type ProxyFamily, type ProxyInput, type ProxyName, type ProxyScores } from './types.js';
export { proxyBatch, type ProxyBatchOptions } from './batch.js';
export { nb201Builder } from './nb201.js';

/** Every family, in the order they run. */
export const PROXY_FAMILIES: readonly ProxyFamily[] = [synflowFamily, gradientFamily, graspFamily, jacobCovFamily, naswotFamily, zenFamily, sizeFamily];

/** Checks proxy names (from a config or the command line); `CONFIG_INVALID` names the bad one and the valid ones. */
export function parseProxyNames(names: readonly string[], where = 'proxy'): ProxyName[] {
  if (names.length === 0) throw new ConfigError('CONFIG_INVALID', `${where}: give at least one proxy: ${PROXY_NAMES.join(', ')}`);
  for (const n of names) {
    if (!(PROXY_NAMES as readonly string[]).includes(n)) throw new ConfigError('CONFIG_INVALID', `${where}: unknown proxy ${JSON.stringify(n)}; valid: ${PROXY_NAMES.join(', ')}`);
  }
  return [...new Set(names)] as ProxyName[];
}

/** Scores and the seconds each family took (measured, wall clock). */
export interface ProxyResult {
  readonly scores: ProxyScores;
  readonly seconds: number;
}

/**
 * Computes the named proxies of one network: each family builds its own network from
 * `input.build`, runs one pass (two for grasp and zen) and disposes it. Families whose proxies are
 * not asked for do not run.
 */
export function scoreProxies(input: ProxyInput, names: readonly ProxyName[]): ProxyResult {
  const start = performance.now();
  const scores: ProxyScores = {};
  for (const family of PROXY_FAMILIES) {
    const wanted = family.names.filter((n) => names.includes(n));
    if (wanted.length > 0) Object.assign(scores, family.compute(input, wanted));
  }
  return { scores, seconds: (performance.now() - start) / 1000 };
}
