// A database saved by each released schema must keep opening (and be migrated) in later versions.
// fixtures/schema-v1.db was written by `naskit search` at schema version 1 (5 random trials).
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../src/experiment/sqlite-store.js';
import { SCHEMA_VERSION } from '../../src/experiment/store.js';
import { projectRoot } from '../../src/util/paths.js';
import { naskit, tempDir } from './helpers.js';

test('upgrade: a schema-1 SQLite database opens, migrates to the current version and keeps its trials', async () => {
  const dir = tempDir('naskit-upgrade-');
  const path = join(dir, 'v1.db');
  copyFileSync(join(projectRoot(), 'test', 'experiment', 'fixtures', 'schema-v1.db'), path);
  const store = SqliteStore.open(`sqlite://${path}`);
  const e = await store.getExperiment('fixture-v1');
  assert.ok(e);
  assert.equal(e.status, 'finished');
  const trials = await store.trials(e.id);
  assert.equal(trials.length, 5);
  assert.ok(trials.every((t) => t.state === 'complete' && t.value !== null && t.seed >= 0));
  assert.equal((await store.events(e.id)).length, 10);
  await store.close();
  const raw = new Database(path, { readonly: true });
  assert.equal((raw.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number }).v, SCHEMA_VERSION);
  raw.close();
  const r = naskit(['best', 'fixture-v1', '--storage', `sqlite://${path}`, '--json'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).test_accuracy, 92.285);
});
