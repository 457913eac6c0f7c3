import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DataError } from '../../../src/errors.js';
import { Nb201Table } from '../../../src/space/nb201/table.js';
import { testDataDir } from '../../helpers/data.js';

test('nb201 table: a missing or corrupt table file is a DataError naming the file and line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'naskit-nb201-'));
  mkdirSync(join(dir, 'nb201'));
  assert.throws(() => Nb201Table.load(dir), (e: unknown) => e instanceof DataError && e.code === 'DATA_MISSING' && e.message.includes('nb201_tss.csv'));
  const source = join(testDataDir(), 'nb201');
  const lines = readFileSync(join(source, 'nb201_tss.csv'), 'utf8').split('\n');
  lines[100] = lines[100].replace(/,[0-9.]+,/, ',abc,');
  writeFileSync(join(dir, 'nb201', 'nb201_tss.csv'), lines.join('\n'));
  copyFileSync(join(source, 'nb201_tss_train_time_s.csv'), join(dir, 'nb201', 'nb201_tss_train_time_s.csv'));
  copyFileSync(join(source, 'nb201_latency_ms.csv'), join(dir, 'nb201', 'nb201_latency_ms.csv'));
  assert.throws(() => Nb201Table.load(dir), (e: unknown) => e instanceof DataError && e.code === 'DATA_CORRUPT' && e.message.includes('nb201_tss.csv:101'));
  writeFileSync(join(dir, 'nb201', 'nb201_tss.csv'), lines.slice(0, 50).join('\n'));
  assert.throws(() => Nb201Table.load(join(dir, '.', '')), (e: unknown) => e instanceof DataError && e.code === 'DATA_CORRUPT');
});
