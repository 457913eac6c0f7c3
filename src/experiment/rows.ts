import { StorageError } from '../errors.js';
import type { Json } from '../util/json.js';
import { TRIAL_STATES, type ExperimentRecord, type ExperimentStatus, type StoredEvent, type TrialRecord, type TrialState, type TrialSummary } from './store.js';

/** A row as both SQL drivers return it (PostgreSQL BIGINT arrives as a string). */
export type Row = Record<string, unknown>;

/** Parses a TEXT column holding JSON; null stays null. */
export function parseJson(text: unknown): Json {
  if (text === null || text === undefined) return null;
  return JSON.parse(String(text)) as Json;
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(v);
}

function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : num(v);
}

/** The SQL row of an experiment → its record. */
export function experimentFromRow(row: Row): ExperimentRecord {
  return {
    id: num(row.id),
    name: String(row.name),
    config: parseJson(row.config),
    seed: num(row.seed),
    status: String(row.status) as ExperimentStatus,
    created: num(row.created),
    result: parseJson(row.result),
  };
}

/** The SQL row of a trial plus its learning curve → its record. */
export function trialFromRow(row: Row, intermediate: Readonly<Record<string, number>> = {}): TrialRecord {
  return {
    id: num(row.id),
    experimentId: num(row.experiment_id),
    number: num(row.number),
    state: String(row.state) as TrialState,
    sample: parseJson(row.sample),
    key: String(row.key),
    value: numOrNull(row.value),
    values: parseJson(row.vals) as number[] | null,
    fidelity: numOrNull(row.fidelity),
    intermediate,
    params: (parseJson(row.params) ?? {}) as Record<string, Json>,
    userAttrs: (parseJson(row.user_attrs) ?? {}) as Record<string, Json>,
    worker: row.worker === null || row.worker === undefined ? null : String(row.worker),
    heartbeat: numOrNull(row.heartbeat),
    started: numOrNull(row.started),
    finished: numOrNull(row.finished),
    error: row.error === null || row.error === undefined ? null : String(row.error),
    seed: num(row.seed),
    codeVersion: String(row.code_version),
    attempts: num(row.attempts),
  };
}

/** The SQL row of an event → the event. */
export function eventFromRow(row: Row): StoredEvent {
  return { seq: num(row.seq), kind: String(row.kind) as 'ask' | 'tell', trial: num(row.trial), payload: parseJson(row.payload) };
}

/** Groups `trial_intermediate` rows by trial id. */
export function groupIntermediate(rows: readonly Row[]): Map<number, Record<string, number>> {
  const out = new Map<number, Record<string, number>>();
  for (const r of rows) {
    const id = num(r.trial_id);
    let curve = out.get(id);
    if (!curve) out.set(id, (curve = {}));
    curve[String(num(r.step))] = num(r.value);
  }
  return out;
}

/** A JSON value for a TEXT column; refuses NaN/Infinity, which JSON cannot hold. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value ?? null);
}

/** The message for a schema newer than this code. */
export function schemaTooNew(url: string, found: number, known: number): StorageError {
  return new StorageError(
    'SCHEMA_TOO_NEW',
    `${url}: the storage has schema version ${found} but this naskit knows versions up to ${known}; upgrade naskit (npm install naskit@latest) to open it — nothing was changed`,
  );
}

/** The message for a name that is taken. */
export function experimentExists(url: string, name: string): StorageError {
  return new StorageError('EXPERIMENT_EXISTS', `experiment ${JSON.stringify(name)} already exists in ${url}; resume it with \`naskit resume ${name}\` or choose another name (--name)`);
}

/** The simulated cost a finished trial adds to its experiment (`userAttrs.cost_seconds`), 0 when absent. */
export function costOf(userAttrs: Readonly<Record<string, Json>> | undefined): number {
  const v = userAttrs?.cost_seconds;
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** An error thrown by a caller's callback inside a store transaction: rolled back and rethrown unchanged, never reported as a storage failure. */
export class CallerError {
  constructor(readonly error: unknown) {}
}

/** Calls the caller's `decide`, marking what it throws as {@link CallerError}. */
export function callDecide<V, T>(decide: (view: V) => T, view: V): T {
  try {
    return decide(view);
  } catch (error) {
    throw new CallerError(error);
  }
}

/** The condition of `Store.trialsSince` on a `trials` row (placeholders: `since` twice). */
export function changedSinceSql(param1: string, param2: string): string {
  return `(state IN ('queued', 'running') OR started >= ${param1} OR finished >= ${param2})`;
}

/** Assembles a {@link TrialSummary} from the rows of its aggregate queries (the same for both SQL stores). */
export function summaryFromRows(stateRows: readonly Row[], best: unknown, lowest: unknown, workerRows: readonly Row[], cost: unknown, now: unknown): TrialSummary {
  const counts = Object.fromEntries(TRIAL_STATES.map((s) => [s, 0])) as Record<TrialState, number>;
  for (const r of stateRows) counts[String(r.state) as TrialState] = num(r.n);
  const workers = workerRows.map((r) => ({ id: String(r.worker), heartbeat: numOrNull(r.heartbeat) }));
  // Sorted here, not by SQL: SQLite and PostgreSQL collate text differently.
  workers.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { counts, best: numOrNull(best), lowest: numOrNull(lowest), workers, costSeconds: num(cost ?? 0), now: num(now) };
}
