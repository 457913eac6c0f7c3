import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { SqliteStore } from '../../src/experiment/sqlite-store.js';
import type { TrialRecord } from '../../src/experiment/store.js';
import { projectRoot } from '../../src/util/paths.js';
import { findPostgres } from '../helpers/postgres.js';

/** The PostgreSQL the tests use (the issue's: 127.0.0.1:5432, database `test`); `NASKIT_TEST_PG` overrides. */
export const PG_BASE = process.env.NASKIT_TEST_PG ?? 'postgresql://postgres@127.0.0.1:5432/test';

/** The database URL the PostgreSQL helpers use: PG_BASE, or a server started by {@link postgresMissing}. */
let pgBase = PG_BASE;

/** A fresh schema name, so that concurrent tests never share tables. */
export function uniqueSchema(prefix = 'naskit_test'): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** A PostgreSQL storage URL in its own schema. */
export function pgUrl(schema: string): string {
  return `${pgBase}?schema=${schema}`;
}

/** Drops a test schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgBase });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** Runs one SQL statement against the test database (outside any store). */
export async function pgExec(sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: pgBase });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

/** A temporary folder. */
export function tempDir(prefix = 'naskit-exp-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes a YAML config into `dir` and returns its path. */
export function writeConfig(dir: string, text: string, file = 'config.yaml'): string {
  const path = join(dir, file);
  writeFileSync(path, text);
  return path;
}

const bin = join(projectRoot(), 'bin', 'naskit.js');

/** Runs the real CLI to its end. */
export function naskit(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NASKIT_STORAGE: '', ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the real CLI as a child process (for killing). */
export function naskitChild(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Resolves with the exit code (or signal) of a child. */
export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve({ code: child.exitCode, signal: child.signalCode });
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs `naskit args` as a child, polls `ready()` every `pollMs` until it returns a value, then kills
 * the child with SIGKILL and returns that value. Fails when the child ends before `ready()` does,
 * since the kill would then land after the moment the test is about.
 */
export async function killWhen<T>(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, ready: () => T | null, pollMs = 20): Promise<T> {
  const child = naskitChild(args, cwd, env);
  const end = exited(child);
  let finished = false;
  void end.then(() => (finished = true));
  let value: T | null = null;
  while (!finished && (value = ready()) === null) await sleep(pollMs);
  if (finished || value === null) throw new Error(`naskit ${args.join(' ')} ended before the moment to kill it came`);
  child.kill('SIGKILL');
  const { signal } = await end;
  if (signal !== 'SIGKILL') throw new Error(`naskit ${args.join(' ')} ended (${String(signal)}) before the kill landed`);
  return value;
}

/** The running trial's number and its checkpointed epochs, read straight from a SQLite storage file while a search runs; null when no trial has a checkpoint. */
export function runningCheckpoint(path: string): { number: number; epochs: number } | null {
  if (!existsSync(path)) return null;
  const db = new Database(path, { readonly: true, fileMustExist: true, timeout: 5000 });
  try {
    if (!db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'trial_checkpoints'").get()) return null;
    const row = db
      .prepare("SELECT t.number AS number, MAX(i.step) AS epochs FROM trial_checkpoints c JOIN trials t ON t.id = c.trial_id JOIN trial_intermediate i ON i.trial_id = t.id WHERE t.state = 'running' GROUP BY t.id")
      .get() as { number: number; epochs: number } | undefined;
    return row ?? null;
  } finally {
    db.close();
  }
}

let postgres: Promise<string | null> | null = null;

/**
 * Why PostgreSQL cannot be used by this test file, or null when it can: PG_BASE when reachable,
 * else a throw-away server this process starts (see test/helpers/postgres.ts), which the helpers
 * above then use.
 */
export function postgresMissing(): Promise<string | null> {
  postgres ??= findPostgres(PG_BASE).then((found) => {
    if ('url' in found) pgBase = found.url;
    return 'missing' in found ? found.missing : null;
  });
  return postgres;
}

/** The trials of experiment `name` in the SQLite storage at `url`, or null when it has no such experiment. */
export async function storedTrials(url: string, name: string): Promise<TrialRecord[] | null> {
  const store = SqliteStore.open(url);
  try {
    const e = await store.getExperiment(name);
    return e ? await store.trials(e.id) : null;
  } finally {
    await store.close();
  }
}
