import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../src/errors.js';
import { Nb201Table } from '../../src/space/nb201/table.js';
import { TabularEstimator } from '../../src/estimate/tabular.js';
import { Nb201Space } from '../../src/space/nb201/space.js';
import { Bananas } from '../../src/strategy/bananas.js';
import { RandomSearch } from '../../src/strategy/random-search.js';
import type { Strategy } from '../../src/strategy/types.js';
import { testDataDir } from '../helpers/data.js';

test('bananas: bad options are ConfigErrors naming the option', () => {
  const context = { space: new Nb201Space(), seed: 0 };
  for (const [options, name] of [
    [{ ensemble: 0 }, 'ensemble'],
    [{ acquisition: 'pi' }, 'acquisition'],
    [{ learning_rate: -1 }, 'learning_rate'],
    [{ batchsize: 3 }, 'batch_size'],
  ] as const) {
    assert.throws(() => new Bananas(context, options as Record<string, unknown>), (e: unknown) => e instanceof ConfigError && e.code === 'BAD_STRATEGY_OPTION' && e.message.includes(name), JSON.stringify(options));
  }
});

function meanBest(make: (seed: number) => Strategy, estimator: TabularEstimator, seeds: number, queries: number): number {
  let total = 0;
  for (let seed = 0; seed < seeds; seed++) {
    const strategy = make(seed);
    let best = -Infinity;
    for (let trial = 0; trial < queries; trial++) {
      const { sample } = strategy.ask();
      const value = estimator.query(sample).value;
      best = Math.max(best, value);
      strategy.tell({ trial, sample, state: 'complete', value });
    }
    total += best;
  }
  return total / seeds;
}

test('bananas: on NB201 (CIFAR-10, valid_12ep) it finds better architectures than random search in 50 queries', () => {
  const space = new Nb201Space();
  const estimator = new TabularEstimator(Nb201Table.load(testDataDir()), space, { dataset: 'cifar10', signal: 'valid_12ep' });
  // A lighter ensemble than the default keeps the test short; the comparison still holds.
  const ours = meanBest((seed) => new Bananas({ space, seed }, { ensemble: 3, epochs: 40, batch_size: 10 }), estimator, 5, 50);
  const random = meanBest((seed) => new RandomSearch({ space, seed }), estimator, 5, 50);
  assert.ok(ours > random + 0.25, `bananas ${ours.toFixed(3)} vs random ${random.toFixed(3)}`);
});
