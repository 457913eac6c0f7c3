import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../src/errors.js';
import { Categorical } from '../../src/space/choice.js';
import { Nb201Space } from '../../src/space/nb201/space.js';
import { ProductSpace } from '../../src/space/product-space.js';
import type { Sample } from '../../src/space/types.js';
import { MetaQnn, metaQnnEpsilon } from '../../src/strategy/metaqnn.js';
import { createStrategy } from '../../src/strategy/registry.js';

/** A two-step chain MDP: pick a ∈ {0, 1}, then b ∈ {0, 1, 2}; reward R[a][b] at the end. */
class TinyChain extends ProductSpace {
  readonly name = 'tiny-chain';
  readonly description = 'two choices in a row';
  constructor() {
    super([new Categorical<number>('a', [0, 1]), new Categorical<number>('b', [0, 1, 2])]);
  }
  size(): number {
    return 6;
  }
  format(sample: Sample): string {
    return `${sample.a}${sample.b}`;
  }
  parse(text: string): Sample {
    return this.freeze({ a: Number(text[0]), b: Number(text[1]) });
  }
}

const R = [
  [0.2, 0.6, 0.4],
  [0.9, 0.1, 0.3],
];

test('metaqnn: Q-values converge on a tiny chain MDP to the closed-form values (γ = 1: Q(b|a) = R[a][b], Q(a) = max_b R[a][b])', () => {
  const space = new TinyChain();
  // horizon huge: ε stays 1, every pair keeps being visited.
  const agent = new MetaQnn({ space, seed: 4 }, { horizon: 1_000_000 });
  for (let t = 0; t < 400; t++) {
    const p = agent.ask();
    agent.tell({ trial: t, sample: p.sample, state: 'complete', value: 100 * R[p.sample.a as number][p.sample.b as number] });
  }
  const close = (got: number[], want: number[]): void => got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) < 1e-3, `got ${got}, want ${want}`));
  close(agent.qValues(1, 0), R[0]);
  close(agent.qValues(1, 1), R[1]);
  close(agent.qValues(0, -1), [0.6, 0.9]);
  // A learning rate of 0 leaves the initial values: the update, not chance, moved them.
  const frozen = new MetaQnn({ space, seed: 4 }, { horizon: 1_000_000, learning_rate: 0 });
  for (let t = 0; t < 50; t++) {
    const p = frozen.ask();
    frozen.tell({ trial: t, sample: p.sample, state: 'complete', value: 50 });
  }
  assert.deepEqual(frozen.qValues(0, -1), [0.5, 0.5]);
});

test('metaqnn: after the schedule the greedy policy proposes the best architecture', () => {
  const space = new TinyChain();
  // Horizon 6: ε reaches its final 0.1 once all 6 architectures have been seen.
  const agent = new MetaQnn({ space, seed: 9 }, { horizon: 6 });
  let best = 0;
  for (let t = 0; t < 200; t++) {
    const p = agent.ask();
    if (t >= 100 && p.sample.a === 1 && p.sample.b === 0) best++;
    agent.tell({ trial: t, sample: p.sample, state: 'complete', value: 100 * R[p.sample.a as number][p.sample.b as number] });
  }
  assert.equal(agent.epsilon, 0.1);
  // Greedy 90 % of the time, and 1 in 6 of the random picks: about 91 of 100; uniform would give about 17.
  assert.ok(best > 75, `best proposed ${best} times in the last 100`);
});

test('metaqnn: the ε schedule is the paper\'s (1.0 for 1,500 of 2,700 models, down to 0.1) stretched to the horizon', () => {
  assert.equal(metaQnnEpsilon(0, 2700), 1);
  assert.equal(metaQnnEpsilon(1499, 2700), 1);
  assert.equal(metaQnnEpsilon(1500, 2700), 0.9);
  assert.equal(metaQnnEpsilon(1800, 2700), 0.6);
  assert.equal(metaQnnEpsilon(2549, 2700), 0.2);
  assert.equal(metaQnnEpsilon(2550, 2700), 0.1);
  assert.equal(metaQnnEpsilon(1e6, 2700), 0.1);
  assert.equal(metaQnnEpsilon(82, 150), 1);
  assert.equal(metaQnnEpsilon(83, 150), 0.9);
  assert.equal(metaQnnEpsilon(150, 150), 0.1);
});

test('metaqnn: deterministic per seed on NB201, registered behind dedup, failures ignored, options validated', () => {
  const space = new Nb201Space();
  const run = (seed: number): string[] => {
    const s = createStrategy('metaqnn', { space, seed }, { horizon: 20 });
    const keys: string[] = [];
    for (let t = 0; t < 60; t++) {
      const p = s.ask();
      keys.push(space.key(p.sample));
      const convs = Object.values(p.sample).filter((o) => o === 'nor_conv_3x3').length;
      s.tell(t % 9 === 4 ? { trial: t, sample: p.sample, state: 'failed', value: null } : { trial: t, sample: p.sample, state: 'complete', value: 10 * convs });
    }
    return keys;
  };
  assert.deepEqual(run(1), run(1));
  assert.notDeepEqual(run(1), run(2));
  assert.throws(() => new MetaQnn({ space, seed: 0 }, { learning_rate: 2 }), (e: unknown) => e instanceof ConfigError && e.message.includes('learning_rate'));
});
