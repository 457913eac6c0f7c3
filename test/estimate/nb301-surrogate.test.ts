import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, DataError } from '../../src/errors.js';
import { Nb301Surrogate, SurrogateEstimator } from '../../src/estimate/nb301-surrogate.js';
import { DartsSpace } from '../../src/space/darts/space.js';
import { Rng } from '../../src/util/rng.js';
import { testDataDir } from '../helpers/data.js';

const space = new DartsSpace();
const DARTS_V2 =
  "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])";
/** The README's "all-skip cells": DARTS V2's connections in both cells, every operation a skip connection. */
const ALL_SKIP = DARTS_V2.replace(/'[a-z_0-9]+', (\d)/g, "'skip_connect', $1");

async function estimator(): Promise<SurrogateEstimator> {
  return new SurrogateEstimator(await Nb301Surrogate.load(testDataDir()), space);
}

test("nb301 surrogate: the data README's check values (DARTS V2 at 10/50/98 epochs, all-skip cells at 98)", async () => {
  const est = await estimator();
  const v2 = space.parse(DARTS_V2);
  assert.equal((ALL_SKIP.match(/skip_connect/g) ?? []).length, 16);
  const [e10, e50, e98, skip] = await est.predict([
    { sample: v2, epochs: 10 },
    { sample: v2, epochs: 50 },
    { sample: v2, epochs: 98 },
    { sample: space.parse(ALL_SKIP), epochs: 98 },
  ]);
  // The README gives three decimals of the fraction; the estimator reports percent.
  assert.ok(Math.abs(e10.accuracy - 76.8) < 0.05, `DARTS V2 at 10 epochs: ${e10.accuracy}`);
  assert.ok(Math.abs(e50.accuracy - 88.6) < 0.05, `DARTS V2 at 50 epochs: ${e50.accuracy}`);
  assert.ok(Math.abs(e98.accuracy - 92.9) < 0.05, `DARTS V2 at 98 epochs: ${e98.accuracy}`);
  assert.ok(Math.abs(skip.accuracy - 89.4) < 0.05, `all-skip at 98 epochs: ${skip.accuracy}`);
  // Training time grows with the epochs.
  assert.ok(e10.runtimeSeconds < e50.runtimeSeconds && e50.runtimeSeconds < e98.runtimeSeconds);
  // estimate() gives the same through the one-at-a-time path: value in %, cost = predicted runtime.
  const single = await est.estimate(v2, { seed: 0, fidelity: 10 });
  assert.equal(single.value, e10.accuracy);
  assert.equal(single.costSeconds, e10.runtimeSeconds);
});

test('nb301 surrogate: a batch predicts each row as alone, and concurrent estimate() calls share one batch', async () => {
  const surrogate = await Nb301Surrogate.load(testDataDir());
  const rng = new Rng(3);
  const samples = Array.from({ length: 40 }, () => space.random(rng));
  const batch = await new SurrogateEstimator(surrogate, space).predict(samples.map((sample, i) => ({ sample, epochs: 1 + ((i * 7) % 98) })));
  const fresh = new SurrogateEstimator(surrogate, space);
  const alone = await Promise.all(samples.map((sample, i) => fresh.estimate(sample, { seed: 0, fidelity: 1 + ((i * 7) % 98) })));
  assert.deepEqual(alone.map((e) => e.value), batch.map((p) => p.accuracy));
  // Random genotypes differ: the predictions are not one constant.
  assert.ok(new Set(batch.map((p) => p.accuracy)).size > 30);
});

test('nb301 surrogate: epochs outside 1..98 are refused with BAD_FIDELITY', async () => {
  const est = await estimator();
  const v2 = space.parse(DARTS_V2);
  await assert.rejects(est.estimate(v2, { seed: 0, fidelity: 200 }), (e: unknown) => e instanceof ConfigError && e.code === 'BAD_FIDELITY');
  await assert.rejects(est.predict([{ sample: v2, epochs: 0 }]), (e: unknown) => e instanceof ConfigError && e.code === 'BAD_FIDELITY');
});

test('nb301 surrogate: a missing model file is a DataError naming the path', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'naskit-nb301-missing-'));
  const path = join(empty, 'nb301', 'model_v2.onnx');
  assert.throws(() => Nb301Surrogate.checkPresent(empty), (e: unknown) => e instanceof DataError && e.code === 'DATA_MISSING' && e.message.includes(path));
  await assert.rejects(Nb301Surrogate.load(empty), (e: unknown) => e instanceof DataError && e.code === 'DATA_MISSING' && e.message.includes(path));
});

test('nb301 surrogate: a corrupt model file is a DataError naming the path', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'naskit-nb301-corrupt-'));
  mkdirSync(join(dir, 'nb301'));
  const path = join(dir, 'nb301', 'model_v2.onnx');
  writeFileSync(path, 'this is not an ONNX model\n');
  await assert.rejects(Nb301Surrogate.load(dir), (e: unknown) => e instanceof DataError && e.code === 'DATA_CORRUPT' && e.message.includes(path));
  // A failed load is not cached: the same folder fails again the same way (and would load once fixed).
  await assert.rejects(Nb301Surrogate.load(dir), (e: unknown) => e instanceof DataError && e.code === 'DATA_CORRUPT');
});
