import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/util/rng.js';

test('rng: same seed, same sequence; state round-trips', () => {
  const a = new Rng(42);
  const b = new Rng(42);
  for (let i = 0; i < 100; i++) assert.equal(a.float(), b.float());
  const saved = a.state();
  const next = [a.float(), a.int(10), a.normal()];
  const c = Rng.fromState(saved);
  assert.deepEqual([c.float(), c.int(10), c.normal()], next);
  assert.notEqual(new Rng(1).float(), new Rng(2).float());
});

test('rng: int is uniform enough and in range; weighted follows weights', () => {
  const rng = new Rng(7);
  const counts = new Array(5).fill(0);
  for (let i = 0; i < 50_000; i++) counts[rng.int(5)]++;
  for (const c of counts) assert.ok(Math.abs(c - 10_000) < 400, `count ${c}`);
  const w = [0, 1, 3];
  const hits = [0, 0, 0];
  for (let i = 0; i < 40_000; i++) hits[rng.weighted(w)]++;
  assert.equal(hits[0], 0);
  assert.ok(Math.abs(hits[2] / hits[1] - 3) < 0.15);
  assert.throws(() => rng.int(0), RangeError);
  assert.throws(() => new Rng(1.5), TypeError);
});
