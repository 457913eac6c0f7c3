import type { ExperimentRecord, TrialRecord } from './store.js';
import type { Json } from '../util/json.js';

/**
 * How readers of a storage (the CLI's `status`/`best`/`trials`, the dashboard) see a define-by-run
 * study's records without the study API: a study is an experiment whose config has `kind: "study"`
 * and a `direction`; its trials keep what the objective suggested in `params.params` (their
 * `sample` is the sampler's internal proposal, not what the user sees).
 */

/** Which values are better. */
export type RecordDirection = 'maximize' | 'minimize';

/** Whether the experiment is a define-by-run study (`createStudy`). */
export function isStudyExperiment(experiment: ExperimentRecord): boolean {
  const config = experiment.config;
  return config !== null && typeof config === 'object' && !Array.isArray(config) && config.kind === 'study';
}

/** The experiment's direction: a study's stored `direction`; config searches maximise their signal. */
export function experimentDirection(experiment: ExperimentRecord): RecordDirection {
  const config = experiment.config;
  return config !== null && typeof config === 'object' && !Array.isArray(config) && config.direction === 'minimize' ? 'minimize' : 'maximize';
}

/** The parameters a study's objective suggested in this trial (empty while it runs: they are stored when it finishes). */
export function studyParams(trial: TrialRecord): Record<string, Json> {
  const p = trial.params.params;
  return p !== null && p !== undefined && typeof p === 'object' && !Array.isArray(p) ? p : {};
}

/** A study trial's parameters as one line, `name=value` pairs in suggestion order (floats to 4 significant digits). */
export function studyParamsText(params: Readonly<Record<string, Json>>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(4)) : typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
}

/** The best complete trial in `direction` (ties: the earlier), or null. */
export function bestTrialIn(trials: readonly TrialRecord[], direction: RecordDirection): TrialRecord | null {
  const sign = direction === 'minimize' ? -1 : 1;
  let best: TrialRecord | null = null;
  for (const t of trials) if (t.state === 'complete' && t.value !== null && (best === null || sign * t.value > sign * best.value!)) best = t;
  return best;
}

/**
 * How a study's `optimize` calls end in the storage. A study is an experiment whose status is
 * `running` while an `optimize` call works on it (each call, and each of its trials, reopens it)
 * and `finished` once the last call ends, with this record as the experiment's result; the
 * dashboard and `naskit status` read it. `interrupted` says the call stopped early: by SIGINT or
 * SIGTERM (recorded before the process exits as it would have), or by an error thrown out of
 * `optimize` (a `suggest*` misuse, a storage error).
 */
export interface StudyEndRecord {
  readonly kind: 'study';
  /** When the call ended (epoch milliseconds, this process's clock). */
  readonly ended: number;
  readonly interrupted: boolean;
  /** `SIGINT`, `SIGTERM` or the error's text when interrupted; null when the call ran to its limit. */
  readonly reason: string | null;
  /** What the call that ended did. */
  readonly optimize: { readonly evaluated: number; readonly complete: number; readonly pruned: number; readonly failed: number; readonly lost: number };
  /** The study's trials then. */
  readonly trials: number;
  /** The best complete trial then, by the study's direction. */
  readonly best: { readonly number: number; readonly value: number; readonly params: Readonly<Record<string, Json>> } | null;
}

/** A stored experiment result as a study's end record, or null when it is not one. */
export function studyEndOf(result: Json): StudyEndRecord | null {
  return result !== null && typeof result === 'object' && !Array.isArray(result) && result.kind === 'study' && typeof result.interrupted === 'boolean'
    ? (result as unknown as StudyEndRecord)
    : null;
}
