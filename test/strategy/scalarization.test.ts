import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runNb201MultiObjective } from '../../src/benchmark/multi-objective.js';
import { pairedDifference } from '../../src/benchmark/stats.js';
import { Nb201Table } from '../../src/space/nb201/table.js';
import { Nb201Space } from '../../src/space/nb201/space.js';
import { RandomScalarization } from '../../src/strategy/random-scalarization.js';
import { testDataDir } from '../helpers/data.js';

test('random-scalarization: after the initial phase every non-random ask is a single edit of an earlier result', () => {
  const space = new Nb201Space();
  const s = new RandomScalarization({ space, seed: 5, objectives: ['a', 'b'] }, { initial: 5, random_fraction: 0 });
  const told: string[] = [];
  for (let t = 0; t < 40; t++) {
    const p = s.ask();
    if (t >= 5) {
      assert.equal(p.attrs?.role, 'mutation');
      const parent = told[p.attrs?.parent as number];
      const diff = space.leaves().filter((l) => JSON.parse(parent)[space.leaves().indexOf(l)] !== p.sample[l.label]).length;
      assert.equal(diff, 1);
      const w = p.attrs?.weights as number[];
      assert.ok(Math.abs(w[0] + w[1] - 1) < 1e-12 && w.every((x) => x >= 0));
    }
    told.push(space.key(p.sample));
    s.tell({ trial: t, sample: p.sample, state: 'complete', value: t, values: [t % 7, -(t % 3)] });
  }
});

test('random-scalarization: hypervolume (acc, latency) after 300 queries beats random search over 30 seeds (paired)', () => {
  const table = Nb201Table.load(testDataDir());
  const common = { objectives: 'acc,latency:pixel3', queries: 300, seeds: 30 } as const;
  const rs = runNb201MultiObjective(table, { ...common, strategy: 'random-scalarization' });
  const random = runNb201MultiObjective(table, { ...common, strategy: 'random' });
  const d = pairedDifference(rs.per_seed, random.per_seed);
  assert.ok(d.t > 2.5 && d.mean > 0, `random-scalarization − random hypervolume: mean ${d.mean}, t ${d.t}`);
});
