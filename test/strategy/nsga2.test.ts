import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseNb201Objectives, runNb201MultiObjective } from '../../src/benchmark/multi-objective.js';
import { pairedDifference } from '../../src/benchmark/stats.js';
import { ConfigError } from '../../src/errors.js';
import { Nb201Table } from '../../src/space/nb201/table.js';
import { Nb201Space } from '../../src/space/nb201/space.js';
import type { Sample } from '../../src/space/types.js';
import { Nsga2 } from '../../src/strategy/nsga2.js';
import { createStrategy } from '../../src/strategy/registry.js';
import type { Strategy } from '../../src/strategy/types.js';
import { testDataDir } from '../helpers/data.js';

const space = new Nb201Space();
/** A toy two-objective problem on NB201: count of 3×3 convs vs count of `none` edges. */
const toy = (s: Sample): number[] => {
  const ops = Object.values(s);
  return [ops.filter((o) => o === 'nor_conv_3x3').length, ops.filter((o) => o === 'none').length];
};

function drive(strategy: Strategy, n: number): string[] {
  const keys: string[] = [];
  for (let t = 0; t < n; t++) {
    const p = strategy.ask();
    keys.push(space.key(p.sample));
    const values = toy(p.sample);
    strategy.tell({ trial: t, sample: p.sample, state: 'complete', value: values[0], values });
  }
  return keys;
}

for (const name of ['nsga2', 'random-scalarization']) {
  test(`${name}: same seed, same asks; another seed, other asks; no repeats while unseen ones are easy to find`, () => {
    const build = (seed: number): Strategy => createStrategy(name, { space, seed, objectives: ['a', 'b'] });
    const a = drive(build(7), 120);
    assert.deepEqual(drive(build(7), 120), a);
    assert.notDeepEqual(drive(build(8), 120), a);
    assert.equal(new Set(a).size, a.length);
  });

  test(`${name}: outstanding asks told out of order, failures and malformed values never break tell`, () => {
    const s = createStrategy(name, { space, seed: 1, objectives: ['a', 'b'] });
    const out = Array.from({ length: 30 }, () => s.ask());
    out.forEach((p, t) => {
      if (t % 5 === 0) s.tell({ trial: t, sample: p.sample, state: 'failed', value: null });
    });
    for (let t = 29; t >= 0; t--) {
      if (t % 5 === 0) continue;
      const values = t % 7 === 0 ? [NaN, 1] : t % 11 === 0 ? [1] : toy(out[t].sample);
      s.tell({ trial: t, sample: out[t].sample, state: 'complete', value: 1, values });
    }
    s.tell({ trial: 3, sample: out[3].sample, state: 'complete', value: 1, values: [9, 9] }); // a second tell is ignored
    for (let i = 0; i < 40; i++) assert.equal(space.check(s.ask().sample), null);
  });

  test(`${name}: bad options are a ConfigError naming the option`, () => {
    assert.throws(
      () => createStrategy(name, { space, seed: 0 }, { no_such_option: 1 }),
      (e: unknown) => e instanceof ConfigError && e.code === 'BAD_STRATEGY_OPTION' && e.message.includes('no_such_option'),
    );
  });
}

test('nsga2: moves toward the toy front (max 3×3 convs, max none edges: the front is conv+none mixes)', () => {
  const s = new Nsga2({ space, seed: 3, objectives: ['conv', 'none'] });
  const found = new Set<string>();
  for (let t = 0; t < 200; t++) {
    const p = s.ask();
    const v = toy(p.sample);
    if (v[0] + v[1] === 6) found.add(v.join());
    s.tell({ trial: t, sample: p.sample, state: 'complete', value: v[0], values: v });
  }
  // The true front has the 7 points (k, 6−k), each cell all 3×3 convs or none: 0.4^6 of the space, so 200 random draws hit about 1.
  assert.ok(found.size >= 6, `found ${found.size} of the 7 front points`);
  assert.throws(() => new Nsga2({ space, seed: 0 }, { population: 1 }), (e: unknown) => e instanceof ConfigError && e.message.includes('population'));
});

test('multi-objective: objectives are validated with the valid choices named', () => {
  const table = Nb201Table.load(testDataDir());
  assert.equal(parseNb201Objectives(table, 'acc,latency:pixel3,params,flops').length, 4);
  for (const bad of ['acc', 'latency:pixel3,acc', 'acc,latency:toaster', 'acc,params,params']) {
    assert.throws(() => parseNb201Objectives(table, bad), (e: unknown) => e instanceof ConfigError && e.code === 'BAD_OBJECTIVES');
  }
  assert.throws(() => parseNb201Objectives(table, 'acc,latency:toaster'), (e: unknown) => e instanceof Error && e.message.includes('pixel3'));
});

test('multi-objective: NSGA-II hypervolume after 300 queries beats random search over 30 seeds (paired), front written as JSON and PNG', () => {
  const table = Nb201Table.load(testDataDir());
  const dir = mkdtempSync(join(tmpdir(), 'naskit-mo-'));
  const common = { objectives: ['acc', 'latency:pixel3'], dataset: 'cifar10', queries: 300, seeds: 30, seed_base: 0 } as const;
  const nsga2 = runNb201MultiObjective(table, { ...common, strategy: 'nsga2', out: join(dir, 'front') });
  const random = runNb201MultiObjective(table, { ...common, strategy: 'random' });
  const d = pairedDifference(nsga2.per_seed, random.per_seed);
  assert.ok(d.t > 2.5 && d.mean > 0, `NSGA-II − random hypervolume: mean ${d.mean}, t ${d.t}`);
  assert.deepEqual(nsga2.reference, { acc: 0, 'latency:pixel3': Math.max(...Array.from({ length: table.size }, (_, i) => table.latencyMs(i, 'pixel3'))) });
  assert.ok(nsga2.hypervolume_ratio.mean <= 1 && nsga2.hypervolume_ratio.mean > 0.9);
  for (const p of nsga2.front) assert.equal(p.reported.acc, table.accuracy(p.index, 'cifar10', 'test_200ep_mean'));
  // The contract's single-objective fields are there too; the curve ends at the final figures.
  assert.equal(nsga2.curve.length, 30);
  assert.deepEqual(nsga2.curve.at(-1), { queries: 300, mean: nsga2.final.mean, std: nsga2.final.std, hypervolume: nsga2.hypervolume });
  assert.equal(nsga2.signal_optimum, 84.892);
  assert.equal(nsga2.budget_seconds, null);
  const json = JSON.parse(readFileSync(join(dir, 'front.json'), 'utf8')) as { results: { hypervolume: { mean: number } }[] };
  assert.equal(json.results[0].hypervolume.mean, nsga2.hypervolume.mean);
  assert.ok(existsSync(join(dir, 'front.svg')));
  assert.deepEqual([...readFileSync(join(dir, 'front.png')).subarray(1, 4)], [...Buffer.from('PNG')]);
});

test('multi-objective: a simulated-time budget ends each search when the next evaluation would not fit', () => {
  const table = Nb201Table.load(testDataDir());
  const r = runNb201MultiObjective(table, { strategy: 'nsga2', objectives: 'acc,params', dataset: 'cifar100', budget_seconds: 20_000, seeds: 3 });
  assert.equal(r.budget_seconds, 20_000);
  assert.ok(r.queries > 20 && r.queries < 300, `${r.queries} queries`);
  assert.ok(r.curve.length >= 2 && r.curve.every((c, i) => c.queries === 10 * (i + 1)));
  assert.throws(() => runNb201MultiObjective(table, { strategy: 'nsga2', objectives: 'acc,params', budget_seconds: 1, seeds: 1 }), (e: unknown) => e instanceof ConfigError && e.code === 'BUDGET_TOO_SMALL');
});
