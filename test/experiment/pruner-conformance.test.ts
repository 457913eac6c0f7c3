// One conformance suite, run over every pruner: what any pruner must do, whatever its rule.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AshaPruner, MedianPruner, type Pruner } from '../../src/experiment/pruner.js';
import type { TrialRecord, TrialState } from '../../src/experiment/store.js';
import { Rng } from '../../src/util/rng.js';

interface Target {
  readonly name: string;
  readonly pruner: Pruner;
  /** A step at which this pruner may prune (after any warm-up, on a rung). */
  readonly step: number;
}

const TARGETS: Target[] = [
  { name: 'median', pruner: new MedianPruner({ warmup_steps: 1, min_trials: 3 }), step: 2 },
  { name: 'asha', pruner: new AshaPruner({ min_resource: 1, reduction_factor: 3, min_early_stopping_rate: 0 }), step: 3 },
];

function record(number: number, curve: Readonly<Record<string, number>>, state: TrialState = 'complete', fidelity: number | null = null): TrialRecord {
  return {
    id: number + 1, experimentId: 1, number, state, sample: {}, key: `k${number}`, value: state === 'complete' ? 1 : null, values: null, fidelity,
    intermediate: curve, params: {}, userAttrs: {}, worker: null, heartbeat: null, started: null, finished: null, error: null, seed: 0, codeVersion: 't', attempts: 1,
  };
}

/** `count` complete trials with random values at steps 1..4. */
function history(rng: Rng, count: number, fidelity: number | null = null): TrialRecord[] {
  return Array.from({ length: count }, (_, i) => record(i, Object.fromEntries([1, 2, 3, 4].map((s) => [String(s), Math.round(rng.float() * 1000) / 10])), 'complete', fidelity));
}

for (const target of TARGETS) {
  describe(`pruner conformance: ${target.name}`, () => {
    const { pruner, step } = target;

    test('never prunes without other trials, nor a non-finite value', () => {
      assert.equal(pruner.shouldPrune(step, 0, null, [], 0), false);
      const rng = new Rng(1);
      const trials = history(rng, 30);
      assert.equal(pruner.shouldPrune(step, Number.NaN, null, trials, 99), false);
      assert.equal(pruner.shouldPrune(step, Number.NEGATIVE_INFINITY, null, trials, 99), false);
    });

    test('prunes a value below every other trial at its step, never one above them all', () => {
      const trials = history(new Rng(2), 30);
      assert.equal(pruner.shouldPrune(step, -1, null, trials, 99), true);
      assert.equal(pruner.shouldPrune(step, 1000, null, trials, 99), false);
    });

    test('decides from the trials alone: their order does not matter, and the same input gives the same answer', () => {
      const rng = new Rng(3);
      for (let round = 0; round < 50; round++) {
        const trials = history(rng, 4 + rng.int(20));
        const value = Math.round(rng.float() * 1000) / 10;
        const answer = pruner.shouldPrune(step, value, null, trials, 99);
        assert.equal(pruner.shouldPrune(step, value, null, rng.shuffle([...trials]), 99), answer, `round ${round}`);
        assert.equal(pruner.shouldPrune(step, value, null, trials, 99), answer);
      }
    });

    test('compares only trials of the same fidelity', () => {
      const others = history(new Rng(4), 30, 12);
      assert.equal(pruner.shouldPrune(step, -1, null, others, 99), false, 'no trial of its own fidelity');
      assert.equal(pruner.shouldPrune(step, -1, 12, others, 99), true);
    });

    test("ignores the asking trial's own stored entry", () => {
      const trials = history(new Rng(5), 30);
      const value = 40;
      const answer = pruner.shouldPrune(step, value, null, trials, 99);
      // The asking trial's curve point is already stored (the runner stores it, then asks): it must not count twice.
      const withSelf = [...trials, record(99, { [String(step)]: value }, 'running')];
      assert.equal(pruner.shouldPrune(step, value, null, withSelf, 99), answer);
    });
  });
}
