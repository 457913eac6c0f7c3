import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SampleError } from '../../../src/errors.js';
import { NB301_INPUT_NAMES, NB301_OP_CODES, NB301_PREFIX, nb301InputPairs, toNb301Config, toNb301Encoding } from '../../../src/space/darts/nb301.js';
import { DARTS_CELLS, DARTS_NODES, DartsSpace, dartsInputLabel, dartsOpLabel } from '../../../src/space/darts/space.js';
import type { Sample } from '../../../src/space/types.js';
import { Rng } from '../../../src/util/rng.js';
import { testDataDir } from '../../helpers/data.js';

const space = new DartsSpace();

// DARTS' genotypes.py, as published (concat written as lists there).
const DARTS_V2 =
  "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])";
const DARTS_V1 =
  "Genotype(normal=[('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('skip_connect', 0), ('sep_conv_3x3', 1), ('skip_connect', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('skip_connect', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 0), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('avg_pool_3x3', 0)], reduce_concat=[2, 3, 4, 5])";

function assertSampleError(fn: () => unknown, code: string, path?: string): void {
  assert.throws(fn, (error: unknown) => error instanceof SampleError && error.code === code && (path === undefined || error.path === path));
}

test('darts: official genotypes parse; format writes them back (concat as range(2, 6)); JSON round-trips', () => {
  for (const text of [DARTS_V2, DARTS_V1]) {
    const sample = space.parse(text);
    const canonical = text.replace(/_concat=\[2, 3, 4, 5\]/g, '_concat=range(2, 6)');
    assert.equal(space.format(sample), canonical);
    assert.deepEqual(space.parse(canonical), sample);
    assert.deepEqual(space.parse(space.formatJson(sample)), sample);
  }
  const v2 = space.parse(DARTS_V2);
  assert.equal(space.input(v2, 'normal', 5, 1), 2);
  assert.equal(space.op(v2, 'normal', 5, 1), 'dil_conv_3x3');
  assert.equal(space.input(v2, 'reduce', 3, 0), 2);
  // Double quotes and other spacing are read too.
  assert.deepEqual(space.parse(DARTS_V2.replace(/'/g, '"').replace(/, /g, ',')), v2);
});

test('darts: isoKey forgets the order of a node\'s inputs and nothing that changes the function', () => {
  const v2 = space.parse(DARTS_V2);
  const swapped: Record<string, unknown> = { ...v2 };
  for (const cell of DARTS_CELLS) {
    for (const node of DARTS_NODES) {
      swapped[dartsInputLabel(cell, node, 0)] = v2[dartsInputLabel(cell, node, 1)];
      swapped[dartsInputLabel(cell, node, 1)] = v2[dartsInputLabel(cell, node, 0)];
      swapped[dartsOpLabel(cell, node, 0)] = v2[dartsOpLabel(cell, node, 1)];
      swapped[dartsOpLabel(cell, node, 1)] = v2[dartsOpLabel(cell, node, 0)];
    }
  }
  const s = space.freeze(swapped);
  assert.notEqual(space.key(s), space.key(v2));
  assert.equal(space.isoKey(s), space.isoKey(v2));
  assert.notEqual(space.isoKey(space.parse(DARTS_V1)), space.isoKey(v2));
  // Moving an op to the other input of the same node changes the function.
  const moved = space.freeze({ ...v2, [dartsOpLabel('normal', 5, 0)]: 'dil_conv_3x3', [dartsOpLabel('normal', 5, 1)]: 'skip_connect' });
  assert.notEqual(space.isoKey(moved), space.isoKey(v2));
  // Normal and reduce cells are not interchangeable.
  const g = space.genotype(v2);
  const crossed = space.fromGenotype({ ...g, normal: g.reduce, reduce: g.normal });
  assert.notEqual(space.isoKey(crossed), space.isoKey(v2));
});

test('darts: bad genotypes name the part at fault', () => {
  assertSampleError(() => space.parse(DARTS_V2.replace("('sep_conv_3x3', 0)", "('none', 0)")), 'SAMPLE_INVALID_VALUE', 'normal.node_2.op_0');
  assertSampleError(() => space.parse(DARTS_V2.replace("('dil_conv_3x3', 2)", "('dil_conv_3x3', 5)")), 'SAMPLE_INVALID_VALUE', 'normal.node_5.input_1');
  assertSampleError(() => space.parse(DARTS_V2.replace("('sep_conv_3x3', 1), ('sep_conv_3x3', 0)", "('sep_conv_3x3', 1), ('sep_conv_3x3', 1)")), 'SAMPLE_DUPLICATE_INPUT', 'normal.node_3.input_1');
  assertSampleError(() => space.parse(DARTS_V2.replace('normal_concat=[2, 3, 4, 5]', 'normal_concat=[4, 5]')), 'SAMPLE_BAD_STRING', 'normal_concat');
  assertSampleError(() => space.parse(DARTS_V2.replace(", ('max_pool_3x3', 1)], reduce_concat", '], reduce_concat')), 'SAMPLE_BAD_STRING', 'reduce');
  assertSampleError(() => space.parse('Genotype(normal=[])'), 'SAMPLE_BAD_STRING');
  assertSampleError(() => space.parse('{"normal": 3'), 'SAMPLE_BAD_STRING');
});

test('darts: exact size; random genotypes are valid, seeded and spread over all input pairs', () => {
  assert.equal(space.exactSize(), (2880n * 7n ** 8n) ** 2n);
  assert.equal(space.size(), Number((2880n * 7n ** 8n) ** 2n));
  const rng = new Rng(1);
  const pairs = new Map<string, number>();
  for (let i = 0; i < 2000; i++) {
    const sample = space.random(rng);
    assert.equal(space.check(sample), null);
    const key = `${space.input(sample, 'reduce', 5, 0)}_${space.input(sample, 'reduce', 5, 1)}`;
    pairs.set(key, (pairs.get(key) ?? 0) + 1);
  }
  assert.equal(pairs.size, 20); // 5 × 4 ordered pairs of node 5
  for (const count of pairs.values()) assert.ok(count > 50 && count < 150, `pair count ${count} far from 100`);
  assert.deepEqual(space.random(new Rng(8)), space.random(new Rng(8)));
});

test('darts: encodings have the documented sizes; the path encoding counts cell-input→node paths', () => {
  const v2 = space.parse(DARTS_V2);
  assert.equal(space.encode(v2, 'onehot').length, 2 * (2 + 3 + 4 + 5) * 2 + 16 * 7);
  assert.equal(space.encode(v2, 'adjacency').length, 196);
  assert.equal(space.encode(v2, 'adjacency').reduce((a, b) => a + b, 0), 16);
  const path = space.encode(v2, 'path');
  assert.equal(path.length, 5600);
  // Normal cell: nodes 2, 3, 4 each 2 paths of length 1; node 5: skip(0) and dil3(node 2: 2 paths) → 3.
  assert.equal(path.slice(0, 2800).reduce((a, b) => a + b, 0), 9);
  assert.deepEqual(space.decode(space.encode(v2, 'onehot'), 'onehot'), v2);
  assertSampleError(() => space.decode(space.encode(v2, 'adjacency'), 'adjacency'), 'ENCODING_UNSUPPORTED');
});

test('darts-nb301: the DARTS (second order) genotype gives the surrogate input expected from encoding_v2.json', () => {
  const v2 = space.parse(DARTS_V2);
  // prettier-ignore
  const expected = [
    5, 5, 5, 5, 0, 7, 5, 0, 0, 7, 0, 2, 0, 0, // edge_normal_0..13
    4, 4, 0, 4, 7, 4, 0, 7, 0, 0, 4, 7, 0, 0, // edge_reduce_0..13
    1, 1, 2, // inputs_node_normal_3..5: 0_1, 0_1, 0_2
    3, 2, 5, // inputs_node_reduce_3..5: 1_2, 0_2, 1_2
  ];
  assert.deepEqual(toNb301Encoding(v2), expected);
  // The same numbers straight from the shared data's encoding file.
  const encoding = JSON.parse(readFileSync(join(testDataDir(), 'nb301', 'encoding_v2.json'), 'utf8')) as Record<string, Record<string, number>>;
  const config = toNb301Config(v2);
  assert.deepEqual(
    NB301_INPUT_NAMES.map((name) => encoding[NB301_PREFIX + name][config[name] ?? '#na#']),
    expected,
  );
});

test('darts-nb301: codes, names and active edges agree with encoding_v2.json and config_space.json', () => {
  const dir = join(testDataDir(), 'nb301');
  const encoding = JSON.parse(readFileSync(join(dir, 'encoding_v2.json'), 'utf8')) as Record<string, Record<string, number>>;
  const configSpace = JSON.parse(readFileSync(join(dir, 'config_space.json'), 'utf8')) as {
    hyperparameters: { name: string; choices: string[] }[];
    conditions: { child: string; parent: string; type: string; values: string[] }[];
  };
  assert.deepEqual(Object.keys(encoding).sort(), NB301_INPUT_NAMES.map((n) => NB301_PREFIX + n).sort());
  for (const name of NB301_INPUT_NAMES) {
    const codes = encoding[NB301_PREFIX + name];
    if (name.startsWith('edge_')) assert.deepEqual(codes, NB301_OP_CODES);
    else assert.deepEqual(codes, Object.fromEntries([['#na#', 0], ...nb301InputPairs(Number(name.slice(-1))).map((p, i) => [p, i + 1])]));
  }
  const choices = new Map(configSpace.hyperparameters.map((h) => [h.name, h.choices]));
  const rng = new Rng(12);
  for (let i = 0; i < 200; i++) {
    const sample: Sample = i === 0 ? space.parse(DARTS_V2) : space.random(rng);
    const config = toNb301Config(sample);
    for (const [name, value] of Object.entries(config)) assert.ok(choices.get(NB301_PREFIX + name)?.includes(value), `${name}=${value}`);
    // An edge is in the configuration exactly when its condition holds (edges of node 2 have none).
    for (const name of NB301_INPUT_NAMES.filter((n) => n.startsWith('edge_'))) {
      const condition = configSpace.conditions.find((c) => c.child === NB301_PREFIX + name);
      const active = condition === undefined || condition.values.includes(config[condition.parent.slice(NB301_PREFIX.length)]);
      assert.equal(name in config, active, name);
    }
  }
});
