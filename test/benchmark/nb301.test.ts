import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runNb301Benchmark } from '../../src/benchmark/nb301.js';
import { Nb301Surrogate } from '../../src/estimate/nb301-surrogate.js';
import { DartsSpace } from '../../src/space/darts/space.js';
import { projectRoot } from '../../src/util/paths.js';
import { testDataDir } from '../helpers/data.js';

const bin = join(projectRoot(), 'bin', 'naskit.js');
function naskit(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `bench nb201`'s contract fields without `optimum` and `signal_optimum` (unknown on a surrogate), plus `best`. */
const FIELDS = ['benchmark', 'strategy', 'signal', 'report', 'seeds', 'queries', 'budget_seconds', 'final', 'curve', 'signal_final', 'ms_per_query', 'best'];

test('bench nb301: seeds run in lock step give exactly what each seed gives alone', async () => {
  const surrogate = await Nb301Surrogate.load(testDataDir());
  const together = await runNb301Benchmark(surrogate, { strategy: 'rea', seeds: 3, seed_base: 4, queries: 40 });
  const alone = await Promise.all([4, 5, 6].map((seed_base) => runNb301Benchmark(surrogate, { strategy: 'rea', seeds: 1, seed_base, queries: 40 })));
  assert.deepEqual(together.per_seed, alone.map((r) => r.per_seed[0]));
  assert.deepEqual(together.per_seed_curve, [0, 1, 2, 3].map((i) => alone.map((r) => r.per_seed_curve[i][0])));
  // The best-so-far never gets worse along a full-fidelity search, and the best genotype is one of the seeds'.
  for (const seed of alone) for (let i = 1; i < seed.per_seed_curve.length; i++) assert.ok(seed.per_seed_curve[i][0] >= seed.per_seed_curve[i - 1][0]);
  assert.equal(together.best.predicted, Math.max(...alone.map((r) => r.best.predicted)));
  new DartsSpace().parse(together.best.genotype);
});

test('bench nb301: a multi-fidelity strategy under a time budget spends at most the budget and reports at 98 epochs', async () => {
  const surrogate = await Nb301Surrogate.load(testDataDir());
  const r = await runNb301Benchmark(surrogate, { strategy: 'asha', seeds: 2, budget_seconds: 60_000 });
  assert.equal(r.budget_seconds, 60_000);
  assert.equal(r.fidelity, 'epochs');
  // 60,000 s are about 12 evaluations at 98 epochs; on the epoch axis ASHA makes many more.
  assert.ok(r.queries > 30, `queries ${r.queries}`);
  assert.equal(r.report, 'valid_98ep');
  assert.ok(r.final.mean > 85 && r.final.mean < 95);
});

test('cli: bench nb301 --json prints one document with the contract fields', () => {
  const r = naskit(['bench', 'nb301', '--strategy', 'random', '--seeds', '2', '--queries', '20', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  for (const key of FIELDS) assert.ok(key in doc, `missing ${key}`);
  assert.ok(!('optimum' in doc));
  assert.equal(doc.benchmark, 'nb301');
  assert.equal(doc.signal, 'valid_98ep');
  assert.equal(doc.seeds, 2);
  assert.equal(doc.queries, 20);
  assert.deepEqual(Object.keys(doc.final).sort(), ['max', 'mean', 'min', 'std']);
  assert.deepEqual(doc.curve.map((p: { queries: number }) => p.queries), [10, 20]);
  assert.equal(typeof doc.best.genotype, 'string');
  assert.match(doc.best.genotype, /^Genotype\(normal=/);
  assert.equal(doc.best.predicted, doc.final.max);
});

test('cli: bench nb301 --strategy all --json lists every single-objective strategy', { timeout: 120_000 }, () => {
  const r = naskit(['bench', 'nb301', '--strategy', 'all', '--seeds', '1', '--queries', '12', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const names = (JSON.parse(r.stdout) as { results: { strategy: string }[] }).results.map((x) => x.strategy);
  assert.ok(names.includes('asha') && names.includes('rea') && !names.includes('nsga2'), names.join(','));
});

test('cli: bench nb301 bad usage exits 2; a missing model exits 1 naming its path', () => {
  for (const args of [
    ['bench', 'nb301', '--strategy', 'random', '--epochs', '200'],
    ['bench', 'nb301', '--strategy', 'nope'],
    ['bench', 'nb301', '--strategy', 'random', '--queries', '5', '--budget-seconds', '9'],
  ]) {
    const r = naskit(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  const empty = mkdtempSync(join(tmpdir(), 'naskit-nodata-'));
  const r = naskit(['bench', 'nb301', '--strategy', 'random', '--seeds', '1'], { NASKIT_DATA: empty });
  assert.equal(r.status, 1);
  assert.ok(r.stderr.includes(join(empty, 'nb301', 'model_v2.onnx')), r.stderr);
});

test('stats: spearman is 1 for the same order, -1 for the reverse, ties share their average rank', async () => {
  const { spearman } = await import('../../src/benchmark/stats.js');
  assert.equal(spearman([1, 2, 3, 4], [10, 20, 30, 45]), 1);
  assert.equal(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  assert.ok(Math.abs(spearman([1, 1, 2, 3], [1, 2, 3, 4]) - 4.5 / Math.sqrt(22.5)) < 1e-12);
});
