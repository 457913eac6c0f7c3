// The evolutionary strategies record the trial a proposal derives from as `attrs.parent` (read by weight inheritance).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NB201_OPS, Nb201Space } from '../../src/space/nb201/space.js';
import type { Sample } from '../../src/space/types.js';
import { createStrategy } from '../../src/strategy/registry.js';

const space = new Nb201Space();
const value = (s: Sample): number => Object.values(s).reduce<number>((a, op) => a * 5 + NB201_OPS.indexOf(op as never), 0);
const edits = (a: Sample, b: Sample): number => Object.keys(a).filter((k) => a[k] !== b[k]).length;

for (const [name, options, oneEdit] of [
  ['rea', { population: 5, sample_size: 2, dedup: false }, true],
  // Deduplicated by exact key: a skipped duplicate's result is an earlier trial of the same sample.
  ['rea', { population: 5, sample_size: 2, dedup: { by: 'key', dedup_tries: 5 } }, true],
  ['rea', { population: 5, sample_size: 2 }, null],
  ['local', { initial: 5 }, true],
  ['ga', { population: 6, dedup: { by: 'key', dedup_tries: 5 } }, false],
  ['ga', { population: 6 }, false],
] as const) {
  test(`${name} ${JSON.stringify(options)}: a derived proposal names its parent trial in attrs.parent`, () => {
    const strategy = createStrategy(name, { space, seed: 4 }, options);
    const samples: Sample[] = [];
    let withParent = 0;
    for (let trial = 0; trial < 40; trial++) {
      const p = strategy.ask();
      samples.push(p.sample);
      const parent = p.attrs?.parent;
      if (parent !== undefined) {
        withParent++;
        assert.ok(typeof parent === 'number' && parent < trial, `trial ${trial}: parent ${String(parent)}`);
        // With the default deduplication (by isomorphism) the parent may be an isomorphic copy of the mutated cell.
        if (oneEdit === true) assert.equal(edits(samples[parent], p.sample), 1, `trial ${trial} is one edit of its parent`);
        if (oneEdit === false) assert.equal(parent, (p.attrs?.parents as number[])[0]);
      }
      strategy.tell({ trial, sample: p.sample, state: 'complete', value: value(p.sample) });
    }
    assert.ok(withParent >= 20, `${withParent} proposals with a parent`);
  });
}
