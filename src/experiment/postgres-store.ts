import pg from 'pg';
import { NaskitError, StorageError } from '../errors.js';
import type { Json } from '../util/json.js';
import { MIGRATIONS } from './migrations.js';
import { CallerError, callDecide, costOf, eventFromRow, experimentExists, experimentFromRow, groupIntermediate, jsonText, schemaTooNew, trialFromRow, type Row } from './rows.js';
import { SCHEMA_VERSION, type AskView, type ExperimentRecord, type NewTrial, type StoredEvent, type Store, type TrialOutcome, type TrialRecord, type WorkerInfo } from './store.js';
import { assertFinishable } from './trial-rules.js';

/** The database server's clock in epoch milliseconds: one clock for workers on many machines. */
const NOW = '(extract(epoch from clock_timestamp()) * 1000)';

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
    await this.tx('migrate the schema of', async (c) => {
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

  async finishExperiment(experimentId: number, result: Json): Promise<void> {
    await this.query('write to', "UPDATE experiments SET status = 'finished', result = $1 WHERE id = $2", [jsonText(result), experimentId]);
  }

  async claimQueued(experimentId: number, worker: WorkerInfo): Promise<TrialRecord | null> {
    const rows = await this.query(
      'write to',
      `UPDATE trials SET state = 'running', worker = $2, heartbeat = ${NOW}, started = ${NOW}, attempts = attempts + 1
       WHERE id = (SELECT id FROM trials WHERE experiment_id = $1 AND state = 'queued' ORDER BY number LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [experimentId, worker.id],
    );
    return rows.length ? this.withCurve(rows[0]) : null;
  }

  async askTrial(experimentId: number, afterSeq: number, worker: WorkerInfo, decide: (view: AskView) => NewTrial | null): Promise<{ trial: TrialRecord; seq: number } | null> {
    return this.tx('write to', async (c) => {
      const exp = await c.query('SELECT trial_count, event_count, cost_total FROM experiments WHERE id = $1 FOR UPDATE', [experimentId]);
      if (!exp.rows.length) throw new StorageError('NO_EXPERIMENT', `${this.url}: no experiment with id ${experimentId}`);
      const events = (await c.query('SELECT * FROM events WHERE experiment_id = $1 AND seq > $2 ORDER BY seq', [experimentId, afterSeq])).rows.map(eventFromRow);
      const number = Number(exp.rows[0].trial_count);
      const seq = Number(exp.rows[0].event_count);
      const made = callDecide(decide, { events, trialCount: number, costSeconds: Number(exp.rows[0].cost_total) });
      if (!made) return null;
      const { rows } = await c.query(
        `INSERT INTO trials (experiment_id, number, state, sample, key, fidelity, params, user_attrs, worker, heartbeat, started, seed, code_version, attempts)
         VALUES ($1, $2, 'running', $3, $4, $5, $6, $7, $8, ${NOW}, ${NOW}, $9, $10, 1) RETURNING *`,
        [experimentId, number, jsonText(made.sample), made.key, made.fidelity, jsonText(made.params), jsonText(made.userAttrs), worker.id, made.seed, made.codeVersion],
      );
      await c.query("INSERT INTO events (experiment_id, seq, kind, trial, payload) VALUES ($1, $2, 'ask', $3, $4)", [experimentId, seq, number, jsonText({ sample: made.sample })]);
      await c.query('UPDATE experiments SET trial_count = $1, event_count = $2 WHERE id = $3', [number + 1, seq + 1, experimentId]);
      return { trial: trialFromRow(rows[0]), seq };
    });
  }

  async heartbeat(trialId: number, worker: WorkerInfo): Promise<boolean> {
    const rows = await this.query('write to', `UPDATE trials SET heartbeat = ${NOW} WHERE id = $1 AND state = 'running' AND worker = $2 RETURNING id`, [trialId, worker.id]);
    return rows.length === 1;
  }

  async reportIntermediate(trialId: number, step: number, value: number): Promise<void> {
    await this.tx('write to', async (c) => {
      const { rows } = await c.query('SELECT * FROM trials WHERE id = $1 FOR UPDATE', [trialId]);
      if (!rows.length) throw new StorageError('NO_TRIAL', `${this.url}: no trial with id ${trialId}`);
      assertFinishable(trialFromRow(rows[0]), null, 'report an intermediate value for');
      await c.query('INSERT INTO trial_intermediate (trial_id, step, value) VALUES ($1, $2, $3) ON CONFLICT (trial_id, step) DO UPDATE SET value = excluded.value', [trialId, step, value]);
    });
  }

  async finishTrial(trialId: number, worker: WorkerInfo, outcome: TrialOutcome): Promise<TrialRecord> {
    return this.tx('write to', async (c) => {
      const owner = await c.query('SELECT experiment_id FROM trials WHERE id = $1', [trialId]);
      if (!owner.rows.length) throw new StorageError('NO_TRIAL', `${this.url}: no trial with id ${trialId}`);
      const experimentId = Number(owner.rows[0].experiment_id);
      // Lock order everywhere: experiment row, then trial row.
      const exp = await c.query('SELECT event_count FROM experiments WHERE id = $1 FOR UPDATE', [experimentId]);
      const trial = trialFromRow((await c.query('SELECT * FROM trials WHERE id = $1 FOR UPDATE', [trialId])).rows[0]);
      assertFinishable(trial, worker.id, 'finish');
      const seq = Number(exp.rows[0].event_count);
      const { rows } = await c.query(
        `UPDATE trials SET state = $1, value = $2, vals = $3, error = $4, params = $5, user_attrs = $6, finished = ${NOW} WHERE id = $7 RETURNING *`,
        [
          outcome.state,
          outcome.value,
          outcome.values ? jsonText(outcome.values) : null,
          outcome.error ?? null,
          jsonText({ ...trial.params, ...(outcome.params ?? {}) }),
          jsonText({ ...trial.userAttrs, ...(outcome.userAttrs ?? {}) }),
          trialId,
        ],
      );
      await c.query("INSERT INTO events (experiment_id, seq, kind, trial, payload) VALUES ($1, $2, 'tell', $3, $4)", [experimentId, seq, trial.number, jsonText(outcome.observation)]);
      await c.query('UPDATE experiments SET event_count = $1, cost_total = cost_total + $2 WHERE id = $3', [seq + 1, costOf(outcome.userAttrs), experimentId]);
      const curve = groupIntermediate((await c.query('SELECT * FROM trial_intermediate WHERE trial_id = $1 ORDER BY step', [trialId])).rows);
      return trialFromRow(rows[0], curve.get(trialId) ?? {});
    });
  }

  async requeueStale(experimentId: number, staleMs: number, isDead?: (worker: string) => boolean): Promise<number> {
    return this.tx('write to', async (c) => {
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

  async events(experimentId: number, afterSeq = -1): Promise<StoredEvent[]> {
    return (await this.query('read', 'SELECT * FROM events WHERE experiment_id = $1 AND seq > $2 ORDER BY seq', [experimentId, afterSeq])).map(eventFromRow);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async withCurve(row: Row): Promise<TrialRecord> {
    const id = Number(row.id);
    const curve = groupIntermediate(await this.query('read', 'SELECT * FROM trial_intermediate WHERE trial_id = $1 ORDER BY step', [id]));
    return trialFromRow(row, curve.get(id) ?? {});
  }

  private async query(action: string, sql: string, params: unknown[] = []): Promise<Row[]> {
    try {
      return (await this.pool.query(sql, params)).rows;
    } catch (error) {
      throw this.wrap(action, error);
    }
  }

  /** Runs `fn` in one transaction; any error rolls it back (nothing half-written). */
  private async tx<T>(action: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw this.wrap(action, error);
    }
    try {
      await client.query('BEGIN');
      const out = await fn(client);
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
