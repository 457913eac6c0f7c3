import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runNb201Benchmark } from '../../src/benchmark/nb201.js';
import { pairedDifference } from '../../src/benchmark/stats.js';
import { Nb201Table } from '../../src/space/nb201/table.js';
import { testDataDir } from '../helpers/data.js';

// NAS-Bench-201 protocol: CIFAR-10, the search sees valid_12ep, the returned architecture is judged
// by test_200ep_mean; 150 queries; seeds 0–29 for every strategy, so the comparison is paired.
const SEEDS = 30;
const QUERIES = 150;
/** One-sided 2.5 % critical value of Student's t with 29 degrees of freedom. */
const T_CRITICAL = 2.045;

const contenders: readonly { name: string; options: Record<string, unknown>; label: string }[] = [
  { name: 'rea', options: { population: 10, sample_size: 3 }, label: 'regularized evolution (population 10, sample 3)' },
  { name: 'local', options: {}, label: 'local search' },
  { name: 'ga', options: {}, label: 'genetic algorithm' },
  { name: 'reinforce', options: {}, label: 'REINFORCE' },
];

test('nb201: each strategy beats random search over 30 paired seeds (paired t > 2.045, more wins than losses)', () => {
  const table = Nb201Table.load(testDataDir());
  const random = runNb201Benchmark(table, { strategy: 'random', seeds: SEEDS, queries: QUERIES }).per_seed;
  for (const c of contenders) {
    const ours = runNb201Benchmark(table, { strategy: c.name, strategy_options: c.options, seeds: SEEDS, queries: QUERIES }).per_seed;
    const d = pairedDifference(ours, random);
    const summary = `${c.label}: mean difference ${d.mean.toFixed(3)} ± ${d.se.toFixed(3)} (t = ${d.t.toFixed(2)}), ${d.wins} wins / ${d.losses} losses / ${d.ties} ties`;
    assert.ok(d.t > T_CRITICAL && d.wins > d.losses, summary);
  }
});
