import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { NaskitError, StorageError } from '../errors.js';
import type { Json } from '../util/json.js';
import { MIGRATIONS } from './migrations.js';
import { CallerError, callDecide, changedSinceSql, costOf, eventFromRow, experimentExists, experimentFromRow, groupIntermediate, jsonText, schemaTooNew, summaryFromRows, trialFromRow, type Row } from './rows.js';
import { SCHEMA_VERSION, type AskView, type ExperimentRecord, type NewTrial, type StoredEvent, type Store, type TrialOutcome, type TrialRecord, type TrialSummary, type WorkerInfo } from './store.js';
import { assertFinishable } from './trial-rules.js';

/** Options of {@link SqliteStore.open}. */
export interface SqliteStoreOptions {
  /** Milliseconds a writer waits for another process's lock before failing (default 30,000). */
  readonly busyTimeoutMs?: number;
  /** Extra pragmas run after opening (e.g. `max_page_count = 50`, which tests use to simulate a full disk). */
  readonly pragmas?: readonly string[];
}

/**
 * The embedded default store: one SQLite file (better-sqlite3) in WAL mode, shared safely by the
 * processes of one machine. A write transaction (`BEGIN IMMEDIATE`) is the experiment lock; a
 * killed process leaves at most an uncommitted transaction, which SQLite rolls back.
 */
export class SqliteStore implements Store {
  private constructor(
    readonly url: string,
    private readonly db: Database.Database,
  ) {}

  /** Opens (creating the file and its folder if needed) the database of a `sqlite:///path` URL and migrates it. */
  static open(url: string, options: SqliteStoreOptions = {}): SqliteStore {
    const path = sqlitePath(url);
    let db: Database.Database;
    try {
      mkdirSync(dirname(path), { recursive: true });
      db = new Database(path, { timeout: options.busyTimeoutMs ?? 30_000 });
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      for (const p of options.pragmas ?? []) db.pragma(p);
    } catch (error) {
      throw new StorageError('STORAGE_UNREACHABLE', `${url}: cannot open the SQLite database at ${path} (${messageOf(error)}); check that the folder is writable or set --storage / NASKIT_STORAGE`, { cause: error });
    }
    const store = new SqliteStore(url, db);
    try {
      store.migrate();
    } catch (error) {
      db.close();
      throw error;
    }
    return store;
  }

  private migrate(): void {
    this.guard('migrate the schema of', () => {
      this.db.transaction(() => {
        this.db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
        const row = this.db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null };
        const current = row.v ?? 0;
        if (current > SCHEMA_VERSION) throw schemaTooNew(this.url, current, SCHEMA_VERSION);
        for (const m of MIGRATIONS) {
          if (m.version <= current) continue;
          for (const sql of m.sqlite) this.db.exec(sql);
          this.db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(m.version);
        }
      }).immediate();
    });
  }

  async createExperiment(input: { name: string; config: Json; seed: number }): Promise<ExperimentRecord> {
    return this.guard('create an experiment in', () => {
      try {
        const info = this.db
          .prepare("INSERT INTO experiments (name, config, seed, status, created) VALUES (?, ?, ?, 'running', ?)")
          .run(input.name, jsonText(input.config), input.seed, Date.now());
        return experimentFromRow(this.db.prepare('SELECT * FROM experiments WHERE id = ?').get(info.lastInsertRowid) as Row);
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw experimentExists(this.url, input.name);
        throw error;
      }
    });
  }

  async getExperiment(name: string): Promise<ExperimentRecord | null> {
    return this.guard('read', () => {
      const row = this.db.prepare('SELECT * FROM experiments WHERE name = ?').get(name) as Row | undefined;
      return row ? experimentFromRow(row) : null;
    });
  }

  async listExperiments(): Promise<ExperimentRecord[]> {
    return this.guard('read', () => (this.db.prepare('SELECT * FROM experiments ORDER BY id').all() as Row[]).map(experimentFromRow));
  }

  async finishExperiment(experimentId: number, result: Json): Promise<boolean> {
    return this.guard('write to', () => this.db.prepare("UPDATE experiments SET status = 'finished', result = ? WHERE id = ? AND status = 'running'").run(jsonText(result), experimentId).changes === 1);
  }

  async reopenExperiment(experimentId: number): Promise<boolean> {
    return this.guard('write to', () => this.db.prepare("UPDATE experiments SET status = 'running' WHERE id = ? AND status = 'finished'").run(experimentId).changes === 1);
  }

  async claimQueued(experimentId: number, worker: WorkerInfo): Promise<TrialRecord | null> {
    return this.guard('write to', () => {
      // Most of the time nothing is queued: look without taking the database's write lock.
      if (!this.db.prepare("SELECT 1 FROM trials WHERE experiment_id = ? AND state = 'queued' LIMIT 1").get(experimentId)) return null;
      return this.db.transaction(() => {
        const row = this.db.prepare("SELECT id FROM trials WHERE experiment_id = ? AND state = 'queued' ORDER BY number LIMIT 1").get(experimentId) as Row | undefined;
        if (!row) return null;
        const now = Date.now();
        this.db.prepare("UPDATE trials SET state = 'running', worker = ?, heartbeat = ?, started = ?, attempts = attempts + 1 WHERE id = ?").run(worker.id, now, now, row.id);
        return this.trialById(Number(row.id));
      }).immediate();
    });
  }

  async askTrial(experimentId: number, afterSeq: number, worker: WorkerInfo, decide: (view: AskView) => NewTrial | null): Promise<{ trial: TrialRecord; seq: number } | null> {
    return this.guard('write to', () =>
      this.db.transaction(() => {
        const exp = this.db.prepare('SELECT trial_count, event_count, cost_total FROM experiments WHERE id = ?').get(experimentId) as Row | undefined;
        if (!exp) throw new StorageError('NO_EXPERIMENT', `${this.url}: no experiment with id ${experimentId}`);
        const events = (this.db.prepare('SELECT * FROM events WHERE experiment_id = ? AND seq > ? ORDER BY seq').all(experimentId, afterSeq) as Row[]).map(eventFromRow);
        const number = Number(exp.trial_count);
        const made = callDecide(decide, { events, trialCount: number, costSeconds: Number(exp.cost_total) });
        if (!made) return null;
        const now = Date.now();
        const seq = Number(exp.event_count);
        const info = this.db
          .prepare(
            `INSERT INTO trials (experiment_id, number, state, sample, key, fidelity, params, user_attrs, worker, heartbeat, started, seed, code_version, attempts)
             VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
          )
          .run(experimentId, number, jsonText(made.sample), made.key, made.fidelity, jsonText(made.params), jsonText(made.userAttrs), worker.id, now, now, made.seed, made.codeVersion);
        this.db.prepare("INSERT INTO events (experiment_id, seq, kind, trial, payload) VALUES (?, ?, 'ask', ?, ?)").run(experimentId, seq, number, jsonText({ sample: made.sample }));
        this.db.prepare('UPDATE experiments SET trial_count = ?, event_count = ? WHERE id = ?').run(number + 1, seq + 1, experimentId);
        return { trial: this.trialById(Number(info.lastInsertRowid)), seq };
      }).immediate(),
    );
  }

  async heartbeat(trialId: number, worker: WorkerInfo): Promise<boolean> {
    return this.guard('write to', () => {
      const info = this.db.prepare("UPDATE trials SET heartbeat = ? WHERE id = ? AND state = 'running' AND worker = ?").run(Date.now(), trialId, worker.id);
      return info.changes === 1;
    });
  }

  async reportIntermediate(trialId: number, step: number, value: number): Promise<void> {
    this.guard('write to', () =>
      this.db.transaction(() => {
        const trial = this.trialById(trialId);
        assertFinishable(trial, null, 'report an intermediate value for');
        this.db.prepare('INSERT INTO trial_intermediate (trial_id, step, value) VALUES (?, ?, ?) ON CONFLICT (trial_id, step) DO UPDATE SET value = excluded.value').run(trialId, step, value);
      }).immediate(),
    );
  }

  async saveCheckpoint(trialId: number, worker: WorkerInfo, data: Uint8Array): Promise<boolean> {
    return this.guard('write to', () =>
      this.db.transaction(() => {
        const owned = this.db.prepare("SELECT 1 FROM trials WHERE id = ? AND state = 'running' AND worker = ?").get(trialId, worker.id);
        if (!owned) return false;
        this.db
          .prepare('INSERT INTO trial_checkpoints (trial_id, data, saved) VALUES (?, ?, ?) ON CONFLICT (trial_id) DO UPDATE SET data = excluded.data, saved = excluded.saved')
          .run(trialId, Buffer.from(data.buffer, data.byteOffset, data.byteLength), Date.now());
        return true;
      }).immediate(),
    );
  }

  async loadCheckpoint(trialId: number): Promise<Uint8Array | null> {
    return this.guard('read', () => {
      const row = this.db.prepare('SELECT data FROM trial_checkpoints WHERE trial_id = ?').get(trialId) as { data: Buffer } | undefined;
      return row ? new Uint8Array(row.data) : null;
    });
  }

  async saveWeights(trialId: number, worker: WorkerInfo, data: Uint8Array): Promise<boolean> {
    return this.guard('write to', () =>
      this.db.transaction(() => {
        const owned = this.db.prepare("SELECT 1 FROM trials WHERE id = ? AND state = 'running' AND worker = ?").get(trialId, worker.id);
        if (!owned) return false;
        this.db
          .prepare('INSERT INTO trial_weights (trial_id, data, saved) VALUES (?, ?, ?) ON CONFLICT (trial_id) DO UPDATE SET data = excluded.data, saved = excluded.saved')
          .run(trialId, Buffer.from(data.buffer, data.byteOffset, data.byteLength), Date.now());
        return true;
      }).immediate(),
    );
  }

  async loadWeights(trialId: number): Promise<Uint8Array | null> {
    return this.guard('read', () => {
      const row = this.db.prepare('SELECT data FROM trial_weights WHERE trial_id = ?').get(trialId) as { data: Buffer } | undefined;
      return row ? new Uint8Array(row.data) : null;
    });
  }

  async retainWeights(experimentId: number, keep: readonly number[]): Promise<number> {
    return this.guard('write to', () =>
      this.db.transaction(() => {
        const finished = this.db
          .prepare("SELECT w.trial_id AS id, t.number FROM trial_weights w JOIN trials t ON t.id = w.trial_id WHERE t.experiment_id = ? AND t.state IN ('complete', 'failed', 'pruned')")
          .all(experimentId) as Row[];
        const kept = new Set(keep);
        const del = this.db.prepare('DELETE FROM trial_weights WHERE trial_id = ?');
        let n = 0;
        for (const r of finished) if (!kept.has(Number(r.number))) n += del.run(r.id).changes;
        return n;
      }).immediate(),
    );
  }

  async finishTrial(trialId: number, worker: WorkerInfo, outcome: TrialOutcome): Promise<TrialRecord> {
    return this.guard('write to', () =>
      this.db.transaction(() => {
        const trial = this.trialById(trialId);
        assertFinishable(trial, worker.id, 'finish');
        const exp = this.db.prepare('SELECT event_count FROM experiments WHERE id = ?').get(trial.experimentId) as Row;
        const seq = Number(exp.event_count);
        this.db
          .prepare('UPDATE trials SET state = ?, value = ?, vals = ?, error = ?, params = ?, user_attrs = ?, finished = ? WHERE id = ?')
          .run(
            outcome.state,
            outcome.value,
            outcome.values ? jsonText(outcome.values) : null,
            outcome.error ?? null,
            jsonText({ ...trial.params, ...(outcome.params ?? {}) }),
            jsonText({ ...trial.userAttrs, ...(outcome.userAttrs ?? {}) }),
            Date.now(),
            trialId,
          );
        this.db.prepare("INSERT INTO events (experiment_id, seq, kind, trial, payload) VALUES (?, ?, 'tell', ?, ?)").run(trial.experimentId, seq, trial.number, jsonText(outcome.observation));
        this.db.prepare('DELETE FROM trial_checkpoints WHERE trial_id = ?').run(trialId);
        this.db.prepare('UPDATE experiments SET event_count = ?, cost_total = cost_total + ? WHERE id = ?').run(seq + 1, costOf(outcome.userAttrs), trial.experimentId);
        return this.trialById(trialId);
      }).immediate(),
    );
  }

  async requeueStale(experimentId: number, staleMs: number, isDead?: (worker: string) => boolean): Promise<number> {
    return this.guard('write to', () =>
      this.db.transaction(() => {
        const cutoff = Date.now() - staleMs;
        const rows = this.db.prepare("SELECT id, worker, heartbeat FROM trials WHERE experiment_id = ? AND state = 'running'").all(experimentId) as Row[];
        const requeue = this.db.prepare("UPDATE trials SET state = 'queued', worker = NULL, heartbeat = NULL WHERE id = ?");
        let n = 0;
        for (const r of rows) {
          if (Number(r.heartbeat ?? 0) < cutoff || (r.worker !== null && isDead?.(String(r.worker)))) {
            requeue.run(r.id);
            n++;
          }
        }
        return n;
      }).immediate(),
    );
  }

  async trials(experimentId: number): Promise<TrialRecord[]> {
    return this.guard('read', () => {
      const rows = this.db.prepare('SELECT * FROM trials WHERE experiment_id = ? ORDER BY number').all(experimentId) as Row[];
      const curves = groupIntermediate(
        this.db.prepare('SELECT i.* FROM trial_intermediate i JOIN trials t ON t.id = i.trial_id WHERE t.experiment_id = ? ORDER BY i.step').all(experimentId) as Row[],
      );
      return rows.map((r) => trialFromRow(r, curves.get(Number(r.id)) ?? {}));
    });
  }

  async trialByNumber(experimentId: number, number: number): Promise<TrialRecord | null> {
    return this.guard('read', () => {
      const row = this.db.prepare('SELECT id FROM trials WHERE experiment_id = ? AND number = ?').get(experimentId, number) as Row | undefined;
      return row ? this.trialById(Number(row.id)) : null;
    });
  }

  async trialsSince(experimentId: number, since: number): Promise<TrialRecord[]> {
    return this.guard('read', () => {
      const changed = changedSinceSql('?', '?');
      const rows = this.db.prepare(`SELECT * FROM trials WHERE experiment_id = ? AND ${changed} ORDER BY number`).all(experimentId, since, since) as Row[];
      const curves = groupIntermediate(
        this.db.prepare(`SELECT i.* FROM trial_intermediate i JOIN trials t ON t.id = i.trial_id WHERE t.experiment_id = ? AND ${changed.replace(/\b(state|started|finished)\b/g, 't.$1')} ORDER BY i.step`).all(experimentId, since, since) as Row[],
      );
      return rows.map((r) => trialFromRow(r, curves.get(Number(r.id)) ?? {}));
    });
  }

  async trialSummary(experimentId: number): Promise<TrialSummary> {
    return this.guard('read', () =>
      // One read transaction: the counts, best and workers are of one moment.
      this.db.transaction(() => {
        const exp = this.db.prepare('SELECT cost_total FROM experiments WHERE id = ?').get(experimentId) as Row | undefined;
        if (!exp) throw new StorageError('NO_EXPERIMENT', `${this.url}: no experiment with id ${experimentId}`);
        const states = this.db.prepare('SELECT state, COUNT(*) AS n FROM trials WHERE experiment_id = ? GROUP BY state').all(experimentId) as Row[];
        const best = this.db.prepare("SELECT MAX(value) AS best, MIN(value) AS lowest FROM trials WHERE experiment_id = ? AND state = 'complete'").get(experimentId) as Row;
        const workers = this.db.prepare("SELECT worker, MAX(heartbeat) AS heartbeat FROM trials WHERE experiment_id = ? AND state = 'running' AND worker IS NOT NULL GROUP BY worker").all(experimentId) as Row[];
        return summaryFromRows(states, best.best, best.lowest, workers, exp.cost_total, Date.now());
      })(),
    );
  }

  async events(experimentId: number, afterSeq = -1): Promise<StoredEvent[]> {
    return this.guard('read', () => (this.db.prepare('SELECT * FROM events WHERE experiment_id = ? AND seq > ? ORDER BY seq').all(experimentId, afterSeq) as Row[]).map(eventFromRow));
  }

  /** Releases the connection (or file); the store is unusable after. */
  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private trialById(id: number): TrialRecord {
    const row = this.db.prepare('SELECT * FROM trials WHERE id = ?').get(id) as Row | undefined;
    if (!row) throw new StorageError('NO_TRIAL', `${this.url}: no trial with id ${id}`);
    const curve = groupIntermediate(this.db.prepare('SELECT * FROM trial_intermediate WHERE trial_id = ? ORDER BY step').all(id) as Row[]);
    return trialFromRow(row, curve.get(id) ?? {});
  }

  /** Runs `fn`; a driver error becomes a `StorageError` naming the URL (naskit's own errors pass through). */
  private guard<T>(action: string, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      if (error instanceof CallerError) throw error.error;
      if (error instanceof NaskitError) throw error;
      const code = (error as { code?: string }).code ?? '';
      const hint =
        code === 'SQLITE_FULL' ? 'the disk (or the database size limit) is full; free space and resume — committed trials are intact'
        : code === 'SQLITE_BUSY' ? 'another process held the database lock too long; retry'
        : code.startsWith('SQLITE_READONLY') ? 'the database file is read-only; fix its permissions'
        : 'the write was rolled back and committed trials are intact';
      throw new StorageError(code === 'SQLITE_FULL' ? 'STORAGE_FULL' : 'STORAGE_WRITE_FAILED', `${this.url}: cannot ${action} the SQLite database (${messageOf(error)}); ${hint}`, { cause: error });
    }
  }
}

/** The file path of a `sqlite:///abs/path` (or `sqlite://relative/path`) URL. */
export function sqlitePath(url: string): string {
  if (!url.startsWith('sqlite://')) throw new StorageError('BAD_STORAGE_URL', `storage URL ${JSON.stringify(url)} is not a SQLite URL; expected sqlite:///absolute/path.db`);
  const rest = url.slice('sqlite://'.length);
  if (rest === '' || rest === '/') throw new StorageError('BAD_STORAGE_URL', `storage URL ${JSON.stringify(url)} names no file; expected sqlite:///absolute/path.db`);
  return resolve(decodeURIComponent(rest));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
