import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nb201Counts } from '../../../src/space/nb201/counts.js';
import { Nb201Space } from '../../../src/space/nb201/space.js';
import { Nb201Table } from '../../../src/space/nb201/table.js';
import { testDataDir } from '../../helpers/data.js';

const space = new Nb201Space();

test('nb201 counts: the parameter formula equals the table on every architecture and data set; arch 11 has the official FLOPs', () => {
  const table = Nb201Table.load(testDataDir());
  for (const dataset of ['cifar10', 'cifar100', 'imagenet16'] as const) {
    for (let i = 0; i < table.size; i++) {
      const c = nb201Counts(space, space.parse(table.archs[i]), dataset);
      if (c.params !== table.params(i, dataset)) assert.fail(`${dataset} index ${i}: formula ${c.params}, table ${table.params(i, dataset)}`);
    }
  }
  const flops = nb201Counts(space, space.parse(table.archs[11]), 'cifar10').flops;
  assert.ok(Math.abs(flops - 113.95137e6) < 100, `arch 11: ${flops} FLOPs`);
});
