import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../src/errors.js';
import { TabularEstimator } from '../../src/estimate/tabular.js';
import { Nb201Space } from '../../src/space/nb201/space.js';
import { Nb201Table } from '../../src/space/nb201/table.js';
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
