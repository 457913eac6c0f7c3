/**
 * The numbered schema migrations, per dialect. Migration N brings a database from version N−1 to
 * N; a store applies the missing ones in order inside one transaction and records the version in
 * `schema_version`. Never edit a released migration: add the next one (and bump SCHEMA_VERSION).
 * JSON is kept as TEXT (not JSONB) so that a sample's key order, its canonical order, survives.
 */
export interface Migration {
  readonly version: number;
  readonly sqlite: readonly string[];
  readonly postgres: readonly string[];
}

const STATES = "'queued', 'running', 'complete', 'failed', 'pruned'";

/** The numbered schema migrations, oldest first; a store applies those above its `schema_version`. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sqlite: [
      `CREATE TABLE experiments (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, config TEXT NOT NULL, seed INTEGER NOT NULL,
        status TEXT NOT NULL, created REAL NOT NULL, result TEXT, event_count INTEGER NOT NULL DEFAULT 0,
        trial_count INTEGER NOT NULL DEFAULT 0, cost_total REAL NOT NULL DEFAULT 0)`,
      `CREATE TABLE trials (id INTEGER PRIMARY KEY AUTOINCREMENT, experiment_id INTEGER NOT NULL REFERENCES experiments(id), number INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN (${STATES})), sample TEXT NOT NULL, key TEXT NOT NULL, value REAL, vals TEXT, fidelity REAL,
        params TEXT NOT NULL, user_attrs TEXT NOT NULL, worker TEXT, heartbeat REAL, started REAL, finished REAL, error TEXT,
        seed INTEGER NOT NULL, code_version TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, UNIQUE (experiment_id, number))`,
      `CREATE INDEX trials_by_state ON trials (experiment_id, state, number)`,
      `CREATE TABLE trial_intermediate (trial_id INTEGER NOT NULL REFERENCES trials(id), step INTEGER NOT NULL, value REAL NOT NULL, PRIMARY KEY (trial_id, step))`,
      `CREATE TABLE events (experiment_id INTEGER NOT NULL REFERENCES experiments(id), seq INTEGER NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('ask', 'tell')),
        trial INTEGER NOT NULL, payload TEXT NOT NULL, PRIMARY KEY (experiment_id, seq))`,
    ],
    postgres: [
      `CREATE TABLE experiments (id SERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE, config TEXT NOT NULL, seed BIGINT NOT NULL,
        status TEXT NOT NULL, created DOUBLE PRECISION NOT NULL, result TEXT, event_count INTEGER NOT NULL DEFAULT 0,
        trial_count INTEGER NOT NULL DEFAULT 0, cost_total DOUBLE PRECISION NOT NULL DEFAULT 0)`,
      `CREATE TABLE trials (id SERIAL PRIMARY KEY, experiment_id INTEGER NOT NULL REFERENCES experiments(id), number INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN (${STATES})), sample TEXT NOT NULL, key TEXT NOT NULL, value DOUBLE PRECISION, vals TEXT, fidelity DOUBLE PRECISION,
        params TEXT NOT NULL, user_attrs TEXT NOT NULL, worker TEXT, heartbeat DOUBLE PRECISION, started DOUBLE PRECISION, finished DOUBLE PRECISION, error TEXT,
        seed BIGINT NOT NULL, code_version TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, UNIQUE (experiment_id, number))`,
      `CREATE INDEX trials_by_state ON trials (experiment_id, state, number)`,
      `CREATE TABLE trial_intermediate (trial_id INTEGER NOT NULL REFERENCES trials(id), step INTEGER NOT NULL, value DOUBLE PRECISION NOT NULL, PRIMARY KEY (trial_id, step))`,
      `CREATE TABLE events (experiment_id INTEGER NOT NULL REFERENCES experiments(id), seq INTEGER NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('ask', 'tell')),
        trial INTEGER NOT NULL, payload TEXT NOT NULL, PRIMARY KEY (experiment_id, seq))`,
    ],
  },
  {
    // A running trial's last checkpoint (e.g. model and optimizer after an epoch), so that a trial
    // whose worker died resumes where it stopped, on any machine. Deleted when the trial finishes.
    version: 2,
    sqlite: [`CREATE TABLE trial_checkpoints (trial_id INTEGER PRIMARY KEY REFERENCES trials(id), data BLOB NOT NULL, saved REAL NOT NULL)`],
    postgres: [`CREATE TABLE trial_checkpoints (trial_id INTEGER PRIMARY KEY REFERENCES trials(id), data BYTEA NOT NULL, saved DOUBLE PRECISION NOT NULL)`],
  },
  {
    // A trial's final weights, kept after it finishes for the children that inherit them (estimator
    // `inherit: true`); the runner keeps a bounded number per experiment.
    version: 3,
    sqlite: [`CREATE TABLE trial_weights (trial_id INTEGER PRIMARY KEY REFERENCES trials(id), data BLOB NOT NULL, saved REAL NOT NULL)`],
    postgres: [`CREATE TABLE trial_weights (trial_id INTEGER PRIMARY KEY REFERENCES trials(id), data BYTEA NOT NULL, saved DOUBLE PRECISION NOT NULL)`],
  },
];
