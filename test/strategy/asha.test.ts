import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nb301StrategyOptions } from '../../src/benchmark/nb301.js';
import { ConfigError } from '../../src/errors.js';
import { NB201_OPS, Nb201Space } from '../../src/space/nb201/space.js';
import type { Sample } from '../../src/space/types.js';
import { Asha, AshaRungs } from '../../src/strategy/asha.js';
import { createStrategy } from '../../src/strategy/registry.js';
import { Rng } from '../../src/util/rng.js';

const space = new Nb201Space();
/** An injective synthetic value: the cell read as a base-5 number. */
const code = (s: Sample): number => Object.values(s).reduce<number>((a, op) => a * 5 + NB201_OPS.indexOf(op as never), 0);

test('asha rungs: promote the best of the top 1/η of the highest rung that has one, each configuration once', () => {
  const rungs = new AshaRungs([1, 3, 9], 3);
  assert.equal(rungs.promote(), null, 'nothing recorded: nothing to promote');
  rungs.record(0, 0, 5);
  rungs.record(0, 1, 9);
  assert.equal(rungs.promote(), null, '2 results: the top ⌊2/3⌋ = 0 is empty');
  rungs.record(0, 2, 7);
  assert.deepEqual(rungs.promote(), { id: 1, rung: 1 });
  assert.equal(rungs.promote(), null, 'config 1 is promoted already');
  for (const [id, value] of [[3, 1], [4, 2], [5, 10]]) rungs.record(0, id, value);
  // Six results: the top 2 are 5 (10) and 1 (9); 1 went up already.
  assert.deepEqual(rungs.top(0), [5, 1]);
  assert.deepEqual(rungs.promote(), { id: 5, rung: 1 });
  // Rung 1 fills; its best goes up to the top rung before anything else moves from rung 0.
  rungs.record(1, 1, 20);
  rungs.record(1, 5, 30);
  for (const [id, value] of [[6, 8], [7, 8.5], [8, 0]]) rungs.record(0, id, value);
  rungs.record(1, 9, 25);
  assert.deepEqual(rungs.promote(), { id: 5, rung: 2 });
  // Then rung 0: 9 results, top 3 = 5, 1, 7 (8.5); 7 is the one not promoted yet.
  assert.deepEqual(rungs.promote(), { id: 7, rung: 1 });
  // The pruner's question: would a value be in the top 1/η at a rung (here 3 results at rung 1, top ⌊4/3⌋ = 1)?
  assert.equal(rungs.wouldBeTop(1, 31), true);
  assert.equal(rungs.wouldBeTop(1, 26), false);
  assert.throws(() => new AshaRungs([3, 3], 3), RangeError);
});

test('asha rungs: a rung kept in rank order gives the same top as sorting it, ties by smaller id', () => {
  const rng = new Rng(7);
  const rungs = new AshaRungs([1, 3], 3);
  const all: { id: number; value: number }[] = [];
  for (let id = 0; id < 300; id++) {
    // Few distinct values, so that ties are common.
    const value = rng.int(20);
    rungs.record(0, id, value);
    all.push({ id, value });
    const k = Math.floor(all.length / 3);
    const naive = [...all].sort((a, b) => b.value - a.value || a.id - b.id).slice(0, k).map((r) => r.id);
    assert.deepEqual(rungs.top(0), naive);
  }
});

test('asha: starts configurations at the bottom rung and promotes the best to the next fidelity', () => {
  const asha = new Asha({ space, seed: 1 }, { fidelities: [1, 3, 9], eta: 3 });
  assert.deepEqual(asha.rungs.fidelities, [1, 3, 9]);
  const told: { sample: Sample; fidelity: number | undefined; value: number }[] = [];
  let trial = 0;
  const step = (): { sample: Sample; fidelity?: number } => {
    const p = asha.ask();
    const value = code(p.sample) + (p.fidelity ?? 0) * 1e6;
    asha.tell({ trial: trial++, sample: p.sample, state: 'complete', value, fidelity: p.fidelity });
    told.push({ sample: p.sample, fidelity: p.fidelity, value });
    return p;
  };
  for (let i = 0; i < 3; i++) assert.equal(step().fidelity, 1);
  // The 4th ask is the best of the first three, at fidelity 3.
  const best = told.slice(0, 3).reduce((a, b) => (b.value > a.value ? b : a));
  const promoted = step();
  assert.equal(promoted.fidelity, 3);
  assert.deepEqual(promoted.sample, best.sample);
  // Sequentially, over many asks: every promotion is of a configuration that ran at the rung below,
  // and the rung sizes shrink by about η.
  for (let i = 0; i < 200; i++) step();
  const counts = [1, 3, 9].map((f) => told.filter((t) => t.fidelity === f).length);
  assert.ok(counts[0] > counts[1] && counts[1] > counts[2] && counts[2] >= 1, `rung sizes ${counts}`);
  assert.ok(Math.abs(counts[0] / counts[1] - 3) < 1, `rung 0 / rung 1 = ${counts[0] / counts[1]}`);
  for (const t of told.filter((x) => x.fidelity === 9)) {
    assert.ok(told.some((u) => u.fidelity === 3 && space.key(u.sample) === space.key(t.sample)), 'a top-rung configuration ran at the rung below first');
  }
});

test('asha: on the NB301 epoch axis the rungs are 1, 4, 11, 33 and 98 epochs; early_stopping_rate starts higher', () => {
  const axis = nb301StrategyOptions('asha', {}, 98, 'epochs');
  assert.deepEqual(new Asha({ space, seed: 0 }, axis).rungs.fidelities, [1, 4, 11, 33, 98]);
  // Registered (wrapped in Deduplicated), it proposes the bottom rung first.
  assert.equal(createStrategy('asha', { space, seed: 0 }, axis).ask().fidelity, 1);
  assert.deepEqual(new Asha({ space, seed: 0 }, { ...axis, early_stopping_rate: 2 }).rungs.fidelities, [11, 33, 98]);
  // Full fidelity: one rung, so ASHA is random search at 98 epochs.
  assert.deepEqual(new Asha({ space, seed: 0 }, nb301StrategyOptions('asha', {}, 98, 'full')).rungs.fidelities, [98]);
  assert.throws(() => new Asha({ space, seed: 0 }, { ...axis, early_stopping_rate: 5 }), (e: unknown) => e instanceof ConfigError && e.code === 'BAD_STRATEGY_OPTION');
});
