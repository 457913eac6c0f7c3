import { ConfigError } from '../../errors.js';
import { dispose } from '../../engine/memory.js';
import { Nb201Space } from '../../space/nb201/space.js';
import type { Sample, Space } from '../../space/types.js';
import { proxyBatch } from './batch.js';
import { scoreProxies } from './index.js';
import { nb201Builder } from './nb201.js';
import type { ProxyDataset, ProxyName } from './types.js';
import { rankByProxy } from './warm-start.js';

/** The `warm_start:` section of an experiment config (docs/proxies.md), defaults applied. */
export interface WarmStartSection {
  readonly proxy: ProxyName;
  readonly sample: number;
  readonly top: number;
  readonly dataset: ProxyDataset;
  readonly batch_size: number;
  readonly channels: number;
  readonly cells: number;
}

/**
 * The architectures a config's `warm_start` puts first: `sample` NAS-Bench-201 architectures drawn
 * with `seed`, scored by the proxy on their untrained C×N network (weights from `seed`), the best
 * `top`. Every worker computes it again (deterministic with one libtorch thread).
 */
export async function warmStartSamples(space: Space, dataDir: string, section: WarmStartSection, seed: number): Promise<Sample[]> {
  if (!(space instanceof Nb201Space)) throw new ConfigError('ESTIMATOR_SPACE_MISMATCH', `warm_start scores NAS-Bench-201 networks and needs space: nb201, but the config's space is ${JSON.stringify(space.name)}; remove warm_start`);
  if (section.top > section.sample) throw new ConfigError('CONFIG_INVALID', `warm_start.top (${section.top}) must not exceed warm_start.sample (${section.sample})`);
  const batch = await proxyBatch(dataDir, { dataset: section.dataset, batchSize: section.batch_size, seed });
  try {
    const score = (s: Sample) => {
      const build = nb201Builder(s, { numClasses: batch.numClasses, channels: section.channels, cells: section.cells, seed });
      const v = scoreProxies({ build, batch, seed }, [section.proxy]).scores[section.proxy]!;
      return Number.isNaN(v) ? Number.NEGATIVE_INFINITY : v;
    };
    return (await rankByProxy(space, score, { sample: section.sample, top: section.top, seed })).map((r) => r.sample);
  } finally {
    dispose(batch.images, batch.labels);
  }
}
