import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../../src/errors.js';
import { loadConfig, validateConfig } from '../../src/experiment/config.js';
import { projectRoot } from '../../src/util/paths.js';
import { naskit, tempDir, writeConfig } from './helpers.js';

const SMALLEST = {
  name: 'nb201-rea',
  space: 'nb201',
  strategy: { name: 'random' },
  estimator: { name: 'tabular', benchmark: 'nb201', dataset: 'cifar10', signal: 'valid_12ep' },
  budget: { trials: 500 },
  seed: 0,
};

function rejects(input: unknown, code: string, ...patterns: RegExp[]): void {
  assert.throws(
    () => validateConfig(input, 'c.yaml'),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError, String(err));
      assert.equal(err.code, code, err.message);
      for (const p of patterns) assert.match(err.message, p);
      assert.equal(err.message.split('\n').length, 1);
      return true;
    },
  );
}

test('config: the smallest config validates and gets every documented default', () => {
  const c = validateConfig(SMALLEST);
  assert.equal(c.export, '.naskit/exports/nb201-rea.json');
  assert.deepEqual(c.final, { report: true });
  assert.deepEqual(c.workers, { heartbeat_seconds: 10, stale_seconds: 60 });
  assert.deepEqual(c.strategy.options, {});
  assert.equal(c.estimator.delay_ms, 0);
  assert.deepEqual(c.estimator.latency_devices, []);
  const noSeed = validateConfig({ ...SMALLEST, seed: undefined, estimator: { name: 'tabular' } });
  assert.equal(noSeed.seed, 0);
  assert.equal(noSeed.estimator.dataset, 'cifar10');
  assert.equal(noSeed.estimator.signal, 'valid_12ep');
});

test('config: configs/nb201-rea.yaml (the README main job) validates', () => {
  const c = loadConfig(join(projectRoot(), 'configs', 'nb201-rea.yaml'));
  assert.equal(c.name, 'nb201-rea');
  assert.equal(c.strategy.name, 'rea');
  assert.equal(c.budget.trials, 500);
});

test('config: invalid fields are named with what is allowed', () => {
  rejects({ ...SMALLEST, strategy: { name: 'nope' } }, 'CONFIG_INVALID', /strategy\.name/, /must be one of .*random/, /"nope"/);
  rejects({ ...SMALLEST, space: 'nb999' }, 'CONFIG_INVALID', /space: must be one of .*nb201/);
  rejects({ ...SMALLEST, estimator: { name: 'tabular', dataset: 'mnist' } }, 'CONFIG_INVALID', /estimator\.dataset: must be one of cifar10, cifar100, imagenet16, got "mnist"/);
  rejects({ ...SMALLEST, estimator: { name: 'tabular', signal: 'test_200ep_mean' } }, 'CONFIG_INVALID', /estimator\.signal: must be one of valid_12ep/);
  rejects({ ...SMALLEST, estimator: { name: 'tabular', epochs: 3 } }, 'CONFIG_INVALID', /estimator\.epochs: unknown field/, /delay_ms/);
  rejects({ ...SMALLEST, budjet: 1 }, 'CONFIG_INVALID', /budjet: unknown field/, /allowed fields: name, space, strategy/);
  rejects({ ...SMALLEST, budget: {} }, 'CONFIG_INVALID', /budget: give at least one of trials, seconds, wall_seconds/);
  rejects({ ...SMALLEST, budget: { trials: -3 } }, 'CONFIG_INVALID', /budget\.trials/);
  rejects({ ...SMALLEST, seed: 1.5 }, 'CONFIG_INVALID', /seed/);
  rejects({ ...SMALLEST, name: 'a b/c' }, 'CONFIG_INVALID', /name: must be 1–100 letters/);
  rejects({ ...SMALLEST, name: undefined }, 'CONFIG_INVALID', /name: required field is missing/);
  rejects({ ...SMALLEST, estimator: { name: 'magic' } }, 'UNKNOWN_ESTIMATOR', /estimator\.name: must be one of tabular/);
  rejects({ ...SMALLEST, estimator: { name: 'oneshot' } }, 'ESTIMATOR_NOT_AVAILABLE', /estimator\.name: "oneshot".*use estimator\.name: train/);
  rejects({ ...SMALLEST, estimator: { name: 'train', dataset: 'svhn' } }, 'CONFIG_INVALID', /estimator\.dataset: must be one of mnist, fashion-mnist, cifar10, got "svhn"/);
  rejects({ ...SMALLEST, estimator: { name: 'train', epochs: 0 } }, 'CONFIG_INVALID', /estimator\.epochs/);
  rejects({ ...SMALLEST, estimator: { name: 'train', signal: 'valid_12ep' } }, 'CONFIG_INVALID', /estimator\.signal: unknown field/, /train_images/);
});

test('config: the train estimator fills its defaults; configs/cifar10-train-rea.yaml validates', () => {
  const c = validateConfig({ ...SMALLEST, estimator: { name: 'train' } });
  assert.deepEqual(
    { ...c.estimator },
    // channels and cells are the space's options now (NB201 configs without them still train at C=8, N=1).
    { name: 'train', dataset: 'cifar10', epochs: 2, batch_size: 64, learning_rate: 0.1, train_images: 5000, validation_images: 1000, split_seed: 0, augment: true, test_images: 0 },
  );
  const main = loadConfig(join(projectRoot(), 'configs', 'cifar10-train-rea.yaml'));
  assert.equal(main.estimator.name, 'train');
  assert.equal(main.estimator.final_epochs, 12);
  assert.equal(main.budget.trials, 24);
});

test('config: CLI search with a bad config exits 2 with one line and creates no storage', () => {
  const dir = tempDir();
  const path = writeConfig(dir, 'name: x\nspace: nb201\nstrategy: {name: nope}\nestimator: {name: tabular}\nbudget: {trials: 5}\n');
  const r = naskit(['search', path], dir);
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /strategy\.name: must be one of/);
  assert.equal(existsSync(join(dir, '.naskit')), false);
  const notYaml = writeConfig(dir, 'name: [unclosed\n', 'bad.yaml');
  assert.equal(naskit(['search', notYaml], dir).status, 2);
  assert.equal(naskit(['search', join(dir, 'missing.yaml')], dir).status, 2);
});
