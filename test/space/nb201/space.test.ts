import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SampleError } from '../../../src/errors.js';
import { Nb201Table } from '../../../src/space/nb201/table.js';
import { Nb201Space } from '../../../src/space/nb201/space.js';
import { Rng } from '../../../src/util/rng.js';
import { testDataDir } from '../../helpers/data.js';

const space = new Nb201Space();

test('nb201: the iso key reproduces the benchmark iso_key column for all 15,625 architectures', () => {
  const table = Nb201Table.load(testDataDir());
  const classes = new Set<string>();
  for (let i = 0; i < table.size; i++) {
    const sample = space.parse(table.archs[i]);
    assert.equal(space.isoKey(sample), table.isoKeys[i], `index ${i}: ${table.archs[i]}`);
    classes.add(space.isoKey(sample));
  }
  assert.equal(classes.size, 6466);
  assert.equal(space.uniqueSize(), classes.size);
});

test('nb201: arch strings round-trip through parse and format', () => {
  const table = Nb201Table.load(testDataDir());
  for (let i = 0; i < table.size; i += 7) assert.equal(space.format(space.parse(table.archs[i])), table.archs[i]);
});

test('nb201: bad arch strings name the offending part and the valid choices', () => {
  const cases = [
    '|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|',
    '|none~0|+|none~0|+|none~0|none~1|none~2|',
    '|none~1|+|none~0|none~1|+|none~0|none~1|none~2|',
    'garbage',
  ];
  for (const text of cases) {
    assert.throws(() => space.parse(text), (error: unknown) => error instanceof SampleError && /none, skip_connect/.test(error.message));
  }
  try {
    space.parse(cases[0]);
  } catch (error) {
    assert.equal((error as SampleError).path, 'edge_1_0');
    assert.equal((error as SampleError).code, 'SAMPLE_INVALID_VALUE');
  }
});

test('nb201: encodings round-trip and have the documented sizes', () => {
  const rng = new Rng(3);
  for (let i = 0; i < 200; i++) {
    const sample = space.random(rng);
    assert.deepEqual(space.decode(space.encode(sample, 'onehot'), 'onehot'), sample);
    assert.deepEqual(space.decode(space.encode(sample, 'adjacency'), 'adjacency'), sample);
    assert.equal(space.encode(sample, 'onehot').length, 30);
    assert.equal(space.encode(sample, 'path').length, 84);
  }
  // All-conv3x3 cell: 4 paths, one of length 1, two of length 2, one of length 3.
  const conv = space.parse('|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|');
  assert.equal(space.encode(conv, 'path').reduce((a, b) => a + b, 0), 4);
  const empty = space.parse('|none~0|+|none~0|none~1|+|none~0|none~1|none~2|');
  assert.equal(space.encode(empty, 'path').reduce((a, b) => a + b, 0), 0);
});

test('nb201: mutation is one edit inside the space; neighbours are all 24 single edits', () => {
  const rng = new Rng(11);
  for (let i = 0; i < 500; i++) {
    const a = space.random(rng);
    const b = space.mutate(a, rng);
    assert.equal(space.check(b), null);
    const diff = Object.keys(a).filter((k) => a[k] !== b[k]);
    assert.equal(diff.length, 1);
    assert.equal(space.neighbours(a).length, 24);
    const c = space.crossover(a, space.random(rng), rng);
    assert.equal(space.check(c), null);
  }
});
