// Storage throughput: trials per second recorded by SQLite and PostgreSQL storage with 1, 4 and 8
// `naskit worker` processes (NB201 tabular estimator, rea, no artificial delay). Not a timed test.
//   npx tsc -p . && node dist/bench/storage/run.js [--trials N] [--delay-ms MS] [--pg URL]
// Prints a Markdown table; the committed results are in bench/results/storage.md.
// Throughput is counted between the first and the last finished trial (storage timestamps), so
// process start-up (loading the NB201 table) is left out.
import { spawn } from 'node:child_process';
import { execSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { validateConfig } from '../../src/experiment/config.js';
import { openStore } from '../../src/experiment/open-store.js';
import { projectRoot } from '../../src/util/paths.js';
import type { Json } from '../../src/util/json.js';
import { machineLine } from '../machine.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const TRIALS = Number(arg('--trials', '2000'));
// An artificial per-trial cost (estimator.delay_ms): 0 measures the storage alone; > 0 shows how workers overlap evaluations.
const DELAY_MS = Number(arg('--delay-ms', '0'));
const PG = arg('--pg', 'postgresql://postgres@127.0.0.1:5432/test');
const bin = join(projectRoot(), 'bin', 'naskit.js');

async function measure(url: string, workers: number): Promise<{ perSecond: number; seconds: number }> {
  const store = await openStore(url);
  const config = validateConfig({
    name: `bench-${workers}`,
    space: 'nb201',
    strategy: { name: 'rea' },
    estimator: { name: 'tabular', benchmark: 'nb201', dataset: 'cifar10', signal: 'valid_12ep', delay_ms: DELAY_MS },
    budget: { trials: TRIALS },
    seed: 0,
  });
  const experiment = await store.createExperiment({ name: config.name, config: config as unknown as Json, seed: 0 });
  await Promise.all(
    Array.from({ length: workers }, () =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(process.execPath, [bin, 'worker', '--experiment', config.name, '--storage', url, '--json'], { stdio: ['ignore', 'ignore', 'inherit'] });
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker exited ${code}`))));
      }),
    ),
  );
  const trials = await store.trials(experiment.id);
  await store.close();
  if (trials.length !== TRIALS || trials.some((t) => t.state !== 'complete')) throw new Error(`bench: ${trials.length} trials, expected ${TRIALS} complete`);
  const finished = trials.map((t) => t.finished!).sort((a, b) => a - b);
  const seconds = (finished.at(-1)! - finished[0]) / 1000;
  return { perSecond: (TRIALS - 1) / seconds, seconds };
}

const schema = `naskit_bench_${process.pid}`;
const rows: string[] = [];
try {
  for (const backend of ['sqlite', 'postgresql'] as const) {
    for (const workers of [1, 4, 8]) {
      const url = backend === 'sqlite' ? `sqlite://${join(mkdtempSync(join(tmpdir(), 'naskit-bench-')), 'bench.db')}` : `${PG}?schema=${schema}_${workers}`;
      const r = await measure(url, workers);
      rows.push(`| ${backend} | ${workers} | ${TRIALS} | ${r.seconds.toFixed(1)} | ${r.perSecond.toFixed(0)} |`);
      process.stderr.write(`${rows.at(-1)}\n`);
    }
  }
} finally {
  const client = new pg.Client({ connectionString: PG });
  await client.connect();
  for (const w of [1, 4, 8]) await client.query(`DROP SCHEMA IF EXISTS ${schema}_${w} CASCADE`);
  await client.end();
}
const load = execSync('cat /proc/loadavg', { encoding: 'utf8' }).trim();
process.stdout.write(
  [
    `Machine: ${machineLine()}`,
    `uname -a: ${execSync('uname -a', { encoding: 'utf8' }).trim()}`,
    `Date: ${new Date().toISOString()}; load average at the end: ${load}; estimator.delay_ms: ${DELAY_MS}`,
    '',
    '| storage | workers | trials | seconds (first to last finish) | trials/s |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
  ].join('\n'),
);
