import type { Command } from 'commander';
import { setNumThreads } from '../engine/runtime.js';
import { dispose } from '../engine/memory.js';
import { Nb201Table } from '../space/nb201/table.js';
import { PROXY_DATASETS, PROXY_NAMES, nb201Builder, parseProxyNames, proxyBatch, scoreProxies, type ProxyDataset } from '../estimate/proxy/index.js';
import { Nb201Space } from '../space/nb201/space.js';
import { Rng } from '../util/rng.js';
import { envThreads, log, printJson, printLine, type CliContext } from './context.js';
import { UsageError } from './errors.js';

/** The spaces whose networks the proxies can score today. */
const PROXY_SPACES = ['nb201'] as const;

interface ProxyCliOptions {
  space: string;
  arch?: string;
  sample?: string;
  proxy: string;
  dataset: string;
  batch: string;
  seed: string;
  json?: boolean;
}

function nonNegativeInt(value: string, name: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  return n;
}

function tableOrNull(dataDir: string): Nb201Table | null {
  try {
    return Nb201Table.load(dataDir);
  } catch {
    return null;
  }
}

/** `naskit proxy`: zero-cost proxy scores of one architecture or of a seeded sample (CONTRACT.md). */
export function registerProxy(program: Command, context: CliContext): void {
  program
    .command('proxy')
    .description('zero-cost proxy scores of untrained networks (docs/proxies.md)')
    .requiredOption('--space <name>', `space: ${PROXY_SPACES.join(', ')}`)
    .option('--arch <arch>', 'an arch string, or an index of the space\'s table')
    .option('--sample <K>', 'score K architectures drawn uniformly with --seed')
    .requiredOption('--proxy <names>', `comma-separated: ${PROXY_NAMES.join(', ')}`)
    .option('--dataset <name>', `${PROXY_DATASETS.join(', ')} (cifar100 and ImageNet16-120: CIFAR-10 images with that data set's class count)`, 'cifar10')
    .option('--batch <B>', 'images in the minibatch', '64')
    .option('--seed <S>', 'seed of the weights, the batch and the sample', '0')
    .option('--json', 'print one JSON document')
    .action(async (options: ProxyCliOptions) => {
      if (!(PROXY_SPACES as readonly string[]).includes(options.space)) throw new UsageError(`--space ${JSON.stringify(options.space)}: proxies build the network of an architecture, which only ${PROXY_SPACES.join(', ')} has today`);
      if ((options.arch === undefined) === (options.sample === undefined)) throw new UsageError('give exactly one of --arch ARCH and --sample K');
      if (!(PROXY_DATASETS as readonly string[]).includes(options.dataset)) throw new UsageError(`--dataset ${JSON.stringify(options.dataset)} is unknown; valid: ${PROXY_DATASETS.join(', ')}`);
      let proxies;
      try {
        proxies = parseProxyNames(options.proxy.split(',').map((s) => s.trim()).filter(Boolean), '--proxy');
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      const batchSize = nonNegativeInt(options.batch, 'batch', 2);
      const seed = nonNegativeInt(options.seed, 'seed', 0);
      const space = new Nb201Space();
      const table = tableOrNull(context.dataDir);
      let archs: string[];
      if (options.arch !== undefined) {
        if (/^\d+$/.test(options.arch)) {
          if (!table) throw new UsageError(`--arch ${options.arch}: an index needs the NAS-Bench-201 table, which is not in ${context.dataDir}; give an arch string`);
          const i = Number(options.arch);
          if (i >= table.size) throw new UsageError(`--arch ${options.arch}: the NAS-Bench-201 table has indices 0-${table.size - 1}`);
          archs = [table.archs[i]];
        } else archs = [space.format(space.parse(options.arch))];
      } else {
        const k = nonNegativeInt(options.sample!, 'sample', 1);
        const rng = new Rng(seed);
        archs = Array.from({ length: k }, () => space.format(space.random(rng)));
      }
      setNumThreads(envThreads(context) ?? 1);
      const dataset = options.dataset as ProxyDataset;
      const batch = await proxyBatch(context.dataDir, { dataset, batchSize, seed });
      const results = [];
      try {
        for (const arch of archs) {
          const build = nb201Builder(arch, { numClasses: batch.numClasses, seed });
          const { scores, seconds } = scoreProxies({ build, batch, seed }, proxies);
          const index = table ? table.indexOf(arch) : null;
          results.push({ arch, index, scores: Object.fromEntries(proxies.map((p) => [p, Number.isFinite(scores[p]!) ? scores[p]! : null])), seconds: Math.round(seconds * 1000) / 1000 });
          log(context, `proxy: ${arch} ${proxies.map((p) => `${p}=${scores[p]}`).join(' ')}`);
        }
      } finally {
        dispose(batch.images, batch.labels);
      }
      const report = { space: options.space, dataset, proxies, results };
      if (options.json) printJson(context, report);
      else for (const r of results) printLine(context, `${r.index ?? '-'}\t${r.arch}\t${proxies.map((p) => `${p}=${r.scores[p]}`).join('\t')}\t${r.seconds}s`);
    });
}
