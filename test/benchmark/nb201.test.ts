import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../src/errors.js';
import { runNb201Benchmark, runNb201Search } from '../../src/benchmark/nb201.js';
import { pairedDifference, summarize } from '../../src/benchmark/stats.js';
import { Nb201Table } from '../../src/space/nb201/table.js';
import { testDataDir } from '../helpers/data.js';

test('harness: a search is deterministic by seed, its curve never decreases in signal, and it returns the best by signal', () => {
  const table = Nb201Table.load(testDataDir());
  const a = runNb201Search(table, { strategy: 'random', seed: 5, queries: 100 });
  const b = runNb201Search(table, { strategy: 'random', seed: 5, queries: 100 });
  assert.deepEqual(a.best, b.best);
  assert.equal(a.queries, 100);
  for (let i = 1; i < a.curve.length; i++) assert.ok(a.curve[i].signal >= a.curve[i - 1].signal);
  assert.equal(a.curve.at(-1)!.signal, a.best.signal);
  assert.equal(a.best.signal, table.accuracy(a.best.index, 'cifar10', 'valid_12ep'));
  assert.equal(a.best.reported, table.accuracy(a.best.index, 'cifar10', 'test_200ep_mean'));
});

test('harness: a simulated-time budget is never exceeded', () => {
  const table = Nb201Table.load(testDataDir());
  const r = runNb201Search(table, { strategy: 'random', seed: 1, budget_seconds: 12000 });
  assert.ok(r.simulatedSeconds <= 12000);
  assert.ok(r.queries > 20 && r.queries < 200, `queries ${r.queries}`);
  assert.throws(() => runNb201Search(table, { strategy: 'random', seed: 1, budget_seconds: 1 }), (e: unknown) => e instanceof ConfigError && e.code === 'BUDGET_TOO_SMALL');
});

test('harness: random search over 30 seeds lands within the noise of the published 93.85 on CIFAR-10', () => {
  const table = Nb201Table.load(testDataDir());
  const r = runNb201Benchmark(table, { strategy: 'random', seeds: 30, queries: 150 });
  // Published: random search 93.70 ± 0.36 (NAS-Bench-201 paper); the reference 93.85.
  assert.ok(Math.abs(r.final.mean - 93.85) < 0.25, `random mean ${r.final.mean}`);
  assert.equal(r.per_seed.length, 30);
});

test('stats: summary and paired differences', () => {
  const s = summarize([1, 2, 3, 4]);
  assert.equal(s.mean, 2.5);
  assert.ok(Math.abs(s.std - Math.sqrt(5 / 3)) < 1e-12);
  const d = pairedDifference([2, 3, 4, 5], [1, 2, 3, 5]);
  assert.equal(d.wins, 3);
  assert.equal(d.ties, 1);
  assert.equal(d.mean, 0.75);
});
