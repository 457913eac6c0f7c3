import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SampleError } from '../../../src/errors.js';
import { hashModule, pruneSpec } from '../../../src/space/nb101/graph.js';
import { NB101_EDGES, Nb101Space } from '../../../src/space/nb101/space.js';
import type { Sample } from '../../../src/space/types.js';
import { Rng } from '../../../src/util/rng.js';

const space = new Nb101Space();
const C3 = 'conv3x3-bn-relu';
const C1 = 'conv1x1-bn-relu';
const MP = 'maxpool3x3';
const spec = (matrix: number[][], ops: string[]): string => JSON.stringify({ matrix, ops });

// The Inception-like cell of the NAS-Bench-101 README, and the isomorphic form the data set stores for it.
const README_CELL = spec(
  [
    [0, 1, 1, 1, 0, 1, 0],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 1, 0, 0],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0, 0, 0],
  ],
  ['input', C1, C3, C3, C3, MP, 'output'],
);
const README_CELL_STORED = spec(
  [
    [0, 1, 1, 1, 1, 0, 0],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0, 1, 0],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0, 0, 0],
  ],
  ['input', C3, C1, MP, C3, C3, 'output'],
);

// Hashes computed by the NAS-Bench-101 code itself (ModelSpec pruning + graph_util.hash_module, Python).
const REFERENCE_HASHES: readonly [string, string][] = [
  [README_CELL, '28cfc7874f6d200472e1a9dcd8650aa0'],
  // 11 edges, two of them to pruned vertex 5's dead end: valid, as the benchmark's API counts after pruning.
  ['{"matrix":[[0,1,0,1,1,1,1],[0,0,0,0,1,0,0],[0,0,0,0,0,1,1],[0,0,0,0,0,1,1],[0,0,0,0,0,0,1],[0,0,0,0,0,0,0],[0,0,0,0,0,0,0]],"ops":["input","conv1x1-bn-relu","maxpool3x3","conv1x1-bn-relu","maxpool3x3","conv3x3-bn-relu","output"]}', '0b726323a98397b2c3a17fa85d9814b1'],
  ['{"matrix":[[0,0,1,1,0,1,1],[0,0,0,0,0,0,1],[0,0,0,0,0,0,0],[0,0,0,0,1,1,1],[0,0,0,0,0,1,1],[0,0,0,0,0,0,1],[0,0,0,0,0,0,0]],"ops":["input","conv3x3-bn-relu","maxpool3x3","maxpool3x3","maxpool3x3","maxpool3x3","output"]}', '45584da276523d86a1ef2f7123974588'],
  ['{"matrix":[[0,0,1,0,0,1,0],[0,0,0,1,0,1,0],[0,0,0,0,1,0,0],[0,0,0,0,0,1,0],[0,0,0,0,0,0,0],[0,0,0,0,0,0,1],[0,0,0,0,0,0,0]],"ops":["input","conv3x3-bn-relu","maxpool3x3","conv1x1-bn-relu","conv3x3-bn-relu","maxpool3x3","output"]}', '53cee42601ad14d661bb6878031d6acb'],
  ['{"matrix":[[0,0,0,1,1,1,1],[0,0,0,0,1,0,0],[0,0,0,0,0,1,0],[0,0,0,0,0,0,0],[0,0,0,0,0,0,1],[0,0,0,0,0,0,0],[0,0,0,0,0,0,0]],"ops":["input","conv1x1-bn-relu","maxpool3x3","conv1x1-bn-relu","conv1x1-bn-relu","conv1x1-bn-relu","output"]}', '09fc2d10bdd6225e167a6f81a22a3f06'],
];

const chain = (extra: [number, number][], ops: string[] = ['input', C3, C3, C3, C3, C3, 'output']): string => {
  const m = Array.from({ length: 7 }, () => new Array<number>(7).fill(0));
  for (let v = 0; v < 6; v++) m[v][v + 1] = 1;
  for (const [i, j] of extra) m[i][j] = 1;
  return spec(m, ops);
};

function assertSampleError(fn: () => unknown, code: string, path?: string): void {
  assert.throws(fn, (error: unknown) => error instanceof SampleError && error.code === code && (path === undefined || error.path === path));
}

test('nb101: isoKey is the benchmark hash (checked against hashes from the NAS-Bench-101 code)', () => {
  for (const [text, hash] of REFERENCE_HASHES) assert.equal(space.isoKey(space.parse(text)), hash, text);
});

test('nb101: the README cell and the form the data set stores for it (an isomorphic relabelling) share the key', () => {
  const a = space.parse(README_CELL);
  const b = space.parse(README_CELL_STORED);
  assert.notEqual(space.key(a), space.key(b));
  assert.equal(space.isoKey(a), space.isoKey(b));
});

test('nb101: random relabellings of the intermediate vertices keep the key; an op change alters it', () => {
  const rng = new Rng(5);
  for (let t = 0; t < 60; t++) {
    const sample = space.random(rng);
    const { matrix, ops } = space.spec(sample);
    // A random topological order of the intermediates keeps the matrix upper-triangular.
    const order = [0];
    const left = [1, 2, 3, 4, 5];
    while (left.length > 0) {
      const ready = left.filter((v) => left.every((u) => !matrix[u][v]));
      const v = rng.choice(ready);
      order.push(v);
      left.splice(left.indexOf(v), 1);
    }
    order.push(6);
    const m = order.map((i) => order.map((j) => matrix[i][j]));
    const o = order.map((v) => ops[v]);
    assert.equal(space.isoKey(space.parse(spec(m, o))), space.isoKey(sample));
  }
  const a = space.parse(chain([]));
  const b = space.parse(chain([], ['input', C3, C3, C1, C3, C3, 'output']));
  assert.notEqual(space.isoKey(a), space.isoKey(b));
});

test('nb101: a cell with vertices off every path hashes like its pruned form', () => {
  // Vertex 2 only receives (dead end) and vertex 4 only sends to the output: both are pruned.
  const full = spec(
    [
      [0, 1, 1, 0, 0, 0, 0],
      [0, 0, 1, 1, 0, 0, 0],
      [0, 0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 1, 0],
      [0, 0, 0, 0, 0, 1, 1],
      [0, 0, 0, 0, 0, 0, 1],
      [0, 0, 0, 0, 0, 0, 0],
    ],
    ['input', C3, MP, C1, MP, C3, 'output'],
  );
  const prunedText = spec(
    [
      [0, 1, 0, 0, 0],
      [0, 0, 1, 0, 0],
      [0, 0, 0, 1, 0],
      [0, 0, 0, 0, 1],
      [0, 0, 0, 0, 0],
    ],
    ['input', C3, C1, C3, 'output'],
  );
  const sample = space.parse(full);
  const pruned = space.prunedSpec(sample);
  assert.deepEqual(pruned, JSON.parse(prunedText));
  assert.equal(space.isoKey(sample), space.isoKey(space.parse(prunedText)));
  assert.equal(space.isoKey(sample), hashModule(JSON.parse(prunedText).matrix, [-1, 0, 1, 0, -2]));
});

test('nb101: all-conv example cells are valid and round-trip through format/parse', () => {
  const examples = [
    README_CELL,
    README_CELL_STORED,
    chain([]), // the plain chain
    chain([[0, 6]]), // ResNet-like: chain plus the input→output skip
    chain([
      [0, 2],
      [2, 4],
      [4, 6],
    ]), // 9 edges: the limit
  ];
  for (const text of examples) {
    const sample = space.parse(text);
    assert.equal(space.check(sample), null);
    assert.equal(space.format(sample), text);
  }
});

test('nb101: the rules are enforced with their own codes', () => {
  // 10 edges, all on input→output paths.
  assertSampleError(() => space.parse(chain([[0, 2], [0, 3], [0, 4], [0, 5]])), 'SAMPLE_TOO_MANY_EDGES', 'matrix');
  const empty = spec(Array.from({ length: 7 }, () => new Array<number>(7).fill(0)), ['input', C3, C3, C3, C3, C3, 'output']);
  assertSampleError(() => space.parse(empty), 'SAMPLE_DISCONNECTED', 'matrix');
  assertSampleError(() => space.parse(chain([], ['input', C3, 'conv5x5', C3, C3, C3, 'output'])), 'SAMPLE_INVALID_VALUE', 'op_2');
  assertSampleError(() => space.parse('{"matrix":[[0,1],[1,0]],"ops":["input","output"]}'), 'SAMPLE_BAD_STRING', 'matrix');
  assertSampleError(() => space.parse('not json'), 'SAMPLE_BAD_STRING');
  const sample = space.parse(README_CELL);
  const check = space.check({ ...sample, edge_0_6: 1, edge_1_2: 1, edge_2_3: 1, edge_3_5: 1 });
  assert.ok(check instanceof SampleError && check.code === 'SAMPLE_TOO_MANY_EDGES');
});

test('nb101: size() counts the valid labelled cells (recounted over all 2^21 matrices)', () => {
  // Bitmask recount, independent of pruneSpec: reachability forward from 0 and backward from 6.
  let valid = 0;
  for (let bits = 0; bits < 1 << 21; bits++) {
    let fwd = 1;
    for (let k = 0; k < 21; k++) if (bits & (1 << k) && fwd & (1 << NB101_EDGES[k][0])) fwd |= 1 << NB101_EDGES[k][1];
    if (!(fwd & 64)) continue;
    let bwd = 64;
    for (let k = 20; k >= 0; k--) if (bits & (1 << k) && bwd & (1 << NB101_EDGES[k][1])) bwd |= 1 << NB101_EDGES[k][0];
    const kept = fwd & bwd;
    let edges = 0;
    for (let k = 0; k < 21; k++) if (bits & (1 << k) && kept & (1 << NB101_EDGES[k][0]) && kept & (1 << NB101_EDGES[k][1])) edges++;
    if (edges <= 9) valid++;
  }
  assert.equal(space.size(), valid * 3 ** 5);
  assert.equal(space.uniqueSize(), 423_624);
});

test('nb101: pruneSpec agrees with the space on random matrices; random cells are valid and seeded', () => {
  const rng = new Rng(9);
  for (let i = 0; i < 300; i++) {
    const raw: Record<string, number | string> = {};
    for (const [a, b] of NB101_EDGES) raw[`edge_${a}_${b}`] = rng.int(2);
    for (let v = 1; v <= 5; v++) raw[`op_${v}`] = C3;
    const pruned = pruneSpec(space.spec(raw as Sample));
    const error = space.check(raw);
    if (pruned === null) assert.equal(error?.code, 'SAMPLE_DISCONNECTED');
  }
  const a = new Rng(4);
  const b = new Rng(4);
  for (let i = 0; i < 50; i++) assert.deepEqual(space.random(a), space.random(b));
});

test('nb101: encodings have the documented sizes; adjacency decodes; paths count input→output paths', () => {
  const rng = new Rng(2);
  for (let i = 0; i < 100; i++) {
    const sample = space.random(rng);
    assert.equal(space.encode(sample, 'onehot').length, 57);
    assert.equal(space.encode(sample, 'adjacency').length, 36);
    assert.equal(space.encode(sample, 'path').length, 364);
    assert.deepEqual(space.decode(space.encode(sample, 'adjacency'), 'adjacency'), sample);
  }
  const path = space.encode(space.parse(README_CELL), 'path');
  // Paths: [1x1], [3x3], [3x3, 3x3], [maxpool]; BANANAS index = Σ 3^i (op_i + 1).
  assert.equal(path.reduce((x, y) => x + y, 0), 4);
  assert.equal(path[1], 1); // conv3x3
  assert.equal(path[2], 1); // conv1x1
  assert.equal(path[3], 1); // maxpool
  assert.equal(path[1 + 3 * 1], 1); // conv3x3, conv3x3
});

test('nb101: every valid cell hashed once gives the published 423,624 unique cells (slow: set NASKIT_SLOW_TESTS=1)', { skip: !process.env.NASKIT_SLOW_TESTS }, () => {
  // Distinct pruned matrices, then one representative per isomorphism class of the unlabelled
  // graph (isomorphic matrices give the same labelled classes), then every op labelling of it.
  const pruned = new Map<string, number[][]>();
  const ops = ['input', C3, C3, C3, C3, C3, 'output'];
  for (let bits = 0; bits < 1 << 21; bits++) {
    const m = Array.from({ length: 7 }, () => new Array<number>(7).fill(0));
    NB101_EDGES.forEach(([i, j], k) => (m[i][j] = bits & (1 << k) ? 1 : 0));
    const p = pruneSpec({ matrix: m, ops });
    if (p && p.matrix.flat().reduce((a, b) => a + b, 0) <= 9) pruned.set(JSON.stringify(p.matrix), p.matrix as number[][]);
  }
  const permutations = (items: number[]): number[][] =>
    items.length <= 1 ? [items] : items.flatMap((x, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [x, ...rest]));
  const classes = new Map<string, number[][]>();
  for (const m of pruned.values()) {
    const n = m.length;
    let best = '';
    for (const p of permutations(Array.from({ length: n - 2 }, (_, i) => i + 1))) {
      const order = [0, ...p, n - 1];
      const text = order.map((i) => order.map((j) => m[i][j]).join('')).join('/');
      if (best === '' || text < best) best = text;
    }
    if (!classes.has(best)) classes.set(best, m);
  }
  const hashes = new Set<string>();
  for (const m of classes.values()) {
    const k = m.length - 2;
    for (let code = 0; code < 3 ** k; code++) {
      const labeling = [-1];
      for (let i = 0, c = code; i < k; i++, c = Math.floor(c / 3)) labeling.push(c % 3);
      labeling.push(-2);
      hashes.add(hashModule(m, labeling));
    }
  }
  assert.equal(hashes.size, 423_624);
});
