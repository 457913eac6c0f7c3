import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runNb201Benchmark } from '../../src/benchmark/nb201.js';
import { pairedDifference } from '../../src/benchmark/stats.js';
import { ConfigError } from '../../src/errors.js';
import { Nb201Table } from '../../src/space/nb201/table.js';
import { NB201_OPS, Nb201Space } from '../../src/space/nb201/space.js';
import type { Sample } from '../../src/space/types.js';
import { Bohb } from '../../src/strategy/bohb.js';
import { Hyperband, HyperbandOptions, fidelityBrackets, hyperbandBrackets } from '../../src/strategy/hyperband.js';
import { createStrategy } from '../../src/strategy/registry.js';
import type { Proposal, Strategy } from '../../src/strategy/types.js';
import { testDataDir } from '../helpers/data.js';

const space = new Nb201Space();
/** An injective value: the cell read as a base-5 number. */
const code = (s: Sample): number => Object.values(s).reduce<number>((a, op) => a * 5 + NB201_OPS.indexOf(op as never), 0);
const convs = (s: Sample): number => Object.values(s).filter((op) => op === 'nor_conv_3x3').length;

test("hyperband: the bracket schedule for R = 81, η = 3 is the paper's table", () => {
  const table = hyperbandBrackets(81, 3).map((b) => [b.s, b.rungs.map((r) => [r.n, r.r])]);
  assert.deepEqual(table, [
    [4, [[81, 1], [27, 3], [9, 9], [3, 27], [1, 81]]],
    [3, [[34, 3], [11, 9], [3, 27], [1, 81]]],
    [2, [[15, 9], [5, 27], [1, 81]]],
    [1, [[8, 27], [2, 81]]],
    [0, [[5, 81]]],
  ]);
});

test('hyperband: on NB201 the rungs snap to 12 and 200 epochs', () => {
  const plan = fidelityBrackets(HyperbandOptions.parse({})).map((b) => b.rungs.map((r) => [r.n, r.fidelity]));
  assert.deepEqual(plan, [[[9, 12], [3, 200], [1, 200]], [[5, 200], [1, 200]], [[3, 200]]]);
  assert.throws(() => new Hyperband({ space, seed: 0 }, { min_fidelity: 200, max_fidelity: 12 }), (e: unknown) => e instanceof ConfigError && e.message.includes('min_fidelity'));
  assert.throws(() => new Hyperband({ space, seed: 0 }, { eta: 1 }), (e: unknown) => e instanceof ConfigError && e.message.includes('eta'));
  assert.throws(() => new Bohb({ space, seed: 0 }, { top_n_percent: 0 }), (e: unknown) => e instanceof ConfigError && e.message.includes('top_n_percent'));
});

test('hyperband: sequential ask/tell runs successive halving bracket by bracket, promoting the best 1/η', () => {
  const hb = new Hyperband({ space, seed: 2 }, { fidelities: [1, 3, 9] });
  const asks: Proposal[] = [];
  for (let t = 0; t < 44; t++) {
    const p = hb.ask();
    asks.push(p);
    hb.tell({ trial: t, sample: p.sample, state: 'complete', value: code(p.sample), fidelity: p.fidelity });
  }
  const one = [...Array(9).fill(1), 3, 3, 3, 9, 3, 3, 3, 3, 3, 9, 9, 9, 9];
  assert.deepEqual(asks.map((p) => p.fidelity), [...one, ...one]);
  // Rung 1 of the first bracket: the 3 best of its 9 first-rung configurations, best first; rung 2 the best of those.
  const top = asks.slice(0, 9).map((p) => p.sample).sort((a, b) => code(b) - code(a));
  assert.deepEqual(asks.slice(9, 12).map((p) => p.sample), top.slice(0, 3));
  assert.deepEqual(asks[12].sample, top[0]);
  assert.deepEqual(asks.slice(0, 13).map((p) => p.attrs?.bracket), [...Array(13).fill(0)]);
  assert.equal(asks[13].attrs?.bracket, 1);
});

test('hyperband: while a rung waits for results the next bracket proposes; out-of-order tells and failures never break it', () => {
  const hb = new Hyperband({ space, seed: 3 }, { fidelities: [1, 3, 9] });
  const first = Array.from({ length: 9 }, () => hb.ask());
  const tenth = hb.ask();
  assert.equal(tenth.attrs?.bracket, 1);
  assert.equal(tenth.fidelity, 3);
  for (let t = 8; t >= 0; t--) {
    if (t === 4) hb.tell({ trial: t, sample: first[t].sample, state: 'failed', value: null });
    else hb.tell({ trial: t, sample: first[t].sample, state: 'complete', value: code(first[t].sample) });
  }
  const next = hb.ask();
  assert.equal(next.attrs?.bracket, 0);
  assert.equal(next.fidelity, 3);
  // Every result failing ends a bracket without breaking anything.
  const all = new Hyperband({ space, seed: 4 }, { fidelities: [1, 3, 9] });
  for (let t = 0; t < 60; t++) {
    const p = all.ask();
    assert.equal(space.check(p.sample), null);
    all.tell({ trial: t, sample: p.sample, state: 'failed', value: null });
  }
});

function run(strategy: Strategy, n: number, value: (s: Sample) => number): Proposal[] {
  const out: Proposal[] = [];
  for (let t = 0; t < n; t++) {
    const p = strategy.ask();
    out.push(p);
    strategy.tell({ trial: t, sample: p.sample, state: 'complete', value: value(p.sample), fidelity: p.fidelity });
  }
  return out;
}

for (const name of ['hyperband', 'bohb']) {
  test(`${name}: same seed, same asks (registered behind dedup)`, () => {
    const keys = (seed: number): string[] => run(createStrategy(name, { space, seed }), 80, code).map((p) => `${space.key(p.sample)}@${p.fidelity}`);
    assert.deepEqual(keys(5), keys(5));
    assert.notDeepEqual(keys(5), keys(6));
  });
}

test('bohb: once its model has enough results, first-rung proposals are better than uniform ones', () => {
  // Value = 10 × number of 3×3 convolutions: uniform draws average 1.2 of 6 (standard error over ~120 draws: 0.08).
  const later = (strategy: Strategy): number => {
    const asks = run(strategy, 200, (s) => 10 * convs(s)).slice(60).filter((p) => p.attrs?.rung === 0);
    return asks.reduce((a, p) => a + convs(p.sample), 0) / asks.length;
  };
  for (const seed of [1, 2]) {
    const bohb = later(new Bohb({ space, seed }, { random_fraction: 0 }));
    const hb = later(new Hyperband({ space, seed }));
    assert.ok(bohb > 2.2 && hb < 1.6, `mean 3×3 convs of later first-rung proposals: BOHB ${bohb}, Hyperband ${hb}`);
  }
});

test('bohb: beats random search on NB201 (CIFAR-10, valid_12ep, 150 queries of either fidelity) over 30 paired seeds', () => {
  const table = Nb201Table.load(testDataDir());
  const random = runNb201Benchmark(table, { strategy: 'random', seeds: 30, queries: 150 }).per_seed;
  const bohb = runNb201Benchmark(table, { strategy: 'bohb', seeds: 30, queries: 150 }).per_seed;
  const d = pairedDifference(bohb, random);
  // One-sided 2.5 % critical value of Student's t with 29 degrees of freedom.
  assert.ok(d.t > 2.045 && d.wins > d.losses, `BOHB − random: ${d.mean.toFixed(3)} ± ${d.se.toFixed(3)} (t = ${d.t.toFixed(2)}), ${d.wins} wins / ${d.losses} losses`);
});
