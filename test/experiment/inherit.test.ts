// Which trials' weights an experiment keeps for inheritance, and how a trial names its parent.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parentOf, weightsToKeep } from '../../src/experiment/inherit.js';
import type { TrialRecord, TrialState } from '../../src/experiment/store.js';
import type { Json } from '../../src/util/json.js';

function trial(number: number, state: TrialState, value: number | null, finished: number | null, params: Record<string, Json> = {}): TrialRecord {
  return {
    id: 100 + number, experimentId: 1, number, state, sample: {}, key: `k${number}`, value, values: null, fidelity: null, intermediate: {}, params, userAttrs: {},
    worker: null, heartbeat: null, started: null, finished, error: null, seed: 0, codeVersion: 't', attempts: 1,
  };
}

test('weightsToKeep: the latest and the best complete trials, each at most keep', () => {
  const trials = [
    trial(0, 'complete', 90, 1000),
    trial(1, 'complete', 50, 1001),
    trial(2, 'failed', null, 1002),
    trial(3, 'complete', 70, 1005),
    trial(4, 'pruned', null, 1006),
    trial(5, 'complete', 60, 1004), // finished before trial 3
    trial(6, 'running', null, null),
    trial(7, 'complete', 90, 1007), // ties trial 0's value: the smaller number ranks first
  ];
  assert.deepEqual(weightsToKeep(trials, 1), [0, 7]);
  // Latest 2: 7, 3; best 2: 0, 7.
  assert.deepEqual(weightsToKeep(trials, 2), [0, 3, 7]);
  // Latest 3: 7, 3, 5; best 3: 0, 7, 3.
  assert.deepEqual(weightsToKeep(trials, 3), [0, 3, 5, 7]);
  assert.deepEqual(weightsToKeep(trials, 100), [0, 1, 3, 5, 7]);
  assert.deepEqual(weightsToKeep([], 5), []);
});

test('parentOf: attrs.parent when it is an earlier trial number, else null', () => {
  assert.equal(parentOf(trial(5, 'running', null, null, { parent: 3 })), 3);
  assert.equal(parentOf(trial(5, 'running', null, null, { parents: [1, 2] })), null);
  assert.equal(parentOf(trial(5, 'running', null, null, { parent: 5 })), null);
  assert.equal(parentOf(trial(5, 'running', null, null, { parent: -1 })), null);
  assert.equal(parentOf(trial(5, 'running', null, null, { parent: '3' })), null);
  assert.equal(parentOf(trial(5, 'running', null, null)), null);
});
