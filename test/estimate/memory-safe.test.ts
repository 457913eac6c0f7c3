// Memory-safe trials: the batch plan (pure), the train estimator's check in a real search with a small
// `max_memory_mb` (trials that do not fit fail with MEMORY_LIMIT, the others complete, the search
// finishes; with shrink_batch they complete at a smaller batch), and `naskit train`'s refusal.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, ResourceError } from '../../src/errors.js';
import { TrainingEstimator, type TrainingOptions } from '../../src/estimate/training.js';
import type { TrialContext } from '../../src/estimate/types.js';
import { readTrainingProgress } from '../../src/engine/checkpoint.js';
import { Nb201Space } from '../../src/space/nb201/space.js';
import { dataDir } from '../../src/util/paths.js';
import { validateConfig } from '../../src/experiment/config.js';
import { SqliteStore } from '../../src/experiment/sqlite-store.js';
import type { TrialRecord } from '../../src/experiment/store.js';
import { MEMORY_CALIBRATION, planTrainingBatches, trainingPeakBytes, type TrainingMemory } from '../../src/engine/train-memory.js';
import { engineTest } from '../engine/helpers.js';
import { naskit, tempDir, writeConfig } from '../experiment/helpers.js';

const MB = 2 ** 20;

test('planTrainingBatches: the wanted batches when they fit; else the evaluation batch shrinks, then (when allowed) the training batch, halving to the minimum', () => {
  // 1 MB of parameters (and as much momentum); a step 1 MB and an evaluation 0.5 MB per image.
  const memory: TrainingMemory = { paramBytes: MB, optimizerBytes: MB, step: { fixed: 0, perImage: MB }, evaluation: { fixed: 0, perImage: MB / 2 } };
  const { stepFactor, evaluationFactor, overheadBytes } = MEMORY_CALIBRATION;
  const peak = (batch: number, evalBatch: number) => trainingPeakBytes(memory, batch, evalBatch).peakBytes;
  // By hand: a step at batch b holds 2 MB + 1.35·b MB, an evaluation at e 2 MB + 1.12·e/2 MB, plus 20 MB.
  assert.equal(peak(64, 256), overheadBytes + 2 * MB + Math.max(stepFactor * 64, (evaluationFactor * 256) / 2) * MB);

  const roomy = planTrainingBatches(memory, { batch: 64, evalBatch: 256, limitBytes: 1000 * MB, minBatch: 8 });
  assert.deepEqual([roomy.plan?.batch, roomy.plan?.evalBatch], [64, 256]);

  // 130 MB: the step at 64 (20 + 2 + 86.4 MB) fits, the evaluation at 256 (20 + 2 + 143.4) does not, at 128 (20 + 2 + 71.7) it does.
  const evalOnly = planTrainingBatches(memory, { batch: 64, evalBatch: 256, limitBytes: 130 * MB, minBatch: 64 });
  assert.deepEqual([evalOnly.plan?.batch, evalOnly.plan?.evalBatch], [64, 128]);

  // 60 MB: the step needs batch ≤ 28 (→ 16 by halving from 64), the evaluation then e ≤ 67 (→ 64 from 256).
  const shrunk = planTrainingBatches(memory, { batch: 64, evalBatch: 256, limitBytes: 60 * MB, minBatch: 8 });
  assert.deepEqual([shrunk.plan?.batch, shrunk.plan?.evalBatch], [16, 64]);
  assert.ok(shrunk.plan!.peak.peakBytes <= 60 * MB);
  assert.equal(shrunk.wanted.peakBytes, peak(64, 256));

  // The same without shrinking the training batch: nothing fits; the smallest tried is batch 64.
  const refused = planTrainingBatches(memory, { batch: 64, evalBatch: 256, limitBytes: 60 * MB, minBatch: 64 });
  assert.equal(refused.plan, null);
  assert.equal(refused.smallest.batch, 64);

  // Halving (96 → 48 → 24 → 12 → 10) ends with the minimum itself and gives up there: at 25 MB a step of 10 (35.5 MB) does not fit.
  const tiny = planTrainingBatches(memory, { batch: 96, evalBatch: 256, limitBytes: 25 * MB, minBatch: 10 });
  assert.equal(tiny.plan, null);
  assert.equal(tiny.smallest.batch, 10);
  // At 40 MB a step of 12 fits (38.2 MB), one of 24 (54.4 MB) does not; the evaluation goes to 32 (40 MB at most: e ≤ 32).
  const atMin = planTrainingBatches(memory, { batch: 96, evalBatch: 256, limitBytes: 40 * MB, minBatch: 10 });
  assert.deepEqual([atMin.plan?.batch, atMin.plan?.evalBatch], [12, 32]);
  const atTen = planTrainingBatches(memory, { batch: 96, evalBatch: 256, limitBytes: 36 * MB, minBatch: 10 });
  assert.equal(atTen.plan?.batch, 10, 'the minimum is tried although halving 12 skips it');
});

test('config: max_memory_mb, shrink_batch and min_batch_size validate; min_batch_size needs shrink_batch', () => {
  const base = { name: 'm', space: 'nb201', strategy: { name: 'random' }, budget: { trials: 1 } };
  const ok = validateConfig({ ...base, estimator: { name: 'train', max_memory_mb: 512, shrink_batch: true, min_batch_size: 4 } });
  assert.equal(ok.estimator.max_memory_mb, 512);
  // Absent when not given: configs stored before these fields validate to what they did.
  const plain = validateConfig({ ...base, estimator: { name: 'train' } });
  assert.ok(!('max_memory_mb' in plain.estimator) && !('shrink_batch' in plain.estimator) && !('min_batch_size' in plain.estimator));
  for (const [estimator, pattern] of [
    [{ name: 'train', min_batch_size: 4 }, /estimator\.min_batch_size: min_batch_size applies only with shrink_batch: true/],
    [{ name: 'train', max_memory_mb: 0 }, /estimator\.max_memory_mb/],
    [{ name: 'train', shrink_batch: 'yes' }, /estimator\.shrink_batch/],
  ] as const) {
    assert.throws(
      () => validateConfig({ ...base, estimator }),
      (e: unknown) => e instanceof ConfigError && e.code === 'CONFIG_INVALID' && pattern.test(e.message),
    );
  }
});

/** A tiny search config: NB201 at C=4, N=1 on Fashion-MNIST, one step of batch 256 per trial (the step, not the evaluation, sets the peak). */
function searchConfig(name: string, estimatorExtra: string): string {
  return `name: ${name}
space: {name: nb201, options: {channels: 4, cells: 1}}
strategy: {name: random}
estimator: {name: train, dataset: fashion-mnist, epochs: 1, batch_size: 256, learning_rate: 0.05, train_images: 256, validation_images: 64,
  augment: false, final_epochs: 1, test_images: 64, threads: 1${estimatorExtra}}
budget: {trials: 6}
seed: 3
`;
}

async function trialsOf(url: string, name: string): Promise<TrialRecord[]> {
  const store = SqliteStore.open(url);
  try {
    const e = await store.getExperiment(name);
    return (await store.trials(e!.id)).sort((a, b) => a.number - b.number);
  } finally {
    await store.close();
  }
}

const metricsOf = (t: TrialRecord) => (t.params.metrics ?? {}) as Record<string, number>;

engineTest('a search with a small estimator.max_memory_mb: trials that do not fit fail with MEMORY_LIMIT, the others complete, the search finishes; with shrink_batch they complete at a smaller batch', async () => {
  const dir = tempDir('naskit-memory-search-');
  const env = { NASKIT_THREADS: '1' };
  const url = `sqlite://${join(dir, 'm.db')}`;
  const run = (name: string, extra: string) => {
    const r = naskit(['search', writeConfig(dir, searchConfig(name, extra), `${name}.yaml`), '--storage', url, '--json'], dir, env);
    assert.equal(r.status, 0, `${name}: ${r.stderr}`);
    return JSON.parse(r.stdout) as { best: { arch: string }; export: string };
  };
  // 1. Room for everything: each trial records its estimated peak at batch 256.
  run('roomy', ', max_memory_mb: 100000');
  const roomy = await trialsOf(url, 'roomy');
  assert.equal(roomy.length, 6);
  for (const t of roomy) {
    assert.equal(t.state, 'complete', String(t.error));
    assert.equal(metricsOf(t).batch_size, 256);
    assert.equal(metricsOf(t).memory_limit_mb, 100000);
  }
  // The limit: in the middle of the widest gap between the estimates (random search proposes the same architectures again).
  const estimates = [...new Set(roomy.map((t) => metricsOf(t).memory_mb))].sort((a, b) => a - b);
  assert.ok(estimates.length >= 2, `the architectures differ in memory: ${estimates.join(', ')}`);
  let limit = 0;
  let gap = 0;
  for (let i = 1; i < estimates.length; i++) {
    if (estimates[i] - estimates[i - 1] > gap) [gap, limit] = [estimates[i] - estimates[i - 1], Math.round(((estimates[i] + estimates[i - 1]) / 2) * 10) / 10];
  }
  assert.ok(gap >= 1, `estimates ${estimates.join(', ')} MB`);

  // 2. At the limit: those above it fail with the reason, the rest complete, and the search reports and exports its best.
  const tight = run('tight', `, max_memory_mb: ${limit}`);
  assert.ok(existsSync(tight.export));
  const trials = await trialsOf(url, 'tight');
  assert.deepEqual(trials.map((t) => t.key), roomy.map((t) => t.key), 'the same architectures as the roomy search');
  let failed = 0;
  for (const [i, t] of trials.entries()) {
    const wanted = metricsOf(roomy[i]).memory_mb;
    if (wanted > limit) {
      failed++;
      assert.equal(t.state, 'failed', `trial ${t.number} (${wanted} MB) should not fit in ${limit} MB`);
      assert.equal(t.params.error_code, 'MEMORY_LIMIT');
      assert.match(String(t.error), new RegExp(`^ResourceError: training this network needs about ${Math.ceil(wanted)} MB at batch 256 .* more than the ${Math.floor(limit)} MB of estimator\\.max_memory_mb; .*shrink_batch: true`));
      assert.equal(metricsOf(t).memory_mb, wanted);
      assert.equal(metricsOf(t).memory_limit_mb, limit);
    } else {
      assert.equal(t.state, 'complete', `trial ${t.number} (${wanted} MB in ${limit} MB): ${String(t.error)}`);
      assert.equal(metricsOf(t).batch_size, 256);
    }
  }
  assert.ok(failed >= 1 && failed < trials.length, `${failed} of ${trials.length} failed`);

  // 3. With shrink_batch: every trial completes; those that did not fit train at a smaller batch, recorded with its estimate.
  run('shrink', `, max_memory_mb: ${limit}, shrink_batch: true, min_batch_size: 8`);
  const shrunk = await trialsOf(url, 'shrink');
  for (const [i, t] of shrunk.entries()) {
    assert.equal(t.state, 'complete', `trial ${t.number}: ${String(t.error)}`);
    const m = metricsOf(t);
    assert.ok(m.memory_mb <= limit, `trial ${t.number}: ${m.memory_mb} MB in ${limit} MB`);
    if (metricsOf(roomy[i]).memory_mb > limit) assert.ok(m.batch_size < 256 && m.batch_size >= 8, `trial ${t.number} at batch ${m.batch_size}`);
    else assert.equal(m.batch_size, 256);
  }
});

engineTest('naskit train refuses a run over --max-memory-mb with the estimate and the limit, and trains it at a smaller batch with --shrink-batch', () => {
  const dir = tempDir('naskit-memory-train-');
  const env = { NASKIT_THREADS: '1' };
  const args = ['train', '--space', 'nb201', '--channels', '4', '--cells', '1', '--arch', '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|', '--dataset', 'fashion-mnist', '--subset', '600', '--epochs', '1', '--batch', '256', '--json'];
  const roomy = naskit(args, dir, env);
  assert.equal(roomy.status, 0, roomy.stderr);
  const full = JSON.parse(roomy.stdout) as { batch_size: number; memory_mb: number };
  assert.equal(full.batch_size, 256);
  // Half the estimate: the step at batch 256 cannot fit (it is most of the estimate), a step at a quarter of it can.
  const limit = Math.round(full.memory_mb / 2);
  const refused = naskit([...args, '--max-memory-mb', String(limit)], dir, env);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, new RegExp(`naskit: training this network needs about ${Math.ceil(full.memory_mb)} MB at batch 256 .*more than the ${limit} MB of --max-memory-mb; .*--shrink-batch`));
  assert.equal(refused.stdout, '');
  const shrunk = naskit([...args, '--max-memory-mb', String(limit), '--shrink-batch'], dir, env);
  assert.equal(shrunk.status, 0, shrunk.stderr);
  const doc = JSON.parse(shrunk.stdout) as { batch_size: number; memory_mb: number; history: unknown[] };
  assert.ok(doc.batch_size < 256 && doc.batch_size >= 8, `batch ${doc.batch_size}`);
  assert.ok(doc.memory_mb <= limit);
  assert.match(shrunk.stderr, new RegExp(`batch 256 does not fit in ${limit} MB; training at batch ${doc.batch_size}`));
  const usage = naskit([...args, '--min-batch', '4'], dir, env);
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /--min-batch applies only with --shrink-batch/);
});

engineTest('train estimator: a trial shrunk to fit resumes at its checkpoint\'s batch, whatever the limit then; one that no longer fits there fails with MEMORY_LIMIT', async () => {
  const space = new Nb201Space();
  const arch = space.parse('|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|');
  const base: TrainingOptions = {
    dataset: 'fashion-mnist', epochs: 2, channels: 4, cells: 1, batchSize: 256, lr: 0.05, trainImages: 512, validationImages: 64,
    splitSeed: 0, augment: false, finalEpochs: 1, testImages: 64, threads: 1,
  };
  const memory = (maxMemoryMb: number, shrinkBatch: boolean) => ({ ...base, memory: { maxMemoryMb, shrinkBatch, minBatch: 8 } });
  const saved: Uint8Array[] = [];
  const trial = (initial: Uint8Array | null): TrialContext => ({ loadCheckpoint: async () => initial, saveCheckpoint: async (d) => void saved.push(d), report: async () => {} });

  const roomy = await new TrainingEstimator(space, dataDir(), memory(100_000, false)).estimate(arch, { seed: 1 });
  assert.equal(roomy.metrics.batch_size, 256);
  const limit = roomy.metrics.memory_mb / 2;
  const shrunk = await new TrainingEstimator(space, dataDir(), memory(limit, true)).estimate(arch, { seed: 1, trial: trial(null) });
  const batch = shrunk.metrics.batch_size;
  assert.ok(batch < 256 && shrunk.metrics.memory_mb <= limit, `batch ${batch}, ${shrunk.metrics.memory_mb} MB in ${limit} MB`);
  assert.equal((readTrainingProgress(saved[0]).extra as { batchSize: number }).batchSize, batch, 'the checkpoint records the batch');

  // The worker died after epoch 1; the next attempt has room for batch 256 but continues at the checkpoint's batch.
  const resumed = await new TrainingEstimator(space, dataDir(), memory(100_000, false)).estimate(arch, { seed: 1, trial: trial(saved[0]) });
  assert.equal(resumed.metrics.resumed_from_epoch, 1);
  assert.equal(resumed.metrics.batch_size, batch);
  // With less memory than that batch needs, it is not shrunk further: the trial fails with the reason.
  await assert.rejects(
    new TrainingEstimator(space, dataDir(), memory(21, true)).estimate(arch, { seed: 1, trial: trial(saved[0]) }),
    (e: unknown) => e instanceof ResourceError && e.code === 'MEMORY_LIMIT' && e.details.batch_size === batch && /resumes at the batch its checkpoint was trained at/.test(e.message),
  );
});
