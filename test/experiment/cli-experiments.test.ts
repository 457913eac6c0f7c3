import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { naskit, tempDir, writeConfig } from './helpers.js';

const CONFIG = `name: cli-exp
space: nb201
strategy: {name: random}
estimator: {name: tabular, benchmark: nb201, dataset: cifar100, signal: valid_12ep}
budget: {trials: 40}
seed: 2
export: out/model.json
`;

test('cli: search, status, best, trials, resume and worker print the contract documents', () => {
  const dir = tempDir('naskit-cli-');
  const config = writeConfig(dir, CONFIG);
  const s = naskit(['search', config, '--json'], dir);
  assert.equal(s.status, 0, s.stderr);
  const doc = JSON.parse(s.stdout);
  assert.equal(s.stdout.trim().split('\n').length, 1, 'exactly one JSON document');
  assert.equal(doc.name, 'cli-exp');
  assert.deepEqual(doc.trials, { total: 40, complete: 40, failed: 0, pruned: 0 });
  assert.equal(doc.best.report, 'cifar100_test_200ep_mean');
  assert.ok(doc.best.test_accuracy > 0 && doc.best.test_accuracy <= 73.5133);
  assert.equal(doc.export, join(dir, 'out', 'model.json'));
  const model = JSON.parse(readFileSync(doc.export, 'utf8'));
  for (const key of ['space', 'arch', 'index', 'signal', 'signal_value', 'test_accuracy', 'params']) assert.ok(key in model, key);
  assert.equal(model.arch, doc.best.arch);
  assert.equal(model.test_accuracy, doc.best.test_accuracy);
  assert.ok(existsSync(join(dir, '.naskit', 'naskit.db')), 'default storage under the working folder');

  const status = JSON.parse(naskit(['status', 'cli-exp', '--json'], dir).stdout);
  assert.equal(status.status, 'finished');
  assert.equal(status.trials.complete, 40);
  assert.equal(status.best.arch, doc.best.arch);
  const all = JSON.parse(naskit(['status', '--json'], dir).stdout);
  assert.deepEqual(all.experiments.map((e: { name: string }) => e.name), ['cli-exp']);

  const best = JSON.parse(naskit(['best', 'cli-exp', '--json'], dir).stdout);
  assert.equal(best.arch, doc.best.arch);
  assert.equal(best.test_accuracy, doc.best.test_accuracy);

  const trials = JSON.parse(naskit(['trials', 'cli-exp', '--json'], dir).stdout).trials;
  assert.equal(trials.length, 40);
  for (const key of ['number', 'state', 'arch', 'value', 'worker', 'started', 'finished']) assert.ok(key in trials[0], key);
  assert.ok(trials.every((t: { state: string }) => t.state === 'complete'));
  assert.match(trials[0].arch, /^\|.+~0\|\+/);

  const resumed = naskit(['resume', 'cli-exp', '--json'], dir);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.equal(JSON.parse(resumed.stdout).best.arch, doc.best.arch);
  const worker = naskit(['worker', '--experiment', 'cli-exp', '--json'], dir);
  assert.equal(worker.status, 0, worker.stderr);
  assert.equal(JSON.parse(worker.stdout).evaluated, 0);

  // Bad usage: exit 2; unknown experiment: exit 1; both one line on stderr, nothing on stdout.
  // The same search again reprints the stored result; another config under the same name is refused.
  const again = naskit(['search', config, '--json'], dir);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(JSON.parse(again.stdout).best.arch, doc.best.arch);
  const changed = naskit(['search', writeConfig(dir, CONFIG.replace('seed: 2', 'seed: 3'), 'changed.yaml')], dir);
  assert.equal(changed.status, 2);
  assert.match(changed.stderr, /already exists.*different config.*naskit resume cli-exp/);
  const missing = naskit(['best', 'nope', '--json'], dir);
  assert.equal(missing.status, 1);
  assert.equal(missing.stdout, '');
  assert.equal(missing.stderr.trim().split('\n').length, 1);
  assert.match(missing.stderr, /no experiment "nope".*cli-exp/);
  assert.equal(naskit(['worker'], dir).status, 2);
  // The stored experiment is intact after all of that.
  assert.equal(JSON.parse(naskit(['trials', 'cli-exp', '--json'], dir).stdout).trials.length, 40);
});
