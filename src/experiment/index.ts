/** Experiments: configs, storage (memory, SQLite, PostgreSQL), the search loop, workers, the final step. */
export { loadConfig, validateConfig, type ExperimentConfig } from './config.js';
export { ESTIMATORS, estimatorDefinition, type EstimatorContext, type EstimatorDefinition, type ExperimentEstimator } from './estimators.js';
export type { InheritSettings } from './inherit.js';
export { bestTrial, finalizeExperiment, type ExperimentResult } from './final.js';
export { LiveStrategy, toObservation } from './live-strategy.js';
export { MemoryStore } from './memory-store.js';
export { MIGRATIONS, type Migration } from './migrations.js';
export { defaultStorageUrl, openStore } from './open-store.js';
export { PostgresStore, parsePostgresUrl, type PostgresStoreOptions } from './postgres-store.js';
export { runWorker, trialSeed, type Progress, type WorkerOptions, type WorkerSummary } from './runner.js';
export { SqliteStore, sqlitePath, type SqliteStoreOptions } from './sqlite-store.js';
export {
  SCHEMA_VERSION,
  TRIAL_STATES,
  type AskView,
  type ExperimentRecord,
  type ExperimentStatus,
  type FinishedState,
  type NewTrial,
  type StoredEvent,
  type Store,
  type TrialOutcome,
  type TrialRecord,
  type TrialState,
  type TrialSummary,
  type WorkerInfo,
  type WorkerSeen,
} from './store.js';
export { localDeadCheck, processAlive, workerInfo } from './worker-id.js';
