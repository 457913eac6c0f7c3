/**
 * Strategy overhead: the time a strategy spends in 10,000 ask/tell pairs on the NB201 space, the
 * table look-up excluded (as `ms_per_query` in `naskit bench nb201`). Target (issue 3): under 1 s
 * for random search and regularized evolution. Each configuration runs 5 times in one process
 * after one warm-up run; the table reports the median and the fastest.
 *
 *   npx tsc -p . && node dist/bench/strategy-overhead/run.js [--write]
 *
 * `--write` rewrites bench/results/strategy-overhead.md.
 */
import { execSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Nb201Table } from '../../src/space/nb201/table.js';
import { TabularEstimator } from '../../src/estimate/tabular.js';
import { Nb201Space } from '../../src/space/nb201/space.js';
import { createStrategy } from '../../src/strategy/registry.js';
import { dataDir, projectRoot } from '../../src/util/paths.js';
import { machineLine } from '../machine.js';

const PAIRS = 10_000;
const REPEATS = 5;

const CONFIGS: readonly { strategy: string; options: Record<string, unknown>; label: string }[] = [
  { strategy: 'random', options: {}, label: 'random' },
  { strategy: 'rea', options: { dedup: false }, label: 'rea, population 10, sample 3, no dedup (the paper)' },
  { strategy: 'rea', options: {}, label: 'rea, registered default (deduplicated)' },
  { strategy: 'local', options: {}, label: 'local (default)' },
  { strategy: 'ga', options: {}, label: 'ga (default, deduplicated)' },
  { strategy: 'reinforce', options: {}, label: 'reinforce (default, deduplicated)' },
];

const table = Nb201Table.load(dataDir());
const space = new Nb201Space();
const estimator = new TabularEstimator(table, space);

/** Milliseconds inside ask and tell for one run of PAIRS sequential pairs. */
function run(strategy: string, options: Record<string, unknown>, seed: number): number {
  const s = createStrategy(strategy, { space, seed }, options);
  let ms = 0;
  for (let trial = 0; trial < PAIRS; trial++) {
    let t0 = performance.now();
    const { sample } = s.ask();
    ms += performance.now() - t0;
    const { value } = estimator.query(sample);
    t0 = performance.now();
    s.tell({ trial, sample, state: 'complete', value });
    ms += performance.now() - t0;
  }
  return ms;
}

const rows: string[] = [];
for (const c of CONFIGS) {
  run(c.strategy, c.options, 0);
  const times = Array.from({ length: REPEATS }, (_, i) => run(c.strategy, c.options, i + 1)).sort((a, b) => a - b);
  const median = times[Math.floor(REPEATS / 2)];
  const row = `| ${c.label} | ${(median / 1000).toFixed(3)} | ${(times[0] / 1000).toFixed(3)} | ${((median * 1000) / PAIRS).toFixed(1)} |`;
  rows.push(row);
  console.log(row);
}

const doc = `# Strategy overhead: 10,000 ask/tell pairs on NB201

Time spent inside \`ask\` and \`tell\` for 10,000 sequential pairs on the NAS-Bench-201 space (CIFAR-10,
signal \`valid_12ep\`; the table look-up between them is not timed). ${REPEATS} runs per row (seeds 1–${REPEATS}) after a
warm-up run, all in one process. Target (issue 3): under 1 s for random search and regularized evolution.

Produced by \`npx tsc -p . && node dist/bench/strategy-overhead/run.js --write\`.

- Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC
- Machine: ${machineLine()}
- \`uname -a\`: ${execSync('uname -a', { encoding: 'utf8' }).trim()}; \`node -v\`: ${process.version}
- Load average at the end (1/5/15 min): ${loadavg().map((x) => x.toFixed(2)).join(' / ')} (the 2 cores were shared with other work)

| strategy | median s / 10,000 | fastest s / 10,000 | µs per pair (median) |
|---|---|---|---|
${rows.join('\n')}

Notes: a deduplicated strategy that has converged proposes mostly architectures it has already
seen (the deduplicated rea reached about 3,200 of NB201's 6,466 isomorphism classes in 10,000 asks
when measured on 3 seeds); then each ask spends up to \`dedup_tries\` (3) extra inner proposals,
each with an isomorphism key, before letting a duplicate through: that is the cost in the
deduplicated rows. Local search never proposes an architecture twice while it can help it, so
once most of the space has been seen, each random restart draw tries up to 20 samples.
`;
if (process.argv.includes('--write')) writeFileSync(join(projectRoot(), 'bench', 'results', 'strategy-overhead.md'), doc);
