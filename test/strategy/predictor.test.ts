import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ensemble } from '../../src/strategy/predictor/ensemble.js';
import { Adam, Mlp } from '../../src/strategy/predictor/mlp.js';
import { Rng } from '../../src/util/rng.js';

test('predictor: Adam minimises a quadratic', () => {
  const x = Float64Array.from([5, -3]);
  const adam = new Adam([x], 0.1);
  for (let i = 0; i < 500; i++) adam.step([Float64Array.from([2 * (x[0] - 1), 2 * (x[1] + 2)])]);
  assert.ok(Math.abs(x[0] - 1) < 1e-3 && Math.abs(x[1] + 2) < 1e-3, `ended at ${x[0]}, ${x[1]}`);
});

test('predictor: Adam.stepAndClear equals weight decay, then step, then zeroing, to the bit', () => {
  const rng = new Rng(11);
  const draw = (n: number): Float64Array => Float64Array.from({ length: n }, () => rng.normal());
  const start = [draw(50), draw(7)];
  const a = start.map((p) => Float64Array.from(p));
  const b = start.map((p) => Float64Array.from(p));
  const adamA = new Adam(a, 0.01);
  const adamB = new Adam(b, 0.01);
  const decays = [1e-4, 0];
  for (let step = 0; step < 20; step++) {
    const grads = [draw(50), draw(7)];
    // The reference: decay added to the gradient, a plain step, the gradient cleared.
    const gA = grads.map((g) => Float64Array.from(g));
    gA.forEach((g, p) => {
      for (let i = 0; i < g.length; i++) g[i] += decays[p] * a[p][i];
    });
    adamA.step(gA);
    const gB = grads.map((g) => Float64Array.from(g));
    adamB.stepAndClear(gB, decays);
    assert.deepEqual(b, a, `parameters after step ${step}`);
    for (const g of gB) assert.ok(g.every((v) => v === 0), 'gradients cleared');
  }
});

test('predictor: the MLP learns a known non-linear function (held-out R² > 0.9)', () => {
  const rng = new Rng(3);
  const f = (x: Float64Array): number => 3 * x[0] * x[1] - 2 * x[2] + Math.abs(x[3]) + 10;
  const draw = (): Float64Array => Float64Array.from({ length: 4 }, () => rng.float() * 2 - 1);
  const train = Array.from({ length: 300 }, draw);
  const held = Array.from({ length: 200 }, draw);
  const mlp = new Mlp(4, { hidden: [32, 32], epochs: 200, batchSize: 32, learningRate: 0.01, weightDecay: 0 });
  mlp.fit(train, train.map(f), rng);
  const pred = mlp.predict(held);
  const truth = held.map(f);
  const mean = truth.reduce((s, v) => s + v, 0) / truth.length;
  const ssRes = truth.reduce((s, v, i) => s + (v - pred[i]) ** 2, 0);
  const ssTot = truth.reduce((s, v) => s + (v - mean) ** 2, 0);
  assert.ok(1 - ssRes / ssTot > 0.9, `R² = ${1 - ssRes / ssTot}`);
});

test('predictor: the same generator gives the same network; an ensemble spreads where data is missing', () => {
  const xs = Array.from({ length: 30 }, (_, i) => Float64Array.from([i / 30]));
  const ys = xs.map((x) => Math.sin(6 * x[0]));
  const make = (): Mlp => new Mlp(1, { hidden: [16], epochs: 50, batchSize: 8, learningRate: 0.01, weightDecay: 0 });
  const a = make();
  const b = make();
  a.fit(xs, ys, new Rng(9));
  b.fit(xs, ys, new Rng(9));
  assert.deepEqual([...a.predict(xs)], [...b.predict(xs)]);
  const ensemble = new Ensemble(make, 5);
  ensemble.fit(xs, ys, new Rng(2));
  const { std } = ensemble.predict([Float64Array.from([0.5]), Float64Array.from([5])]);
  assert.ok(std[1] > std[0], `spread inside ${std[0]} vs far outside ${std[1]}`);
  assert.throws(() => new Mlp(0), RangeError);
  assert.throws(() => make().predict(xs), /fit first/);
});
