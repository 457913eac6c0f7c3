import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../src/errors.js';
import { Nb201Space } from '../../src/space/nb201/space.js';
import type { Sample } from '../../src/space/types.js';
import { Pnas } from '../../src/strategy/pnas.js';

const space = new Nb201Space();
const labels = space.leaves().map((l) => l.label);
const prefix = (s: Sample, n: number): string => JSON.stringify(labels.slice(0, n).map((l) => s[l]));
/** A made-up signal that rewards convolutions, so that the surrogate has something to rank. */
const signal = (s: Sample): number => labels.reduce((acc, l) => acc + (s[l] === 'nor_conv_3x3' ? 3 : s[l] === 'none' ? 0 : 1), 0);

function run(options: Record<string, unknown>, asks: number): { sample: Sample; stage: number }[] {
  const pnas = new Pnas({ space, seed: 4 }, options);
  const out: { sample: Sample; stage: number }[] = [];
  for (let trial = 0; trial < asks; trial++) {
    const { sample, attrs } = pnas.ask();
    out.push({ sample, stage: attrs?.stage as number });
    pnas.tell({ trial, sample, state: 'complete', value: signal(sample) });
  }
  return out;
}

test('pnas: stage b evaluates K expansions of the previous stage by one more leaf', () => {
  const K = 5;
  const asked = run({ beam: K, ensemble: 2, epochs: 20 }, K * labels.length);
  asked.forEach((a, i) => assert.equal(a.stage, Math.floor(i / K), `ask ${i}`));
  for (let b = 1; b < labels.length; b++) {
    const parents = new Set(asked.filter((a) => a.stage === b - 1).map((a) => prefix(a.sample, b)));
    for (const child of asked.filter((a) => a.stage === b)) assert.ok(parents.has(prefix(child.sample, b)), `stage ${b}: ${space.format(child.sample)} extends no architecture of stage ${b - 1}`);
  }
  // Stage 0 spreads over the values of the first leaf.
  assert.equal(new Set(asked.slice(0, K).map((a) => a.sample[labels[0]])).size, K);
});

test('pnas: with fill "default" the leaves not yet expanded hold their default', () => {
  const K = 4;
  const asked = run({ beam: K, fill: 'default', ensemble: 2, epochs: 20 }, K * 3);
  for (const a of asked) {
    for (let l = a.stage + 1; l < labels.length; l++) assert.equal(a.sample[labels[l]], space.leaves()[l].default(), `${space.format(a.sample)} at stage ${a.stage}`);
  }
});

test('pnas: bad options are ConfigErrors naming the option', () => {
  assert.throws(() => new Pnas({ space, seed: 0 }, { fill: 'zero' } as Record<string, unknown>), (e: unknown) => e instanceof ConfigError && e.code === 'BAD_STRATEGY_OPTION' && /fill/.test(e.message));
  assert.throws(() => new Pnas({ space, seed: 0 }, { beam: 0 }), (e: unknown) => e instanceof ConfigError && /beam/.test(e.message));
});
