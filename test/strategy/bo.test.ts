import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../src/errors.js';
import { TabularEstimator } from '../../src/estimate/tabular.js';
import { Nb201Table } from '../../src/space/nb201/table.js';
import { Categorical } from '../../src/space/choice.js';
import { Nb201Space } from '../../src/space/nb201/space.js';
import { ProductSpace } from '../../src/space/product-space.js';
import type { Sample } from '../../src/space/types.js';
import { BayesianOptimization } from '../../src/strategy/bayesian-optimization.js';
import { RandomSearch } from '../../src/strategy/random-search.js';
import type { Strategy } from '../../src/strategy/types.js';
import { testDataDir } from '../helpers/data.js';

const isConfigError = (option: string) => (e: unknown) => e instanceof ConfigError && e.code === 'BAD_STRATEGY_OPTION' && e.message.includes(option);

class Flat extends ProductSpace {
  readonly name = 'flat';
  readonly description = 'two choices';
  constructor() {
    super([new Categorical('a', [1, 2, 3]), new Categorical('b', ['x', 'y'])]);
  }
  size(): number {
    return 6;
  }
  format(sample: Sample): string {
    return JSON.stringify(sample);
  }
  parse(text: string): Sample {
    return this.freeze(JSON.parse(text) as Record<string, unknown>);
  }
}

test('bo-gp: bad options are ConfigErrors naming the option and the choices', () => {
  const context = { space: new Nb201Space(), seed: 0 };
  assert.throws(() => new BayesianOptimization(context, { acquisition: 'pi' } as Record<string, unknown>), isConfigError('acquisition'));
  assert.throws(() => new BayesianOptimization(context, { acquisition: 'pi' } as Record<string, unknown>), /"ei", "ucb", "thompson"/);
  assert.throws(() => new BayesianOptimization(context, { initial: 1 }), isConfigError('initial'));
  assert.throws(() => new BayesianOptimization(context, { kernal: 'rbf' } as Record<string, unknown>), isConfigError('kernel'));
  // The path encoding exists on NB201 only.
  assert.throws(() => new BayesianOptimization({ space: new Flat(), seed: 0 }, { encoding: 'path' }), isConfigError('encoding'));
});

test('bo-gp: outstanding asks are never proposed twice, and a small space runs out gracefully', () => {
  const space = new Nb201Space();
  const bo = new BayesianOptimization({ space, seed: 2 }, { initial: 3 });
  for (let trial = 0; trial < 5; trial++) {
    const { sample } = bo.ask();
    bo.tell({ trial, sample, state: 'complete', value: trial });
  }
  const iso = new Set<string>();
  for (let i = 0; i < 15; i++) iso.add(space.isoKey(bo.ask().sample));
  assert.equal(iso.size, 15);
  const flat = new BayesianOptimization({ space: new Flat(), seed: 1 }, { initial: 2 });
  for (let trial = 0; trial < 10; trial++) {
    const { sample } = flat.ask();
    flat.tell({ trial, sample, state: 'complete', value: trial % 3 });
  }
});

/** Mean best signal over seeds after `queries` sequential evaluations. */
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

test('bo-gp: on NB201 (CIFAR-10, valid_12ep) it finds better architectures than random search in 50 queries', () => {
  const space = new Nb201Space();
  const estimator = new TabularEstimator(Nb201Table.load(testDataDir()), space, { dataset: 'cifar10', signal: 'valid_12ep' });
  const bo = meanBest((seed) => new BayesianOptimization({ space, seed }), estimator, 6, 50);
  const random = meanBest((seed) => new RandomSearch({ space, seed }), estimator, 6, 50);
  // Random search's best of 50 averages about 83.9; the GP should be well above it.
  assert.ok(bo > random + 0.25, `bo-gp ${bo.toFixed(3)} vs random ${random.toFixed(3)}`);
});
