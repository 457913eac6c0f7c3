// The benchmark harness's options are snake_case (issue 17); the old camelCase spellings still work,
// with the same result as the new ones, one deprecation line per old name and process, and a
// ConfigError when both spellings are given.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runNb201MultiObjective } from '../../src/benchmark/multi-objective.js';
import { runNb201Benchmark, runNb201Search } from '../../src/benchmark/nb201.js';
import { runNb301Benchmark } from '../../src/benchmark/nb301.js';
import { Nb201Table } from '../../src/space/nb201/table.js';
import { Nb301Surrogate } from '../../src/estimate/nb301-surrogate.js';
import { ConfigError } from '../../src/errors.js';
import { captureStderrAsync } from '../helpers/stderr.js';
import { testDataDir } from '../helpers/data.js';

const table = Nb201Table.load(testDataDir());

/** Runs `fn`, returning its result and the deprecation lines it wrote on stderr. */
async function withStderr<T>(fn: () => T | Promise<T>): Promise<{ result: T; lines: string[] }> {
  const { result, text } = await captureStderrAsync(fn);
  return { result, lines: text.split('\n').filter((l) => l.includes('deprecated')) };
}

const isConflict = (old: string, renamed: string) => (e: unknown) => e instanceof ConfigError && e.code === 'BAD_BENCHMARK_OPTION' && e.message.includes(old) && e.message.includes(renamed);

test('runNb201Benchmark: strategyOptions, budgetSeconds and seedBase work as strategy_options, budget_seconds and seed_base', async () => {
  const renamed = { strategy: 'rea', strategy_options: { population: 20, sample_size: 4 }, budget_seconds: 20_000, seed_base: 7, seeds: 3 };
  const old = { strategy: 'rea', strategyOptions: { population: 20, sample_size: 4 }, budgetSeconds: 20_000, seedBase: 7, seeds: 3 };
  const { result, lines } = await withStderr(() => {
    const first = runNb201Benchmark(table, old);
    runNb201Benchmark(table, old); // a second call prints nothing more
    return first;
  });
  const expected = runNb201Benchmark(table, renamed);
  assert.deepEqual({ ...result, ms_per_query: 0 }, { ...expected, ms_per_query: 0 });
  // The old names really reached the options: each differs from its default.
  assert.equal(result.budget_seconds, 20_000);
  assert.notDeepEqual(result.per_seed_curve, runNb201Benchmark(table, { strategy: 'rea', strategy_options: { population: 20, sample_size: 4 }, budget_seconds: 20_000, seeds: 3 }).per_seed_curve);
  assert.notDeepEqual(result.per_seed_curve, runNb201Benchmark(table, { strategy: 'rea', budget_seconds: 20_000, seed_base: 7, seeds: 3 }).per_seed_curve);
  assert.deepEqual(lines.sort(), [
    'naskit: runNb201Benchmark: option "budgetSeconds" is deprecated; use "budget_seconds"',
    'naskit: runNb201Benchmark: option "seedBase" is deprecated; use "seed_base"',
    'naskit: runNb201Benchmark: option "strategyOptions" is deprecated; use "strategy_options"',
  ]);
  assert.throws(() => runNb201Benchmark(table, { strategy: 'rea', seedBase: 1, seed_base: 1 }), isConflict('seedBase', 'seed_base'));
});

test('runNb201Search: the old spellings work, and a strategy option passed under the old name is validated', async () => {
  const { result, lines } = await withStderr(() => runNb201Search(table, { strategy: 'random', seed: 3, budgetSeconds: 12_000 }));
  assert.deepEqual({ ...result, strategyMs: 0 }, { ...runNb201Search(table, { strategy: 'random', seed: 3, budget_seconds: 12_000 }), strategyMs: 0 });
  assert.deepEqual(lines, ['naskit: runNb201Search: option "budgetSeconds" is deprecated; use "budget_seconds"']);
  assert.throws(() => runNb201Search(table, { strategy: 'rea', seed: 0, strategyOptions: { population: 0 } }), (e: unknown) => e instanceof ConfigError && e.code === 'BAD_STRATEGY_OPTION');
  assert.throws(() => runNb201Search(table, { strategy: 'random', seed: 0, budgetSeconds: 1, budget_seconds: 1 }), isConflict('budgetSeconds', 'budget_seconds'));
});

test('runNb201MultiObjective: the old spellings work', async () => {
  const base = { strategy: 'nsga2', objectives: 'acc,params', queries: 60, seeds: 2 } as const;
  const { result, lines } = await withStderr(() => runNb201MultiObjective(table, { ...base, seedBase: 4, strategyOptions: { population: 10 } }));
  const expected = runNb201MultiObjective(table, { ...base, seed_base: 4, strategy_options: { population: 10 } });
  assert.deepEqual(result.hypervolume, expected.hypervolume);
  assert.deepEqual(result.final, expected.final);
  assert.equal(lines.length, 2);
  assert.throws(() => runNb201MultiObjective(table, { ...base, strategyOptions: {}, strategy_options: {} }), isConflict('strategyOptions', 'strategy_options'));
});

test('runNb301Benchmark: the old spellings work', async () => {
  const surrogate = await Nb301Surrogate.load(testDataDir());
  const { result, lines } = await withStderr(() => runNb301Benchmark(surrogate, { strategy: 'random', seeds: 2, seedBase: 5, queries: 10, strategyOptions: {} }));
  const expected = await runNb301Benchmark(surrogate, { strategy: 'random', seeds: 2, seed_base: 5, queries: 10, strategy_options: {} });
  assert.deepEqual(result.per_seed, expected.per_seed);
  assert.deepEqual(result.best, expected.best);
  assert.deepEqual(lines.sort(), [
    'naskit: runNb301Benchmark: option "seedBase" is deprecated; use "seed_base"',
    'naskit: runNb301Benchmark: option "strategyOptions" is deprecated; use "strategy_options"',
  ]);
});
