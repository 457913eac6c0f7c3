// The space contract, checked on every registered space (one table: the registry).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SampleError } from '../../src/errors.js';
import { ProductSpace } from '../../src/space/product-space.js';
import { ModelSpace } from '../../src/space/model-space.js';
import { cell, conv, graph, identity, inputChoice, layerChoice, maxPool, mbconv, repeat, sequential, valueChoice, zero } from '../../src/space/primitives.js';
import { registerSpace, SPACES } from '../../src/space/registry.js';
import type { Sample, Space } from '../../src/space/types.js';
import { Rng } from '../../src/util/rng.js';

const SAMPLES = 30;

const changed = (a: Sample, b: Sample): string[] => Object.keys(a).filter((k) => a[k] !== b[k]);
const draw = (space: Space, seed: number, n = SAMPLES): Sample[] => {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => space.random(rng));
};

// A model space written with every choice primitive goes through the same contract as the built-in spaces.
registerSpace('model-space', {
  options: {},
  create: () =>
    new ModelSpace(
      'model-space',
      sequential({
        stem: conv({ out: valueChoice([8, 16], { label: 'width' }) }),
        body: repeat(() => layerChoice({ mb: mbconv({ kernel: valueChoice([3, 5]), expansion: valueChoice([3, 6]) }), pool: maxPool() }), [1, 2, 3]),
        cell: cell({ nodes: 3, inputs: 2, ops: { skip: identity(), conv: conv({ kernel: 3 }), none: zero() }, output: 'concat' }),
        graph: graph([
          { name: 'a', inputs: [0], op: conv({}) },
          { name: 'b', inputs: inputChoice([0, 1], 1), op: identity() },
        ]),
        head: conv({ out: valueChoice([8, 16], { label: 'width' }), kernel: 1 }),
      }),
    ),
});

for (const [name, make] of Object.entries(SPACES)) {
  const space = make();

  test(`${name}: registered name, unique labels, sizes`, () => {
    assert.equal(space.name, name);
    const labels = space.leaves().map((l) => l.label);
    assert.equal(new Set(labels).size, labels.length);
    const size = space.size();
    assert.ok(size === null || size > 0);
    const unique = space.uniqueSize();
    assert.ok(unique === null || (size !== null && unique > 0 && unique <= size));
  });

  test(`${name}: random samples are valid, frozen, JSON-safe, and the same seed gives the same samples`, () => {
    const a = draw(space, 7);
    assert.deepEqual(draw(space, 7), a);
    assert.notDeepEqual(draw(space, 8), a);
    for (const s of a) {
      assert.equal(space.check(s), null);
      assert.ok(Object.isFrozen(s));
      assert.deepEqual(Object.keys(s), space.leaves().map((l) => l.label));
      assert.deepEqual(space.freeze(JSON.parse(JSON.stringify(s)) as Record<string, unknown>), s);
    }
  });

  test(`${name}: mutation is one valid edit, and one of the neighbours`, () => {
    const rng = new Rng(21);
    for (const s of draw(space, 1)) {
      const child = space.mutate(s, rng);
      assert.equal(space.check(child), null);
      const diff = changed(s, child);
      if (space instanceof ProductSpace) assert.equal(diff.length, 1);
      else assert.ok(diff.length >= 1);
      assert.ok(space.neighbours(s).some((n) => space.key(n) === space.key(child)));
    }
  });

  test(`${name}: neighbours are valid, distinct and each one edit away`, () => {
    for (const s of draw(space, 2, 10)) {
      const neighbours = space.neighbours(s);
      assert.ok(neighbours.length > 0);
      const keys = new Set(neighbours.map((n) => space.key(n)));
      assert.equal(keys.size, neighbours.length);
      assert.ok(!keys.has(space.key(s)));
      for (const n of neighbours) {
        assert.equal(space.check(n), null);
        if (space instanceof ProductSpace) assert.equal(changed(s, n).length, 1);
      }
    }
  });

  test(`${name}: crossover stays in the space and takes every choice from a parent`, () => {
    const rng = new Rng(5);
    const parents = draw(space, 3);
    for (let i = 0; i + 1 < parents.length; i += 2) {
      const [a, b] = [parents[i], parents[i + 1]];
      const child = space.crossover(a, b, rng);
      assert.equal(space.check(child), null);
      for (const label of Object.keys(child)) assert.ok(child[label] === a[label] || child[label] === b[label], label);
    }
  });

  test(`${name}: format/parse round-trip; key and isoKey are stable`, () => {
    for (const s of draw(space, 4)) {
      const text = space.format(s);
      const back = space.parse(text);
      assert.deepEqual(back, s);
      assert.equal(space.format(back), text);
      assert.equal(space.key(back), space.key(s));
      assert.equal(space.isoKey(back), space.isoKey(s));
      // Key order of the input object does not matter.
      const reversed = Object.fromEntries(Object.entries(s).reverse());
      assert.equal(space.key(space.freeze(reversed)), space.key(s));
    }
    const [a, b] = draw(space, 6, 2);
    assert.notEqual(space.key(a), space.key(b));
    assert.throws(() => space.parse('%%% not an architecture %%%'), SampleError);
  });

  test(`${name}: encodings have a fixed length and decode where invertible (onehot always)`, () => {
    assert.ok(space.encodings().includes('onehot'));
    const samples = draw(space, 9, 10);
    for (const encoding of space.encodings()) {
      const length = space.encode(samples[0], encoding).length;
      let invertible = true;
      for (const s of samples) {
        const vector = space.encode(s, encoding);
        assert.equal(vector.length, length);
        assert.ok(vector.every((x) => Number.isFinite(x)));
        if (!invertible) continue;
        try {
          assert.deepEqual(space.decode(vector, encoding), s);
        } catch (error) {
          if (!(error instanceof SampleError && error.code === 'ENCODING_UNSUPPORTED') || encoding === 'onehot') throw error;
          invertible = false;
        }
      }
    }
  });

  test(`${name}: a bad value, a missing or unknown label gets a SampleError with its path`, () => {
    const [s] = draw(space, 10, 1);
    for (const leaf of space.leaves().slice(0, 5)) {
      const bad = space.check({ ...s, [leaf.label]: '__not_a_choice__' });
      assert.ok(bad instanceof SampleError);
      assert.equal(bad.code, 'SAMPLE_INVALID_VALUE');
      assert.equal(bad.path, leaf.label);
      assert.throws(() => space.freeze({ ...s, [leaf.label]: '__not_a_choice__' }), SampleError);
      const missing = Object.fromEntries(Object.entries(s).filter(([k]) => k !== leaf.label));
      const error = space.check(missing);
      assert.ok(error instanceof SampleError && error.code === 'SAMPLE_MISSING_LABEL' && error.path === leaf.label);
    }
    const unknown = space.check({ ...s, no_such_choice: 1 });
    assert.ok(unknown instanceof SampleError && unknown.path === 'no_such_choice');
    assert.ok(space.check(null) instanceof SampleError);
  });
}
