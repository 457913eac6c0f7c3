import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crowdingDistance, dominates, hypervolume, nonDominatedSort, paretoFront } from '../../src/strategy/pareto.js';
import { Rng } from '../../src/util/rng.js';

test('pareto: dominance is strict somewhere and weak everywhere (maximising)', () => {
  assert.equal(dominates([2, 2], [1, 2]), true);
  assert.equal(dominates([2, 2], [2, 2]), false);
  assert.equal(dominates([3, 1], [1, 3]), false);
  assert.equal(dominates([1, 2], [2, 2]), false);
});

test('pareto: non-dominated sort of a hand example, equal points sharing a front', () => {
  const points = [[1, 5], [2, 4], [3, 3], [1, 1], [2, 2], [0, 0], [3, 3]];
  const fronts = nonDominatedSort(points).map((f) => f.slice().sort((a, b) => a - b));
  assert.deepEqual(fronts, [[0, 1, 2, 6], [4], [3], [5]]);
  assert.deepEqual(paretoFront(points), [0, 1, 2, 6]);
  assert.deepEqual(nonDominatedSort([]), []);
});

test('pareto: the fast front equals front 0 of the full sort on random points', () => {
  const rng = new Rng(3);
  for (let trial = 0; trial < 20; trial++) {
    const points = Array.from({ length: 60 }, () => [rng.int(10), rng.int(10), rng.int(10)]);
    assert.deepEqual(paretoFront(points), nonDominatedSort(points)[0].slice().sort((a, b) => a - b));
  }
});

test('pareto: crowding distance of a hand example', () => {
  const points = [[0, 4], [1, 3], [2, 1], [4, 0]];
  const d = crowdingDistance(points, [0, 1, 2, 3]);
  assert.equal(d[0], Infinity);
  assert.equal(d[3], Infinity);
  // Objective 0 (range 4): (2−0)/4 and (4−1)/4; objective 1 (range 4): (4−1)/4 and (3−0)/4.
  assert.equal(d[1], 0.5 + 0.75);
  assert.equal(d[2], 0.75 + 0.75);
  assert.deepEqual(crowdingDistance([[1, 1], [1, 1]], [0, 1]), [Infinity, Infinity]);
});

test('pareto: hypervolume of known 2-D fronts', () => {
  assert.equal(hypervolume([[1, 3], [2, 2], [3, 1]], [0, 0]), 6);
  // A dominated point and one outside the reference add nothing; the reference shifts the area.
  assert.equal(hypervolume([[1, 3], [2, 2], [3, 1], [1, 1], [-1, 10]], [0, 0]), 6);
  assert.equal(hypervolume([[1, 3], [2, 2], [3, 1]], [1, 1]), 1);
  assert.equal(hypervolume([[94, -2], [90, -1]], [0, -10]), 94 * 8 + 90 * 1);
  assert.equal(hypervolume([], [0, 0]), 0);
});

test('pareto: hypervolume in 3-D equals the count of dominated unit cells', () => {
  assert.equal(hypervolume([[2, 3, 4]], [0, 0, 0]), 24);
  assert.equal(hypervolume([[2, 2, 2], [1, 1, 3]], [0, 0, 0]), 9);
  const rng = new Rng(11);
  for (let trial = 0; trial < 10; trial++) {
    const points = Array.from({ length: 8 }, () => [1 + rng.int(6), 1 + rng.int(6), 1 + rng.int(6)]);
    let cells = 0;
    for (let a = 0; a < 6; a++) for (let b = 0; b < 6; b++) for (let c = 0; c < 6; c++) if (points.some((p) => p[0] > a && p[1] > b && p[2] > c)) cells++;
    assert.equal(hypervolume(points, [0, 0, 0]), cells);
  }
});
