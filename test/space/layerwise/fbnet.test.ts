import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { SampleError } from '../../../src/errors.js';
import { FBNET_BLOCKS, FbnetSpace } from '../../../src/space/layerwise/fbnet.js';
import { readCsv } from '../../../src/util/csv.js';
import { testDataDir } from '../../helpers/data.js';

test('fbnet: every architecture of fbnet_latency_ms.csv parses and round-trips', () => {
  const space = new FbnetSpace();
  const table = readCsv(join(testDataDir(), 'fbnet', 'fbnet_latency_ms.csv'), ['index', 'ops']);
  const column = table.header.indexOf('ops');
  assert.equal(table.rows.length, 5000);
  const used = new Set<string>();
  for (const row of table.rows) {
    const sample = space.parse(row[column]);
    assert.equal(space.format(sample), row[column]);
    for (let i = 0; i < 22; i++) used.add(space.block(sample, i));
  }
  assert.deepEqual([...used].sort(), [...FBNET_BLOCKS].sort());
});

test('fbnet: size, labels and a bad block', () => {
  const fbnet = new FbnetSpace();
  assert.equal(fbnet.exactSize(), 9n ** 22n);
  assert.equal(fbnet.leaves().length, 22);
  const text = new Array(22).fill('k3_e1').join(' ');
  assert.throws(() => fbnet.parse(text.replace('k3_e1 k3_e1', 'k3_e1 k7_e1')), (e: unknown) => e instanceof SampleError && e.code === 'SAMPLE_INVALID_VALUE' && e.path === 'layer_1');
  assert.throws(() => fbnet.parse('k3_e1 skip'), (e: unknown) => e instanceof SampleError && e.code === 'SAMPLE_BAD_STRING');
});
