/**
 * The zero-cost proxy benchmark behind bench/results/proxies.md: every proxy of `count` NAS-Bench-201
 * architectures (drawn without replacement with `--seed`) on one data set, one JSON line per
 * architecture appended to bench/results/proxies/<dataset>-<setting>.jsonl (a rerun skips what is
 * there, so the run can be stopped and resumed). bench/proxies/report.ts writes the Markdown table.
 *
 *   nice -n 10 node dist/bench/proxies/run.js --dataset cifar10 [--count 1000] [--channels 16 --cells 5 --batch 64] [--seed 0]
 *   node dist/bench/proxies/report.js
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setNumThreads } from '../../src/engine/runtime.js';
import { Nb201Table } from '../../src/space/nb201/table.js';
import { PROXY_NAMES, nb201Builder, proxyBatch, scoreProxies, type ProxyDataset } from '../../src/estimate/proxy/index.js';
import { dataDir, projectRoot } from '../../src/util/paths.js';
import { drawIndices } from './draw.js';

export const OUT = join(projectRoot(), 'bench', 'results', 'proxies');

export function runFile(dataset: string, channels: number, cells: number, batch: number): string {
  return join(OUT, `${dataset}-C${channels}-N${cells}-B${batch}.jsonl`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dataset: { type: 'string', default: 'cifar10' },
      count: { type: 'string', default: '1000' },
      channels: { type: 'string', default: '16' },
      cells: { type: 'string', default: '5' },
      batch: { type: 'string', default: '64' },
      seed: { type: 'string', default: '0' },
      threads: { type: 'string', default: '1' },
    },
  });
  const dataset = values.dataset as ProxyDataset;
  const [count, channels, cells, batchSize, seed] = [values.count, values.channels, values.cells, values.batch, values.seed].map(Number);
  setNumThreads(Number(values.threads));
  const table = Nb201Table.load(dataDir());
  const file = runFile(dataset, channels, cells, batchSize);
  const done = new Set(existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { index: number }).index) : []);
  const batch = await proxyBatch(dataDir(), { dataset, batchSize, seed });
  let n = done.size;
  for (const index of drawIndices(table.size, count, seed)) {
    if (done.has(index)) continue;
    const build = nb201Builder(table.archs[index], { numClasses: batch.numClasses, channels, cells, seed });
    const { scores, seconds } = scoreProxies({ build, batch, seed }, PROXY_NAMES);
    appendFileSync(file, JSON.stringify({ index, arch: table.archs[index], scores, seconds }) + '\n');
    n++;
    if (n % 25 === 0) process.stderr.write(`${dataset}: ${n}/${count}\n`);
  }
}

if (process.argv[1]?.endsWith('run.js')) await main();
