// Architectures as the dashboard draws them: cells with ops on edges, NB101's pruned node-labelled DAG, columns.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChainSpace } from '../../src/space/chain/space.js';
import { DartsSpace } from '../../src/space/darts/space.js';
import { Nb101Space } from '../../src/space/nb101/space.js';
import { Nb201Space } from '../../src/space/nb201/space.js';
import { Rng } from '../../src/util/rng.js';
import type { Json } from '../../src/util/json.js';
import { archGraph } from '../../src/web/arch-graph.js';

test('NB201: the 4-node cell with the operation of each of its 6 edges, `none` muted', () => {
  const space = new Nb201Space();
  const sample = space.parse('|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|nor_conv_1x1~1|none~2|');
  const g = archGraph('nb201', sample as Json);
  assert.equal(g.layout, 'cell');
  const [cell] = g.parts;
  assert.deepEqual(cell.nodes.map((n) => n.kind), ['input', 'node', 'node', 'output']);
  const ops = Object.fromEntries(cell.edges.map((e) => [`${e.from}->${e.to}`, e.label]));
  assert.deepEqual(ops, { '0->1': 'nor_conv_3x3', '0->2': 'none', '1->2': 'skip_connect', '0->3': 'avg_pool_3x3', '1->3': 'nor_conv_1x1', '2->3': 'none' });
  assert.deepEqual(cell.edges.filter((e) => e.muted).map((e) => `${e.from}->${e.to}`), ['0->2', '2->3']);
});

test('DARTS: normal and reduction cells, two labelled inputs per node from the chosen predecessors, all nodes to the output', () => {
  const space = new DartsSpace();
  const sample = space.random(new Rng(3)) as Record<string, Json>;
  const g = archGraph('darts', sample);
  assert.deepEqual(g.parts.map((p) => p.title), ['normal cell', 'reduce cell']);
  for (const [i, part] of g.parts.entries()) {
    const cell = i === 0 ? 'normal' : 'reduce';
    const labelled = part.edges.filter((e) => e.label !== undefined);
    assert.equal(labelled.length, 8);
    assert.deepEqual(part.edges.filter((e) => e.to === 'out').map((e) => e.from), ['2', '3', '4', '5']);
    for (const node of [2, 3, 4, 5]) {
      const into = labelled.filter((e) => e.to === String(node));
      assert.deepEqual(into.map((e) => e.from), [0, 1].map((s) => String(sample[`${cell}.node_${node}.input_${s}`])));
      assert.deepEqual(into.map((e) => e.label), [0, 1].map((s) => sample[`${cell}.node_${node}.op_${s}`]));
      assert.ok(into.every((e) => Number(e.from) < node), 'inputs come from earlier nodes');
    }
  }
});

test("NB101: the node-labelled DAG as the benchmark builds it, vertices off every input→output path dropped", () => {
  const space = new Nb101Space();
  // input→conv→output, and input→maxpool, which reaches nothing: the maxpool vertex is pruned.
  const sample = space.parse(JSON.stringify({ matrix: [[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0], [0, 0, 0, 0]], ops: ['input', 'conv3x3-bn-relu', 'maxpool3x3', 'output'] }));
  const g = archGraph('nb101', sample as Json);
  assert.equal(g.layout, 'dag');
  const [cell] = g.parts;
  assert.deepEqual(cell.nodes.map((n) => n.label), ['input', 'conv3x3-bn-relu', 'output']);
  assert.deepEqual(cell.nodes.map((n) => n.kind), ['input', 'op', 'output']);
  assert.deepEqual(cell.edges.map((e) => `${e.from}->${e.to}`), ['0->1', '1->2']);
  assert.ok(cell.edges.every((e) => e.label === undefined), 'NB101 carries its ops on nodes');
});

test('chain: a column of layers with skip connections; an unknown space: a column of its choices', () => {
  const space = new ChainSpace({ layers: 4 });
  const sample = space.parse('conv3x3 sepconv5x5:1 maxpool3x3:10 avgpool3x3:011');
  const g = archGraph('chain', sample as Json);
  assert.equal(g.layout, 'column');
  const [net] = g.parts;
  assert.deepEqual(net.nodes.map((n) => n.label), ['input', 'conv3x3', 'sepconv5x5', 'maxpool3x3', 'avgpool3x3', 'output']);
  const skips = net.edges.filter((e) => e.label === 'skip').map((e) => `${e.from}->${e.to}`);
  // Layer 2 skips from layer 0; layer 3 from layer 1 (its bit for layer 2, the previous layer, is the chain itself).
  assert.deepEqual(skips, ['b1->b3', 'b2->b4']);
  const other = archGraph('fbnet', { layer_0: 'k3_e1', layer_1: 'skip' });
  assert.deepEqual(other.parts[0].nodes.map((n) => n.label), ['input', 'layer_0: k3_e1', 'layer_1: skip', 'output']);
});
