import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../src/errors.js';
import { Categorical } from '../../src/space/choice.js';
import { ProductSpace } from '../../src/space/product-space.js';
import type { Sample } from '../../src/space/types.js';
import { FactorizedPolicy, ppoObjective, type PolicySample } from '../../src/strategy/predictor/policy.js';
import { Ppo } from '../../src/strategy/ppo.js';

const close = (a: number, b: number, tol: number, what: string): void => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('ppo: the clipped objective and its gradient on a hand example', () => {
  // One dimension, two choices, logits (0, 0): π = (½, ½).
  const policy = new FactorizedPolicy([2]);
  const half = Math.log(0.5);
  // Inside the trust region: ratio 0.5/0.4 = 1.25 > 1.2 with A > 0 → clipped, no gradient.
  // ratio 0.5/0.5 = 1 with A = −2 → unclipped: value −2, gradient A·ρ·(onehot − π).
  const batch: PolicySample[] = [
    { action: [0], oldLogProb: Math.log(0.4), advantage: 1 },
    { action: [1], oldLogProb: half, advantage: -2 },
  ];
  const { value, gradient } = ppoObjective(policy, batch, 0.2);
  close(value, (1.2 * 1 + 1 * -2) / 2, 1e-12, 'objective');
  // Only the second sample: (−2)(1)(0 − ½, 1 − ½)/2 = (½, −½).
  close(gradient[0][0], 0.5, 1e-12, 'd/dz0');
  close(gradient[0][1], -0.5, 1e-12, 'd/dz1');
});

test('ppo: the gradient matches finite differences away from the clipping kinks', () => {
  const policy = new FactorizedPolicy([3, 2]);
  policy.logits[0].set([0.3, -0.2, 0.1]);
  policy.logits[1].set([0.5, -0.4]);
  const batch: PolicySample[] = [
    { action: [0, 1], oldLogProb: Math.log(0.2), advantage: 0.7 },
    { action: [2, 0], oldLogProb: Math.log(0.25), advantage: -1.1 },
    { action: [1, 1], oldLogProb: Math.log(0.01), advantage: 0.4 },
  ];
  const { gradient } = ppoObjective(policy, batch, 0.2, 0.05);
  const h = 1e-6;
  for (let d = 0; d < 2; d++) {
    for (let k = 0; k < policy.logits[d].length; k++) {
      const saved = policy.logits[d][k];
      policy.logits[d][k] = saved + h;
      const up = ppoObjective(policy, batch, 0.2, 0.05).value;
      policy.logits[d][k] = saved - h;
      const down = ppoObjective(policy, batch, 0.2, 0.05).value;
      policy.logits[d][k] = saved;
      close(gradient[d][k], (up - down) / (2 * h), 1e-6, `d/dz[${d}][${k}]`);
    }
  }
});

class ToySpace extends ProductSpace {
  readonly name = 'toy';
  readonly description = 'five choices of eight values';
  constructor() {
    super(Array.from({ length: 5 }, (_, i) => new Categorical(`c${i}`, [0, 1, 2, 3, 4, 5, 6, 7])));
  }
  size(): number {
    return 8 ** 5;
  }
  format(sample: Sample): string {
    return JSON.stringify(sample);
  }
  parse(text: string): Sample {
    return this.freeze(JSON.parse(text) as Record<string, unknown>);
  }
}

test('ppo: on a separable toy problem the policy concentrates on the best values', () => {
  const space = new ToySpace();
  const reward = (s: Sample): number => space.leaves().reduce((acc, leaf) => acc + (s[leaf.label] as number), 0);
  const ppo = new Ppo({ space, seed: 1 }, { batch_size: 10, learning_rate: 0.1 });
  const late: number[] = [];
  for (let trial = 0; trial < 300; trial++) {
    const { sample } = ppo.ask();
    ppo.tell({ trial, sample, state: 'complete', value: reward(sample) });
    if (trial >= 250) late.push(reward(sample));
  }
  // Uniform proposals average 17.5 of a possible 35.
  const mean = late.reduce((s, r) => s + r, 0) / late.length;
  assert.ok(mean > 28, `mean reward of the last 50 proposals: ${mean}`);
});

test('ppo: bad options are a ConfigError naming the option', () => {
  assert.throws(() => new Ppo({ space: new ToySpace(), seed: 0 }, { clip: 5 }), (e: unknown) => e instanceof ConfigError && e.code === 'BAD_STRATEGY_OPTION' && /clip/.test(e.message));
  assert.throws(() => new Ppo({ space: new ToySpace(), seed: 0 }, { epoch: 3 } as Record<string, unknown>), (e: unknown) => e instanceof ConfigError && /epochs/.test(e.message));
});
