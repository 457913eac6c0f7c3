import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, SampleError } from '../../src/errors.js';
import { ModelSpace } from '../../src/space/model-space.js';
import { cell, conv, graph, identity, inputChoice, layerChoice, maxPool, repeat, sequential, valueChoice } from '../../src/space/primitives.js';
import { createSpace, registerSpace, SPACES } from '../../src/space/registry.js';
import { Rng } from '../../src/util/rng.js';

/** A small model space using every primitive; its choices are listed by hand below. */
export function tinySpace(): ModelSpace {
  return new ModelSpace(
    'tiny',
    sequential({
      stem: conv({ out: valueChoice([4, 8]), kernel: 3 }),
      body: repeat(() => layerChoice({ conv: conv({ kernel: valueChoice([1, 3]) }), pool: maxPool() }), [1, 2]),
      cell: cell({ nodes: 2, inputs: 1, ops: { skip: identity(), conv: conv({ kernel: 1 }) } }),
    }),
  );
}

const TINY_CHOICES: Record<string, readonly (string | number)[]> = {
  'stem.out': [4, 8],
  'body.depth': [1, 2],
  'body.0': ['conv', 'pool'],
  'body.0.conv.kernel': [1, 3],
  'body.1': ['conv', 'pool'],
  'body.1.conv.kernel': [1, 3],
  'cell.node_1.op_0': ['skip', 'conv'],
  'cell.node_2.inputs': [0, 1],
  'cell.node_2.op_0': ['skip', 'conv'],
};

test('model space: the leaves are exactly its choices, one per primitive, labelled by path, in tree order', () => {
  const space = tinySpace();
  assert.deepEqual(
    space.leaves().map((l) => [l.label, l.grid()]),
    Object.entries(TINY_CHOICES),
  );
  assert.equal(space.size(), 2 ** 9);
  assert.equal(space.encode(space.random(new Rng(1)), 'onehot').length, 18);
});

test('model space: key, encode/decode, mutation, neighbours and parse work without the engine', () => {
  const space = tinySpace();
  const rng = new Rng(4);
  for (let i = 0; i < 30; i++) {
    const s = space.random(rng);
    assert.equal(space.check(s), null);
    assert.deepEqual(space.decode(space.encode(s, 'onehot'), 'onehot'), s);
    assert.deepEqual(space.parse(space.format(s)), s);
    const m = space.mutate(s, rng);
    assert.equal(Object.keys(s).filter((k) => s[k] !== m[k]).length, 1);
    const n = space.neighbours(s);
    assert.equal(n.length, 9, 'every leaf has one other value');
    assert.equal(new Set(n.map((x) => space.key(x))).size, 9);
  }
  const bad = space.check({ ...space.random(rng), 'stem.out': 5 });
  assert.ok(bad instanceof SampleError);
  assert.equal(bad.path, 'stem.out');
});

test('model space: a sample resolves to the network it describes; inactive choices do not change isoKey', () => {
  const space = tinySpace();
  const sample = space.freeze({
    'stem.out': 8,
    'body.depth': 1,
    'body.0': 'conv',
    'body.0.conv.kernel': 3,
    'body.1': 'pool',
    'body.1.conv.kernel': 1,
    'cell.node_1.op_0': 'conv',
    'cell.node_2.inputs': 1,
    'cell.node_2.op_0': 'skip',
  });
  assert.deepEqual(space.resolve(sample), {
    kind: 'sequential',
    children: [
      { kind: 'module', type: 'conv', args: { out: 8, kernel: 3 } },
      { kind: 'sequential', children: [{ kind: 'module', type: 'conv', args: { kernel: 3 } }] },
      {
        kind: 'dag',
        output: 'last',
        vertices: [
          { edges: [{ from: 0, op: { kind: 'module', type: 'conv', args: { kernel: 1 } } }], op: null },
          { edges: [{ from: 1, op: { kind: 'module', type: 'identity', args: {} } }], op: null },
        ],
      },
    ],
  });
  // body.1 is beyond the chosen depth: its choices are inactive.
  const other = space.freeze({ ...sample, 'body.1': 'conv', 'body.1.conv.kernel': 3 });
  assert.notEqual(space.key(other), space.key(sample));
  assert.equal(space.isoKey(other), space.isoKey(sample));
  assert.notEqual(space.isoKey(space.freeze({ ...sample, 'body.depth': 2 })), space.isoKey(sample));
});

test('model space: explicit labels, shared choices, input choices of k of n, and clear errors', () => {
  const width = valueChoice([8, 16], { label: 'width' });
  const space = new ModelSpace(
    'shared',
    sequential({
      a: conv({ out: width }),
      b: conv({ out: width, kernel: valueChoice([3, 5], { label: 'k' }) }),
      g: graph([
        { name: 'x', inputs: [0], op: identity() },
        { name: 'y', inputs: [0, 1], op: conv({}) },
        { name: 'z', inputs: inputChoice([0, 1, 2], 2), op: maxPool() },
      ]),
    }),
  );
  assert.deepEqual(
    space.leaves().map((l) => [l.label, l.grid()]),
    [
      ['width', [8, 16]],
      ['k', [3, 5]],
      ['g.z.inputs', ['0,1', '0,2', '1,2']],
    ],
  );
  const arch = space.resolve(space.freeze({ width: 16, k: 5, 'g.z.inputs': '0,2' }));
  assert.equal(arch.kind, 'sequential');
  const dag = arch.kind === 'sequential' ? arch.children[2] : null;
  assert.ok(dag && dag.kind === 'dag');
  assert.deepEqual(dag.vertices[2].edges.map((e) => e.from), [0, 2]);
  assert.throws(() => new ModelSpace('clash', sequential({ a: conv({ out: valueChoice([8, 16], { label: 'w' }) }), b: conv({ out: valueChoice([4], { label: 'w' }) }) })), /two choices with different options/);
  assert.throws(() => new ModelSpace('none', sequential({ a: conv({ out: 8 }) })), /no choices/);
  assert.throws(() => graph([{ name: 'x', inputs: [1], op: identity() }]), /inputs 0 to 0/);
});

test('model space: a DARTS-like cell has an input choice per node with alternatives and an op per chosen input', () => {
  const space = new ModelSpace('dartslike', cell({ label: 'normal', nodes: 3, inputs: 2, ops: { skip: identity(), pool: maxPool() }, output: 'concat' }));
  assert.deepEqual(
    space.leaves().map((l) => l.label),
    ['normal.node_1.op_0', 'normal.node_2.op_0', 'normal.node_2.op_1', 'normal.node_3.inputs', 'normal.node_3.op_0', 'normal.node_3.op_1'],
  );
  assert.deepEqual(space.leaves()[3].grid(), ['0,1', '0,2', '1,2']);
});

test('model space: registered, it is named by configs like a built-in space', () => {
  registerSpace('tiny-test', { options: {}, create: () => tinySpace() });
  assert.ok('tiny-test' in SPACES);
  assert.equal(createSpace('tiny-test').leaves().length, 9);
  assert.throws(() => createSpace('tiny-test', { channels: 3 }), (e: unknown) => e instanceof ConfigError && e.code === 'SPACE_OPTIONS_INVALID');
});

test('space options: defaults filled in, bad ones refused with the option named', () => {
  assert.deepEqual(createSpace('darts').options, { channels: 16, layers: 8, auxiliary: false, auxiliary_weight: 0.4, drop_path: 0 });
  assert.equal(createSpace('darts', { channels: 36, layers: 20 }).options?.layers, 20);
  assert.equal(createSpace('mbconv', { depth_mult: 0.5 }).leaves().length, 11);
  assert.equal(createSpace('chain', { layers: 4 }).leaves().length, 4 + 6);
  for (const [name, options, word] of [
    ['darts', { channels: 0 }, 'channels'],
    ['darts', { widht: 3 }, 'widht'],
    ['mbconv', { resolution_mult: 0.3 }, 'resolution_mult'],
    ['nats-size', { channels: 8 }, 'takes no options'],
  ] as const) {
    assert.throws(
      () => createSpace(name, options),
      (e: unknown) => e instanceof ConfigError && e.code === 'SPACE_OPTIONS_INVALID' && e.message.includes(word),
    );
  }
});
