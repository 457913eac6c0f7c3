// The main job's config (configs/cifar10-main.yaml) end to end at a tiny size: the same sections and
// recipe (proxy warm start, one-cycle schedule, label smoothing, a final retraining on its own images,
// batch and learning rate), only the sizes shrunk so that it runs in seconds.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse, stringify } from 'yaml';
import { ConfigError } from '../../src/errors.js';
import { loadConfig, validateConfig } from '../../src/experiment/config.js';
import { SqliteStore } from '../../src/experiment/sqlite-store.js';
import { projectRoot } from '../../src/util/paths.js';
import { engineTest } from '../engine/helpers.js';
import { naskit, tempDir, writeConfig } from './helpers.js';

const MAIN = join(projectRoot(), 'configs', 'cifar10-main.yaml');

test('config: configs/cifar10-main.yaml validates: all 50,000 training images for the final retraining, one-cycle, label smoothing, a proxy warm start', () => {
  const c = loadConfig(MAIN);
  const e = c.estimator;
  assert.equal(e.name, 'train');
  assert.equal(e.dataset, 'cifar10');
  assert.equal(e.final_train_images, 0, 'the whole training set');
  assert.equal(e.final_schedule, 'one_cycle');
  assert.equal(e.label_smoothing, 0.1);
  assert.equal(e.final_batch_size, 128);
  assert.equal(e.final_epochs, 6);
  assert.equal(c.space_options.channels, 16);
  assert.equal(c.space_options.cells, 1);
  assert.ok(c.warm_start, 'a proxy warm start');
  assert.ok(c.budget.trials !== undefined && c.budget.trials <= c.warm_start.top, 'every trial is one of the proxy\'s top');
});

test('config: the train estimator\'s recipe fields are validated with the field named', () => {
  const base = loadConfig(MAIN);
  const bad = (estimator: Record<string, unknown>, message: RegExp) =>
    assert.throws(() => validateConfig({ ...base, estimator: { ...base.estimator, ...estimator } }), (e: unknown) => e instanceof ConfigError && e.code === 'CONFIG_INVALID' && message.test(e.message));
  bad({ schedule: 'step' }, /estimator\.schedule: must be one of cosine, one_cycle, got "step"/);
  bad({ final_schedule: 'linear' }, /estimator\.final_schedule: must be one of cosine, one_cycle/);
  bad({ label_smoothing: 1.5 }, /estimator\.label_smoothing/);
  bad({ final_train_images: -1 }, /estimator\.final_train_images/);
  bad({ final_batch_size: 0 }, /estimator\.final_batch_size/);
  bad({ final_learning_rate: 0 }, /estimator\.final_learning_rate/);
  bad({ final_lr: 0.1 }, /estimator\.final_lr: unknown field; allowed fields of estimator: .*final_learning_rate/);
});

engineTest('naskit search configs/cifar10-main.yaml at a tiny size: proxy-ranked trials, the final recipe, the export records it', async () => {
  const dir = tempDir('naskit-main-config-');
  const doc = parse(readFileSync(MAIN, 'utf8')) as Record<string, Record<string, unknown>>;
  doc.name = 'tiny-main' as unknown as Record<string, unknown>;
  doc.space = { name: 'nb201', options: { channels: 4, cells: 1 } };
  doc.warm_start = { ...doc.warm_start, sample: 6, top: 2, channels: 4, batch_size: 16 };
  doc.estimator = {
    ...doc.estimator, epochs: 1, final_epochs: 2, train_images: 200, validation_images: 100,
    final_train_images: 300, final_batch_size: 50, test_images: 200, batch_size: 50, threads: 1,
  };
  doc.budget = { trials: 2 };
  const url = `sqlite://${join(dir, 'main.db')}`;
  const r = naskit(['search', writeConfig(dir, stringify(doc)), '--storage', url], dir, { NASKIT_THREADS: '1' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /warm start: scoring 6 architectures with \w+ to train the top 2 first/);
  // The final step says what it does while it retrains (minutes at the real size): a line per epoch.
  assert.match(r.stderr, /final step: trial [01] \(\|.+\|, signal [\d.]+\), its test figure read once\n/);
  assert.match(r.stderr, /final retraining: epoch 1\/2, training loss [\d.]+, \d+ images\/s\n.*final retraining: epoch 2\/2/s);
  const testAccuracy = Number(/test accuracy \(cifar10_test_accuracy, read once\): ([\d.]+)/.exec(r.stdout)?.[1]);
  assert.ok(testAccuracy >= 0 && testAccuracy <= 100, r.stdout);
  const exportPath = /exported: (.+)/.exec(r.stdout)?.[1];
  assert.ok(exportPath, r.stdout);
  const exported = JSON.parse(readFileSync(exportPath, 'utf8')) as Record<string, unknown> & { history: unknown[] };
  assert.equal(exported.test_accuracy, testAccuracy);
  assert.equal(exported.final_train_images, 300);
  assert.equal(exported.final_batch_size, 50);
  assert.equal(exported.final_schedule, 'one_cycle');
  assert.equal(exported.label_smoothing, 0.1);
  assert.equal(exported.final_learning_rate, (doc.estimator.final_learning_rate ?? doc.estimator.learning_rate) as number);
  assert.equal(exported.history.length, 2);
  assert.ok((exported.final_train_seconds as number) > 0 && (exported.final_test_seconds as number) > 0);
  const store = SqliteStore.open(url);
  try {
    const e = await store.getExperiment('tiny-main');
    const trials = await store.trials(e!.id);
    assert.equal(trials.length, 2);
    for (const t of trials) assert.equal(t.state, 'complete', JSON.stringify(t.error));
    // Both trials are the proxy's top two, in its order.
    assert.deepEqual(trials.map((t) => (t.params as { warm_start?: number }).warm_start), [0, 1]);
  } finally {
    await store.close();
  }
});
