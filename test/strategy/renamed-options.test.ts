// Every option renamed to snake_case (issue 17) still works under its old spelling: the same
// behaviour as the new name, its values checked under the new name, and one deprecation line on
// stderr per old name and process, naming the new one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { captureStderr } from '../helpers/stderr.js';
import { ConfigError } from '../../src/errors.js';
import { Categorical, IntRange } from '../../src/space/choice.js';
import { ProductSpace } from '../../src/space/product-space.js';
import type { Sample } from '../../src/space/types.js';
import { Deduplicated } from '../../src/strategy/deduplicated.js';
import { createStrategy } from '../../src/strategy/registry.js';
import { RandomSearch } from '../../src/strategy/random-search.js';
import type { Strategy } from '../../src/strategy/types.js';
import { validateConfig } from '../../src/experiment/config.js';

/** Three small leaves: 72 architectures. */
class ToySpace extends ProductSpace {
  readonly name = 'renamed-toy';
  readonly description = 'two categorical leaves and an integer';
  constructor() {
    super([new Categorical('a', ['p', 'q', 'r', 's']), new Categorical('b', ['x', 'y', 'z']), new IntRange('c', 0, 5)]);
  }
  size(): number {
    return 72;
  }
  format(sample: Sample): string {
    return JSON.stringify(sample);
  }
  parse(text: string): Sample {
    return this.freeze(JSON.parse(text) as Record<string, unknown>);
  }
}
const space = new ToySpace();
const score = (s: Sample): number => ['p', 'q', 'r', 's'].indexOf(s.a as string) * 3 + ['x', 'y', 'z'].indexOf(s.b as string) + (s.c as number) / 10;

/** The keys of `n` proposals, each told its score at once. */
function run(strategy: Strategy, n: number): string[] {
  const keys: string[] = [];
  for (let t = 0; t < n; t++) {
    const { sample, fidelity } = strategy.ask();
    keys.push(`${fidelity ?? ''}|${space.key(sample)}`);
    strategy.tell({ trial: t, sample, state: 'complete', value: score(sample), fidelity });
  }
  return keys;
}

/** Runs `fn`, returning what it wrote on stderr. */
const stderrOf = (fn: () => void): string => captureStderr(fn).text;

/** strategy, old name, new name, a valid value that differs from the default, a value the new name refuses. */
const RENAMED: readonly (readonly [string, string, string, number, number])[] = [
  ['bananas', 'learningRate', 'learning_rate', 0.5, -1],
  ['bananas', 'batchSize', 'batch_size', 1, 0],
  ['pnas', 'learningRate', 'learning_rate', 0.5, -1],
  ['ppo', 'batchSize', 'batch_size', 2, 0],
  ['ppo', 'learningRate', 'learning_rate', 2, -1],
  ['ppo', 'baselineDecay', 'baseline_decay', 0.1, 2],
  ['ppo', 'entropyBonus', 'entropy_bonus', 1, -1],
  ['ppo', 'resample', 'dedup_tries', 1, 0],
];

/** Small settings for the model-based strategies, so that a few asks stay fast. */
const SMALL: Readonly<Record<string, Record<string, unknown>>> = {
  bananas: { ensemble: 1, epochs: 3, initial: 2, width: 4, random: 20, mutations: 2, incumbents: 2 },
  pnas: { ensemble: 1, epochs: 3, beam: 2, width: 4, completions: 2 },
  ppo: {},
};

for (const [name, old, renamed, value, bad] of RENAMED) {
  test(`${name}: the old option ${old} works as ${renamed}, with one deprecation line`, () => {
    const context = { space, seed: 5 };
    const base = SMALL[name];
    let viaOld: string[] = [];
    const printed = stderrOf(() => {
      viaOld = run(createStrategy(name, context, { ...base, [old]: value }), 12);
      run(createStrategy(name, context, { ...base, [old]: value }), 2);
    });
    assert.deepEqual(viaOld, run(createStrategy(name, context, { ...base, [renamed]: value }), 12));
    const lines = printed.split('\n').filter((l) => l.includes(`"${old}"`));
    assert.deepEqual(lines, [`naskit: ${name}: option "${old}" is deprecated; use "${renamed}"`]);
    // The value is checked under the new name, so the old name really reaches the option.
    assert.throws(
      () => createStrategy(name, context, { ...base, [old]: bad }),
      (e: unknown) => e instanceof ConfigError && e.code === 'BAD_STRATEGY_OPTION' && e.message.includes(renamed),
    );
    // Both spellings at once is refused: one of the two values would be dropped silently.
    assert.throws(() => createStrategy(name, context, { ...base, [old]: value, [renamed]: value }), (e: unknown) => e instanceof ConfigError && e.message.includes(old) && e.message.includes(renamed));
  });
}

test('bananas: acquisition "its" works as "thompson", with one deprecation line', () => {
  const context = { space, seed: 2 };
  const base = SMALL.bananas;
  let viaOld: string[] = [];
  const printed = stderrOf(() => {
    viaOld = run(createStrategy<string>('bananas', context, { ...base, acquisition: 'its' }), 10);
    createStrategy<string>('bananas', context, { ...base, acquisition: 'its' });
  });
  assert.deepEqual(viaOld, run(createStrategy('bananas', context, { ...base, acquisition: 'thompson' }), 10));
  // The model's proposals name the acquisition they were chosen by: the old value reached the option.
  const strategy = createStrategy<string>('bananas', context, { ...base, acquisition: 'its' });
  run(strategy, 4);
  assert.equal(strategy.ask().attrs?.role, 'thompson');
  assert.deepEqual(printed.trim().split('\n'), ['naskit: bananas: acquisition "its" is deprecated; use "thompson"']);
});

test('dedup: max_retries works as dedup_tries, in the registry and on Deduplicated', () => {
  const context = { space, seed: 1 };
  let viaOld: string[] = [];
  const printed = stderrOf(() => {
    viaOld = run(createStrategy('rea', context, { population: 4, sample_size: 2, dedup: { max_retries: 0 } }), 40);
    run(new Deduplicated(new RandomSearch(context), space, { max_retries: 0 }), 3);
  });
  assert.deepEqual(viaOld, run(createStrategy('rea', context, { population: 4, sample_size: 2, dedup: { dedup_tries: 0 } }), 40));
  assert.notDeepEqual(viaOld, run(createStrategy('rea', context, { population: 4, sample_size: 2 }), 40), 'dedup_tries 0 must differ from the default 3 here');
  assert.deepEqual(printed.trim().split('\n'), ['naskit: dedup: option "max_retries" is deprecated; use "dedup_tries"']);
  assert.throws(() => new Deduplicated(new RandomSearch(context), space, { max_retries: -1 }), (e: unknown) => e instanceof ConfigError && e.message.includes('dedup_tries'));
});

test('config: the train estimator\'s lr works as learning_rate, with one deprecation line', () => {
  const config = (estimator: Record<string, unknown>) => ({ name: 'renamed', space: 'nb201', strategy: { name: 'random' }, estimator: { name: 'train', ...estimator }, budget: { trials: 1 } });
  let viaOld: Record<string, unknown> = {};
  const printed = stderrOf(() => {
    viaOld = validateConfig(config({ lr: 0.03 })).estimator;
    validateConfig(config({ lr: 0.03 }));
  });
  assert.equal(viaOld.learning_rate, 0.03);
  assert.equal('lr' in viaOld, false);
  assert.deepEqual(viaOld, validateConfig(config({ learning_rate: 0.03 })).estimator);
  assert.deepEqual(printed.trim().split('\n'), ['naskit: estimator: option "lr" is deprecated; use "learning_rate"']);
  assert.throws(() => validateConfig(config({ lr: -1 })), (e: unknown) => e instanceof ConfigError && e.code === 'CONFIG_INVALID' && e.message.includes('learning_rate'));
  assert.throws(() => validateConfig(config({ lr: 0.1, learning_rate: 0.1 })), (e: unknown) => e instanceof ConfigError && e.code === 'CONFIG_INVALID');
});
