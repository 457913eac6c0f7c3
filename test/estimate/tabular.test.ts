import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, DataError } from '../../src/errors.js';
import { Nb201Table } from '../../src/estimate/nb201-table.js';
import { TabularEstimator } from '../../src/estimate/tabular.js';
import { Nb201Space } from '../../src/space/nb201.js';
import { testDataDir } from '../helpers/data.js';

const space = new Nb201Space();

test('tabular: signal and reported figure come from their own columns; the reported one is never a signal', () => {
  const table = Nb201Table.load(testDataDir());
  const est = new TabularEstimator(table, space, { dataset: 'cifar10', signal: 'valid_12ep' });
  const sample = space.parse(table.archs[1]);
  const r = est.query(sample);
  assert.equal(r.index, 1);
  assert.equal(r.value, 82.834);
  assert.equal(est.report(sample), 93.66);
  assert.equal(r.costSeconds, 260.36);
  assert.equal(est.query(sample, 200).value, 90.39);
  assert.equal(r.metrics.params, 802426);
  const withLatency = new TabularEstimator(table, space, { latency_devices: ['pixel3', 'raspi4'] });
  assert.equal(withLatency.query(sample).metrics['latency_ms:pixel3'], 17.24);
  assert.equal(withLatency.query(sample).metrics['latency_ms:raspi4'], 54.78);
  // The old spelling latencyDevices still works, with one deprecation line naming the new one.
  const write = process.stderr.write.bind(process.stderr);
  let printed = '';
  process.stderr.write = ((chunk: string | Uint8Array) => ((printed += String(chunk)), true)) as typeof process.stderr.write;
  try {
    assert.equal(new TabularEstimator(table, space, { latencyDevices: ['pixel3'] }).query(sample).metrics['latency_ms:pixel3'], 17.24);
    new TabularEstimator(table, space, { latencyDevices: ['pixel3'] });
  } finally {
    process.stderr.write = write;
  }
  assert.equal(printed, 'naskit: tabular: option "latencyDevices" is deprecated; use "latency_devices"\n');
  assert.throws(() => new TabularEstimator(table, space, { latency_devices: ['pixel9'] }), (e: unknown) => e instanceof ConfigError && e.code === 'BAD_DEVICE' && /pixel3/.test(e.message));
  assert.throws(
    () => new TabularEstimator(table, space, { signal: 'test_200ep_mean' as never }),
    (e: unknown) => e instanceof ConfigError && e.code === 'SIGNAL_IS_REPORT',
  );
  assert.throws(() => new TabularEstimator(table, space, { dataset: 'mnist' as never }), (e: unknown) => e instanceof ConfigError);
});

test('tabular: the cost model covers indices without a measured time, and grows with parameters', () => {
  const table = Nb201Table.load(testDataDir());
  const est = new TabularEstimator(table, space);
  let small = -1;
  let large = -1;
  for (let i = 1000; i < table.size; i++) {
    if (small < 0 || table.params(i, 'cifar10') < table.params(small, 'cifar10')) small = i;
    if (large < 0 || table.params(i, 'cifar10') > table.params(large, 'cifar10')) large = i;
  }
  assert.ok(Number.isNaN(table.measuredTrainSeconds(large, 'cifar10', 12)));
  assert.ok(est.costSeconds(large) > est.costSeconds(small));
  assert.ok(est.costSeconds(large) > 0 && est.costSeconds(large) < 10_000);
});

test('tabular: a missing or corrupt table file is a DataError naming the file and line', () => {
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
