import pg from 'pg';
import { NaskitError, StorageError } from '../errors.js';
import type { Json } from '../util/json.js';
import { MIGRATIONS } from './migrations.js';
import { CallerError, callDecide, changedSinceSql, costOf, eventFromRow, experimentExists, experimentFromRow, groupIntermediate, jsonText, schemaTooNew, summaryFromRows, trialFromRow, type Row } from './rows.js';
import { SCHEMA_VERSION, type AskView, type ExperimentRecord, type NewTrial, type StoredEvent, type Store, type TrialOutcome, type TrialRecord, type TrialSummary, type WorkerInfo } from './store.js';
import { assertFinishable } from './trial-rules.js';

/** The database server's clock in epoch milliseconds: one clock for workers on many machines. */
const NOW = '(extract(epoch from clock_timestamp()) * 1000)';

/** A trial row's learning curve as one JSON column (saves a round trip). */
const CURVE = '(SELECT json_agg(json_build_array(i.step, i.value) ORDER BY i.step) FROM trial_intermediate i WHERE i.trial_id = trials.id) AS curve';

/** The `curve` column → step → value. */
function curveOf(row: Row): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [step, value] of (row.curve as [number, number][] | null) ?? []) out[String(step)] = Number(value);
  return out;
}

/** An id inlined into a statement sent with BEGIN (simple protocol, no parameters): must be a safe integer. */
function intParam(n: number): number {
  if (!Number.isSafeInteger(n)) throw new TypeError(`PostgresStore: id must be an integer, got ${n}`);
  return n;
}

/** Options of {@link PostgresStore.open}. */
export interface PostgresStoreOptions {
  /** Connections per process (default 4). */
  readonly poolSize?: number;
  /** Milliseconds to wait for a connection before `STORAGE_UNREACHABLE` (default 5,000). */
  readonly connectTimeoutMs?: number;
}

/**
 * Shared storage on PostgreSQL (`pg`): any number of processes on any number of machines.
 * Trials are the queue: a worker claims the lowest queued trial with `FOR UPDATE SKIP LOCKED`;
 * asks and tells lock the experiment's row, so the ask/tell log is appended in commit order.
 * Timestamps come from the server's clock. A `?schema=NAME` URL parameter puts the tables in
 * that schema (created if missing), e.g. one schema per team or per test.
 */
export class PostgresStore implements Store {
  private constructor(
    readonly url: string,
    private readonly pool: pg.Pool,
  ) {}

  /** Connects to a `postgresql://` URL and migrates its schema. */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const { connectionString, schema, shown } = parsePostgresUrl(url);
    const pool = new pg.Pool({
      connectionString,
      max: options.poolSize ?? 4,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      options: `-c search_path=${schema}`,
    });
    // An idle connection dropped by the server must not crash the process; the next query reports it.
    pool.on('error', () => {});
    const store = new PostgresStore(shown, pool);
    try {
      await pool.query('SELECT 1');
    } catch (error) {
      await pool.end().catch(() => {});
      throw new StorageError('STORAGE_UNREACHABLE', `${shown}: cannot connect to PostgreSQL (${messageOf(error)}); check that the server runs and the URL (host, port, user, database) is right`, { cause: error });
    }
    try {
      await store.migrate(schema);
    } catch (error) {
      await pool.end().catch(() => {});
      throw error;
    }
    return store;
  }

  private async migrate(schema: string): Promise<void> {
    await this.tx('migrate the schema of', null, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`naskit-schema:${schema}`]);
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      await c.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
      const { rows } = await c.query('SELECT MAX(version) AS v FROM schema_version');
      const current = rows[0].v === null ? 0 : Number(rows[0].v);
      if (current > SCHEMA_VERSION) throw schemaTooNew(this.url, current, SCHEMA_VERSION);
      for (const m of MIGRATIONS) {
        if (m.version <= current) continue;
        for (const sql of m.postgres) await c.query(sql);
        await c.query('INSERT INTO schema_version (version) VALUES ($1)', [m.version]);
      }
    });
  }

  async createExperiment(input: { name: string; config: Json; seed: number }): Promise<ExperimentRecord> {
    try {
      const { rows } = await this.pool.query(`INSERT INTO experiments (name, config, seed, status, created) VALUES ($1, $2, $3, 'running', ${NOW}) RETURNING *`, [
        input.name,
        jsonText(input.config),
        input.seed,
      ]);
      return experimentFromRow(rows[0]);
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw experimentExists(this.url, input.name);
      throw this.wrap('create an experiment in', error);
    }
  }

  async getExperiment(name: string): Promise<ExperimentRecord | null> {
    const rows = await this.query('read', 'SELECT * FROM experiments WHERE name = $1', [name]);
    return rows.length ? experimentFromRow(rows[0]) : null;
  }

  async listExperiments(): Promise<ExperimentRecord[]> {
    return (await this.query('read', 'SELECT * FROM experiments ORDER BY id')).map(experimentFromRow);
  }

  async finishExperiment(experimentId: number, result: Json): Promise<boolean> {
    const rows = await this.query('write to', "UPDATE experiments SET status = 'finished', result = $1 WHERE id = $2 AND status = 'running' RETURNING id", [jsonText(result), experimentId]);
    return rows.length === 1;
  }

  async reopenExperiment(experimentId: number): Promise<boolean> {
    const rows = await this.query('write to', "UPDATE experiments SET status = 'running' WHERE id = $1 AND status = 'finished' RETURNING id", [experimentId]);
    return rows.length === 1;
  }

  async claimQueued(experimentId: number, worker: WorkerInfo): Promise<TrialRecord | null> {
    const rows = await this.query(
      'write to',
      `UPDATE trials SET state = 'running', worker = $2, heartbeat = ${NOW}, started = ${NOW}, attempts = attempts + 1
       WHERE id = (SELECT id FROM trials WHERE experiment_id = $1 AND state = 'queued' ORDER BY number LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING *, ${CURVE}`,
      [experimentId, worker.id],
    );
    return rows.length ? trialFromRow(rows[0], curveOf(rows[0])) : null;
  }

  // Round trips inside the experiment's lock are what limits many workers, so each transaction is
  // BEGIN+lock in one message, the reads, one statement for all writes (CTEs), and COMMIT.

  async askTrial(experimentId: number, afterSeq: number, worker: WorkerInfo, decide: (view: AskView) => NewTrial | null): Promise<{ trial: TrialRecord; seq: number } | null> {
    const id = intParam(experimentId);
    return this.tx('write to', `SELECT trial_count, event_count, cost_total FROM experiments WHERE id = ${id} FOR UPDATE`, async (c, locked) => {
      if (!locked.length) throw new StorageError('NO_EXPERIMENT', `${this.url}: no experiment with id ${experimentId}`);
      const events = (await c.query('SELECT * FROM events WHERE experiment_id = $1 AND seq > $2 ORDER BY seq', [id, afterSeq])).rows.map(eventFromRow);
      const number = Number(locked[0].trial_count);
      const seq = Number(locked[0].event_count);
      const made = callDecide(decide, { events, trialCount: number, costSeconds: Number(locked[0].cost_total) });
      if (!made) return null;
      const { rows } = await c.query(
        `WITH t AS (
           INSERT INTO trials (experiment_id, number, state, sample, key, fidelity, params, user_attrs, worker, heartbeat, started, seed, code_version, attempts)
           VALUES ($1, $2, 'running', $3, $4, $5, $6, $7, $8, ${NOW}, ${NOW}, $9, $10, 1) RETURNING *),
         ev AS (INSERT INTO events (experiment_id, seq, kind, trial, payload) VALUES ($1, $11, 'ask', $2, $12)),
         ex AS (UPDATE experiments SET trial_count = $2 + 1, event_count = $11 + 1 WHERE id = $1)
         SELECT * FROM t`,
        [id, number, jsonText(made.sample), made.key, made.fidelity, jsonText(made.params), jsonText(made.userAttrs), worker.id, made.seed, made.codeVersion, seq, jsonText({ sample: made.sample })],
      );
      return { trial: trialFromRow(rows[0]), seq };
    });
  }

  async heartbeat(trialId: number, worker: WorkerInfo): Promise<boolean> {
    const rows = await this.query('write to', `UPDATE trials SET heartbeat = ${NOW} WHERE id = $1 AND state = 'running' AND worker = $2 RETURNING id`, [trialId, worker.id]);
    return rows.length === 1;
  }

  async reportIntermediate(trialId: number, step: number, value: number): Promise<void> {
    await this.tx('write to', `SELECT * FROM trials WHERE id = ${intParam(trialId)} FOR UPDATE`, async (c, locked) => {
      if (!locked.length) throw new StorageError('NO_TRIAL', `${this.url}: no trial with id ${trialId}`);
      assertFinishable(trialFromRow(locked[0]), null, 'report an intermediate value for');
      await c.query('INSERT INTO trial_intermediate (trial_id, step, value) VALUES ($1, $2, $3) ON CONFLICT (trial_id, step) DO UPDATE SET value = excluded.value', [trialId, step, value]);
    });
  }

  saveCheckpoint(trialId: number, worker: WorkerInfo, data: Uint8Array): Promise<boolean> {
    return this.saveTrialBytes('trial_checkpoints', trialId, worker, data);
  }

  loadCheckpoint(trialId: number): Promise<Uint8Array | null> {
    return this.loadTrialBytes('trial_checkpoints', trialId);
  }

  saveWeights(trialId: number, worker: WorkerInfo, data: Uint8Array): Promise<boolean> {
    return this.saveTrialBytes('trial_weights', trialId, worker, data);
  }

  loadWeights(trialId: number): Promise<Uint8Array | null> {
    return this.loadTrialBytes('trial_weights', trialId);
  }

  /** Writes a running trial's checkpoint or kept weights (one row per trial), only for the worker that holds it. */
  private saveTrialBytes(table: 'trial_checkpoints' | 'trial_weights', trialId: number, worker: WorkerInfo, data: Uint8Array): Promise<boolean> {
    // The trial row is locked while the bytes are written: a re-queue or finish waits for it, and
    // a worker that lost the trial meanwhile sees the latest row and writes nothing.
    return this.tx('write to', `SELECT state, worker FROM trials WHERE id = ${intParam(trialId)} FOR UPDATE`, async (c, locked) => {
      if (!locked.length || locked[0].state !== 'running' || locked[0].worker !== worker.id) return false;
      await c.query(
        `INSERT INTO ${table} (trial_id, data, saved) VALUES ($1, $2, ${NOW})
         ON CONFLICT (trial_id) DO UPDATE SET data = excluded.data, saved = excluded.saved`,
        [trialId, Buffer.from(data.buffer, data.byteOffset, data.byteLength)],
      );
      return true;
    });
  }

  private async loadTrialBytes(table: 'trial_checkpoints' | 'trial_weights', trialId: number): Promise<Uint8Array | null> {
    const rows = await this.query('read', `SELECT data FROM ${table} WHERE trial_id = $1`, [trialId]);
    return rows.length ? new Uint8Array(rows[0].data as Buffer) : null;
  }

  async retainWeights(experimentId: number, keep: readonly number[]): Promise<number> {
    const rows = await this.query(
      'write to',
      `DELETE FROM trial_weights w USING trials t
       WHERE t.id = w.trial_id AND t.experiment_id = $1 AND t.state IN ('complete', 'failed', 'pruned') AND NOT (t.number = ANY($2::int[]))
       RETURNING w.trial_id`,
      [experimentId, [...keep]],
    );
    return rows.length;
  }

  async finishTrial(trialId: number, worker: WorkerInfo, outcome: TrialOutcome): Promise<TrialRecord> {
    const id = intParam(trialId);
    // Lock order everywhere: experiment row, then trial row.
    const lock = `SELECT id, event_count FROM experiments WHERE id = (SELECT experiment_id FROM trials WHERE id = ${id}) FOR UPDATE`;
    return this.tx('write to', lock, async (c, locked) => {
      if (!locked.length) throw new StorageError('NO_TRIAL', `${this.url}: no trial with id ${trialId}`);
      const experimentId = Number(locked[0].id);
      const seq = Number(locked[0].event_count);
      const current = (await c.query(`SELECT *, ${CURVE} FROM trials WHERE id = $1 FOR UPDATE`, [id])).rows[0];
      const trial = trialFromRow(current, curveOf(current));
      assertFinishable(trial, worker.id, 'finish');
      const { rows } = await c.query(
        `WITH t AS (
           UPDATE trials SET state = $1, value = $2, vals = $3, error = $4, params = $5, user_attrs = $6, finished = ${NOW} WHERE id = $7 RETURNING *),
         ev AS (INSERT INTO events (experiment_id, seq, kind, trial, payload) VALUES ($8, $9, 'tell', $10, $11)),
         ex AS (UPDATE experiments SET event_count = $9 + 1, cost_total = cost_total + $12 WHERE id = $8),
         ck AS (DELETE FROM trial_checkpoints WHERE trial_id = $7)
         SELECT * FROM t`,
        [
          outcome.state,
          outcome.value,
          outcome.values ? jsonText(outcome.values) : null,
          outcome.error ?? null,
          jsonText({ ...trial.params, ...(outcome.params ?? {}) }),
          jsonText({ ...trial.userAttrs, ...(outcome.userAttrs ?? {}) }),
          id,
          experimentId,
          seq,
          trial.number,
          jsonText(outcome.observation),
          costOf(outcome.userAttrs),
        ],
      );
      return trialFromRow(rows[0], trial.intermediate);
    });
  }

  async requeueStale(experimentId: number, staleMs: number, isDead?: (worker: string) => boolean): Promise<number> {
    return this.tx('write to', null, async (c) => {
      const { rows } = await c.query(
        `SELECT id, worker, heartbeat < ${NOW} - $2 AS stale FROM trials WHERE experiment_id = $1 AND state = 'running' FOR UPDATE SKIP LOCKED`,
        [experimentId, staleMs],
      );
      const ids = rows.filter((r: Row) => r.stale === true || r.stale === null || (r.worker !== null && isDead?.(String(r.worker)))).map((r: Row) => Number(r.id));
      if (ids.length) await c.query("UPDATE trials SET state = 'queued', worker = NULL, heartbeat = NULL WHERE id = ANY($1::int[]) AND state = 'running'", [ids]);
      return ids.length;
    });
  }

  async trials(experimentId: number): Promise<TrialRecord[]> {
    const rows = await this.query('read', 'SELECT * FROM trials WHERE experiment_id = $1 ORDER BY number', [experimentId]);
    const curves = groupIntermediate(
      await this.query('read', 'SELECT i.* FROM trial_intermediate i JOIN trials t ON t.id = i.trial_id WHERE t.experiment_id = $1 ORDER BY i.step', [experimentId]),
    );
    return rows.map((r) => trialFromRow(r, curves.get(Number(r.id)) ?? {}));
  }

  async trialByNumber(experimentId: number, number: number): Promise<TrialRecord | null> {
    const rows = await this.query('read', `SELECT *, ${CURVE} FROM trials WHERE experiment_id = $1 AND number = $2`, [experimentId, number]);
    return rows.length ? trialFromRow(rows[0], curveOf(rows[0])) : null;
  }

  async trialsSince(experimentId: number, since: number): Promise<TrialRecord[]> {
    const rows = await this.query('read', `SELECT *, ${CURVE} FROM trials WHERE experiment_id = $1 AND ${changedSinceSql('$2', '$2')} ORDER BY number`, [experimentId, since]);
    return rows.map((r) => trialFromRow(r, curveOf(r)));
  }

  async trialSummary(experimentId: number): Promise<TrialSummary> {
    // One statement, so the counts, best and workers are of one snapshot.
    const rows = await this.query(
      'read',
      `SELECT e.cost_total, ${NOW} AS now,
         (SELECT json_agg(json_build_object('state', s.state, 'n', s.n)) FROM (SELECT state, COUNT(*) AS n FROM trials WHERE experiment_id = e.id GROUP BY state) s) AS states,
         (SELECT MAX(value) FROM trials WHERE experiment_id = e.id AND state = 'complete') AS best,
         (SELECT MIN(value) FROM trials WHERE experiment_id = e.id AND state = 'complete') AS lowest,
         (SELECT json_agg(json_build_object('worker', w.worker, 'heartbeat', w.heartbeat)) FROM
           (SELECT worker, MAX(heartbeat) AS heartbeat FROM trials WHERE experiment_id = e.id AND state = 'running' AND worker IS NOT NULL GROUP BY worker) w) AS workers
       FROM experiments e WHERE e.id = $1`,
      [experimentId],
    );
    if (!rows.length) throw new StorageError('NO_EXPERIMENT', `${this.url}: no experiment with id ${experimentId}`);
    const r = rows[0];
    return summaryFromRows((r.states as Row[] | null) ?? [], r.best, r.lowest, (r.workers as Row[] | null) ?? [], r.cost_total, r.now);
  }

  async events(experimentId: number, afterSeq = -1): Promise<StoredEvent[]> {
    return (await this.query('read', 'SELECT * FROM events WHERE experiment_id = $1 AND seq > $2 ORDER BY seq', [experimentId, afterSeq])).map(eventFromRow);
  }

  /** Releases the connection (or file); the store is unusable after. */
  async close(): Promise<void> {
    await this.pool.end();
  }

  private async query(action: string, sql: string, params: unknown[] = []): Promise<Row[]> {
    try {
      return (await this.pool.query(sql, params)).rows;
    } catch (error) {
      throw this.wrap(action, error);
    }
  }

  /**
   * Runs `fn` in one transaction; any error rolls it back (nothing half-written). `first` (a
   * statement without parameters, usually the lock) is sent in the same message as BEGIN and its
   * rows handed to `fn`.
   */
  private async tx<T>(action: string, first: string | null, fn: (client: pg.PoolClient, firstRows: Row[]) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw this.wrap(action, error);
    }
    try {
      let firstRows: Row[] = [];
      if (first) {
        const results = (await client.query(`BEGIN; ${first}`)) as unknown as pg.QueryResult[];
        firstRows = results[1].rows;
      } else {
        await client.query('BEGIN');
      }
      const out = await fn(client, firstRows);
      await client.query('COMMIT');
      client.release();
      return out;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      client.release();
      throw this.wrap(action, error);
    }
  }

  private wrap(action: string, error: unknown): Error {
    if (error instanceof CallerError) return error.error as Error;
    if (error instanceof NaskitError) return error;
    const code = (error as { code?: string }).code ?? '';
    const full = code === '53100';
    return new StorageError(
      full ? 'STORAGE_FULL' : 'STORAGE_WRITE_FAILED',
      `${this.url}: cannot ${action} PostgreSQL (${messageOf(error)}${code ? `, SQLSTATE ${code}` : ''}); the transaction was rolled back and committed trials are intact${full ? '; free disk space on the server and resume' : ''}`,
      { cause: error },
    );
  }
}

/** Splits naskit's `?schema=` parameter off a PostgreSQL URL, and hides the password for messages. */
export function parsePostgresUrl(url: string): { connectionString: string; schema: string; shown: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StorageError('BAD_STORAGE_URL', `storage URL ${JSON.stringify(url)} is not a valid URL; expected postgresql://user@host:5432/database`);
  }
  if (parsed.protocol !== 'postgresql:' && parsed.protocol !== 'postgres:') {
    throw new StorageError('BAD_STORAGE_URL', `storage URL ${JSON.stringify(url)} is not a PostgreSQL URL; expected postgresql://user@host:5432/database`);
  }
  const schema = parsed.searchParams.get('schema') ?? 'public';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(schema)) {
    throw new StorageError('BAD_STORAGE_URL', `storage URL parameter schema=${JSON.stringify(schema)} is not a plain SQL identifier (letters, digits, _)`);
  }
  parsed.searchParams.delete('schema');
  const connectionString = parsed.toString();
  if (parsed.password) parsed.password = '***';
  return { connectionString, schema, shown: parsed.toString() };
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length) return messageOf(error.errors[0]);
  return error instanceof Error && error.message ? error.message : String((error as { code?: string }).code ?? error);
}
