import assert from 'node:assert/strict';
import { test } from 'node:test';
import { binomialHalfCdf, formatRatio, medianInterval } from '../../bench/engine/paired.js';

test('binomialHalfCdf: exact sums of binomial(n, 1/2)', () => {
  assert.ok(Math.abs(binomialHalfCdf(6, 0) - 1 / 64) < 1e-15);
  assert.ok(Math.abs(binomialHalfCdf(24, 6) - 190051 / 2 ** 24) < 1e-12);
  assert.ok(Math.abs(binomialHalfCdf(5, 5) - 1) < 1e-12);
});

test('medianInterval: order statistics with at least 95 % coverage, the whole range when n is small', () => {
  const six = medianInterval([1.1, 0.9, 1.0, 0.95, 1.05, 1.2]);
  assert.deepEqual({ low: six.low, high: six.high, median: six.median }, { low: 0.9, high: 1.2, median: 1.025 });
  assert.ok(Math.abs(six.coverage - (1 - 2 / 64)) < 1e-12);
  // 24 values 1..24: P(Bin(24) <= 6) = 0.0113, P(<= 7) = 0.032, so the interval is [x(7), x(18)].
  const many = medianInterval(Array.from({ length: 24 }, (_, i) => 24 - i));
  assert.deepEqual({ low: many.low, high: many.high, median: many.median }, { low: 7, high: 18, median: 12.5 });
  assert.ok(many.coverage >= 0.95 && many.coverage < 0.98);
  const three = medianInterval([3, 1, 2]);
  assert.deepEqual({ low: three.low, high: three.high, median: three.median }, { low: 1, high: 3, median: 2 });
  assert.ok(Math.abs(three.coverage - 0.75) < 1e-12);
  assert.match(formatRatio(three, 'rounds'), /^\*\*2\.000\*\* \(75\.0 % interval 1\.000–3\.000, 3 rounds\)$/);
  assert.throws(() => medianInterval([]), RangeError);
});
