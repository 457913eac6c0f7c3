// A `naskit search` with weight inheritance killed (SIGKILL) while a child trial trains: `naskit
// resume` finishes it, and every trial ends with the value of the uninterrupted run (the parent's
// weights are still in the storage, and the child's checkpoint carries what it inherited).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { TrialRecord } from '../../src/experiment/store.js';
import { engineTest } from '../engine/helpers.js';
import { killWhen, naskit, runningCheckpoint, storedTrials as findTrials, tempDir, writeConfig } from './helpers.js';

const EPOCHS = 3;
const CONFIG = (name: string) => `name: ${name}
space: nb201
strategy: {name: rea, options: {population: 2, sample_size: 2}}
estimator: {name: train, dataset: fashion-mnist, epochs: ${EPOCHS}, channels: 4, cells: 1, batch_size: 32, learning_rate: 0.05,
  train_images: 384, validation_images: 128, augment: false, final_epochs: 1, test_images: 256, threads: 1, inherit: true, inherit_keep: 2}
budget: {trials: 5}
seed: 5
workers: {heartbeat_seconds: 1, stale_seconds: 30}
`;

const storedTrials = async (url: string, name: string): Promise<TrialRecord[]> => (await findTrials(url, name)) ?? [];

engineTest('inheriting search killed mid-child resumes to the uninterrupted values', async () => {
  const dir = tempDir('naskit-kill-inherit-');
  const env = { NASKIT_THREADS: '1' };
  const refUrl = `sqlite://${join(dir, 'ref.db')}`;
  const ref = naskit(['search', writeConfig(dir, CONFIG('ref'), 'ref.yaml'), '--storage', refUrl, '--json'], dir, env);
  assert.equal(ref.status, 0, ref.stderr);
  const reference = await storedTrials(refUrl, 'ref');
  assert.equal(reference.length, 5);
  const inherited = reference.filter((t) => (t.params.metrics as Record<string, number>).inherited_tensors > 0);
  assert.ok(inherited.length >= 2, 'children inherited');
  for (const t of inherited) assert.equal((t.params.metrics as Record<string, number>).inherited_from, t.params.parent);

  // The same search, killed while a child (a trial past the random population of 2) has checkpointed 1 epoch.
  const path = join(dir, 'killed.db');
  const url = `sqlite://${path}`;
  const at = await killWhen(['search', writeConfig(dir, CONFIG('killed'), 'killed.yaml'), '--storage', url, '--json'], dir, env, () => {
    const r = runningCheckpoint(path);
    const inherits = r !== null && r.number >= 2 && (reference[r.number].params.metrics as Record<string, number>).inherited_tensors > 0;
    return inherits && r.epochs >= 1 && r.epochs <= EPOCHS - 2 ? r : null;
  }, 10);

  const resumed = naskit(['resume', 'killed', '--storage', url, '--json'], dir, env);
  assert.equal(resumed.status, 0, resumed.stderr);
  const trials = await storedTrials(url, 'killed');
  assert.equal(trials.length, 5);
  const again = trials.filter((t) => t.attempts === 2);
  assert.deepEqual(again.map((t) => t.number), [at.number], 'the killed child was run a second time');
  assert.ok((again[0].params.metrics as Record<string, number>).resumed_from_epoch >= 1);
  for (const t of trials) {
    const metrics = t.params.metrics as Record<string, number>;
    const want = reference[t.number].params.metrics as Record<string, number>;
    assert.equal(t.state, 'complete');
    assert.equal(t.key, reference[t.number].key);
    assert.equal(metrics.inherited_tensors, want.inherited_tensors, `trial ${t.number}`);
    assert.equal(t.value, reference[t.number].value, `trial ${t.number}: same value as the uninterrupted run`);
  }
  const db = new Database(path, { readonly: true });
  const kept = (db.prepare('SELECT COUNT(*) AS n FROM trial_weights').get() as { n: number }).n;
  assert.ok(kept >= 2 && kept <= 4, `${kept} kept weights (latest 2 and best 2)`);
  assert.equal((db.prepare('SELECT COUNT(*) AS n FROM trial_checkpoints').get() as { n: number }).n, 0);
  db.close();
});
