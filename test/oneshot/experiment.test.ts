// A one-shot search from a config, recorded in the storage: one trial per epoch, killed (SIGKILL)
// mid-epoch and resumed from the last epoch's stored state, it ends as the uninterrupted run.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TrialRecord } from '../../src/experiment/store.js';
import { validateOneShotConfig } from '../../src/oneshot/config.js';
import { ConfigError } from '../../src/errors.js';
import { engineTest } from '../engine/helpers.js';
import { exited, naskit, naskitChild, sleep, storedTrials as findTrials, tempDir, writeConfig } from '../experiment/helpers.js';

const EPOCHS = 4;
const CONFIG = (name: string) => `name: ${name}
space: nb201
oneshot: {method: gdas, dataset: cifar10, epochs: ${EPOCHS}, subset: 256, channels: 4, cells: 1, batch_size: 32, threads: 1}
seed: 2
`;

/** The experiment's trials; none while it does not exist yet. */
const storedTrials = async (url: string, name: string): Promise<TrialRecord[]> => (await findTrials(url, name)) ?? [];

test('one-shot configs are validated: unknown fields and methods are named', () => {
  assert.throws(() => validateOneShotConfig({ name: 'x', space: 'nb201', oneshot: { method: 'dartz' } }), (e: unknown) => e instanceof ConfigError && /oneshot\.method/.test(e.message));
  assert.throws(() => validateOneShotConfig({ name: 'x', space: 'nb201', oneshot: { method: 'darts', epoch: 3 } }), (e: unknown) => e instanceof ConfigError && /epoch/.test(e.message));
  assert.throws(() => validateOneShotConfig({ name: 'x', space: 'nb201', oneshot: { method: 'pcdarts', channels: 6 } }), /divisible/);
  const c = validateOneShotConfig({ name: 'x', space: 'nb201', oneshot: { method: 'sdarts', perturbation: 'adversarial' } });
  assert.equal(c.oneshot.epochs, 10);
  assert.equal(c.export, '.naskit/exports/x.json');
});

engineTest('a one-shot search config records each epoch as a trial; killed mid-epoch, resume continues from the stored state', async () => {
  const dir = tempDir('naskit-oneshot-exp-');
  const env = { NASKIT_THREADS: '1' };
  const refUrl = `sqlite://${join(dir, 'ref.db')}`;
  const ref = naskit(['search', writeConfig(dir, CONFIG('ref'), 'ref.yaml'), '--storage', refUrl, '--json'], dir, env);
  assert.equal(ref.status, 0, ref.stderr);
  const reference = await storedTrials(refUrl, 'ref');
  assert.equal(reference.length, EPOCHS);
  reference.forEach((t, i) => {
    assert.equal(t.state, 'complete');
    assert.equal(t.params.epoch, i + 1);
    assert.ok(Array.isArray((t.params.alpha as Record<string, unknown>).normal));
    assert.ok(typeof (t.params.table as Record<string, number>).cifar10_test_200ep_mean === 'number');
    assert.deepEqual(Object.keys(t.intermediate), [String(i + 1)]);
  });
  const result = JSON.parse(ref.stdout) as { best: { number: number; arch: string; test_accuracy: number }; export: string };
  assert.equal(result.best.number, EPOCHS - 1);
  assert.ok(result.best.test_accuracy > 0 && result.best.test_accuracy < 100);
  const exported = JSON.parse(readFileSync(result.export, 'utf8')) as { arch: string; index: number };
  assert.equal(exported.arch, result.best.arch);
  assert.ok(Number.isInteger(exported.index));

  const path = join(dir, 'killed.db');
  const url = `sqlite://${path}`;
  const child = naskitChild(['search', writeConfig(dir, CONFIG('killed'), 'killed.yaml'), '--storage', url, '--json'], dir, env);
  const end = exited(child);
  let finished = false;
  void end.then(() => (finished = true));
  while (!finished) {
    if (existsSync(path) && (await storedTrials(url, 'killed').catch(() => [])).length >= 1) break;
    await sleep(50);
  }
  assert.ok(!finished, 'the search was still running after its first epoch');
  child.kill('SIGKILL');
  assert.equal((await end).signal, 'SIGKILL');
  const before = await storedTrials(url, 'killed');
  assert.ok(before.length < EPOCHS, 'killed before the last epoch');

  const resumed = naskit(['resume', 'killed', '--storage', url, '--json'], dir, env);
  assert.equal(resumed.status, 0, resumed.stderr);
  const all = await storedTrials(url, 'killed');
  const trials = all.filter((t) => t.state === 'complete');
  assert.equal(trials.length, EPOCHS);
  // The killed epoch's predecessor held the state: it was claimed again and the search went on from
  // it (a restart would have run epoch 1 again as a new trial).
  assert.equal(all.length, EPOCHS, 'no epoch was recorded twice');
  assert.equal(trials[before.length - 1].attempts, 2, 'the trial holding the last state was taken over by resume');
  trials.forEach((t, i) => {
    assert.equal(t.key, reference[i].key, `epoch ${i + 1}: the same derived cell`);
    assert.equal(t.value, reference[i].value);
    assert.deepEqual(t.params.alpha, reference[i].params.alpha, `epoch ${i + 1}: the same α`);
  });
  assert.equal((JSON.parse(resumed.stdout) as { best: { arch: string } }).best.arch, result.best.arch);
  // The trials are listed like any experiment's.
  const listed = naskit(['trials', 'killed', '--storage', url, '--json'], dir, env);
  assert.equal(listed.status, 0, listed.stderr);
  assert.equal((JSON.parse(listed.stdout) as { trials: unknown[] }).trials.length >= EPOCHS, true);
});
