// Storage that cannot be reached, a schema from a newer naskit, a full disk: a clear StorageError,
// and the stored experiment intact afterwards.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { StorageError } from '../../src/errors.js';
import { openStore } from '../../src/experiment/open-store.js';
import { PostgresStore } from '../../src/experiment/postgres-store.js';
import { SqliteStore } from '../../src/experiment/sqlite-store.js';
import { SCHEMA_VERSION, type NewTrial, type Store } from '../../src/experiment/store.js';
import { dropSchema, naskit, pgExec, pgUrl, postgresMissing, tempDir, uniqueSchema } from './helpers.js';
import { postgresTest } from '../helpers/postgres.js';

const isStorageError = (code: string) => (err: unknown) => {
  assert.ok(err instanceof StorageError, String(err));
  assert.equal(err.code, code, err.message);
  return true;
};

function trial(i: number): NewTrial {
  return { sample: { edge: `op-${i}-${'x'.repeat(200)}` }, key: `k${i}`, fidelity: null, params: {}, userAttrs: {}, seed: i, codeVersion: 't' };
}

async function fill(store: Store, name: string, n: number): Promise<number> {
  const e = await store.createExperiment({ name, config: { a: 1 }, seed: 0 });
  for (let i = 0; i < n; i++) {
    const made = await store.askTrial(e.id, -1, { id: 'w' }, (v) => trial(v.trialCount));
    await store.finishTrial(made!.trial.id, { id: 'w' }, { state: 'complete', value: i, observation: { trial: i, state: 'complete', value: i } });
  }
  return e.id;
}

test('bad storage: unreachable URLs and unknown schemes are StorageErrors naming the URL', async () => {
  await assert.rejects(openStore('postgresql://postgres@127.0.0.1:1/test'), isStorageError('STORAGE_UNREACHABLE'));
  await assert.rejects(openStore('postgresql://postgres@127.0.0.1:5432/no_such_database_naskit'), isStorageError('STORAGE_UNREACHABLE'));
  await assert.rejects(openStore('sqlite:///dev/null/naskit.db'), isStorageError('STORAGE_UNREACHABLE'));
  await assert.rejects(openStore('mysql://localhost/x'), isStorageError('BAD_STORAGE_URL'));
  const dir = tempDir();
  const r = naskit(['status', '--storage', 'postgresql://postgres@127.0.0.1:1/test'], dir);
  assert.equal(r.status, 1);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /127\.0\.0\.1:1/);
  assert.match(r.stderr, /cannot connect to PostgreSQL/);
});

test('bad storage: a SQLite schema from a newer version is refused, and the data is untouched', async () => {
  const url = `sqlite://${join(tempDir(), 'new.db')}`;
  const store = SqliteStore.open(url);
  await fill(store, 'keep', 5);
  await store.close();
  const raw = new Database(url.slice('sqlite://'.length));
  raw.prepare('INSERT INTO schema_version (version) VALUES (?)').run(SCHEMA_VERSION + 1);
  raw.close();
  await assert.rejects(openStore(url), isStorageError('SCHEMA_TOO_NEW'));
  const check = new Database(url.slice('sqlite://'.length));
  assert.equal((check.prepare('SELECT COUNT(*) AS n FROM trials').get() as { n: number }).n, 5);
  check.prepare('DELETE FROM schema_version WHERE version = ?').run(SCHEMA_VERSION + 1);
  check.close();
  const again = SqliteStore.open(url);
  const e = await again.getExperiment('keep');
  assert.equal((await again.trials(e!.id)).length, 5);
  await again.close();
});

postgresTest('bad storage: a PostgreSQL schema from a newer version is refused, and the data is untouched', await postgresMissing(), {}, async () => {
  const schema = uniqueSchema('naskit_newer');
  try {
    const store = await PostgresStore.open(pgUrl(schema));
    await fill(store, 'keep', 3);
    await store.close();
    await pgExec(`INSERT INTO "${schema}".schema_version (version) VALUES ($1)`, [SCHEMA_VERSION + 1]);
    await assert.rejects(PostgresStore.open(pgUrl(schema)), isStorageError('SCHEMA_TOO_NEW'));
    assert.equal(Number((await pgExec(`SELECT COUNT(*) AS n FROM "${schema}".trials`)).rows[0].n), 3);
  } finally {
    await dropSchema(schema);
  }
});

test('bad storage: a full disk fails the write with STORAGE_FULL; committed trials stay intact and the run continues after', async () => {
  const url = `sqlite://${join(tempDir(), 'full.db')}`;
  const first = SqliteStore.open(url);
  const id = await fill(first, 'full', 3);
  await first.close();
  const path = url.slice('sqlite://'.length);
  const raw = new Database(path);
  const pages = (raw.pragma('page_count', { simple: true }) as number) + 3;
  raw.close();
  // max_page_count caps the database file: SQLite then fails writes with SQLITE_FULL, exactly as on a full disk.
  const capped = SqliteStore.open(url, { pragmas: [`max_page_count = ${pages}`] });
  let written = 3;
  let failure: unknown = null;
  for (let i = 0; i < 10_000 && failure === null; i++) {
    try {
      const made = await capped.askTrial(id, -1, { id: 'w' }, (v) => trial(v.trialCount));
      await capped.finishTrial(made!.trial.id, { id: 'w' }, { state: 'complete', value: i, observation: { trial: made!.trial.number, state: 'complete', value: i } });
      written++;
    } catch (error) {
      failure = error;
    }
  }
  isStorageError('STORAGE_FULL')(failure);
  assert.match((failure as Error).message, /full/);
  await capped.close();
  const after = SqliteStore.open(url);
  const trials = await after.trials(id);
  // Every finished trial survived; at most the one trial whose finish failed is still open.
  assert.ok(trials.filter((t) => t.state === 'complete').length === written);
  assert.ok(trials.length - written <= 1);
  const events = await after.events(id);
  assert.deepEqual(events.map((e) => e.seq), [...Array(events.length).keys()]);
  assert.equal(events.filter((e) => e.kind === 'ask').length, trials.length);
  await after.close();
});
