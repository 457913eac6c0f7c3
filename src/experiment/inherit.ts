import { TrialStateError } from '../errors.js';
import type { TrialContext } from '../estimate/types.js';
import type { Store, TrialRecord, WorkerInfo } from './store.js';

/** How an experiment keeps weights for inheritance (the `train` estimator's `inherit: true`). */
export interface InheritSettings {
  /** The final weights of the latest `keep` and of the best `keep` complete trials are kept. */
  readonly keep: number;
}

/** The parent a strategy recorded on a trial (`attrs.parent`, a trial number), or null. */
export function parentOf(trial: TrialRecord): number | null {
  const parent = trial.params.parent;
  return typeof parent === 'number' && Number.isInteger(parent) && parent >= 0 && parent !== trial.number ? parent : null;
}

/**
 * The trials whose kept weights stay: the latest `keep` complete trials (by finishing time, then
 * number) and the best `keep` (by value, ties to the smaller number). An evolutionary strategy draws
 * its parents from its recent population (regularized evolution: the latest results) or its best
 * (a genetic algorithm's elite, local search's centre), so with `keep` at least the population every
 * parent's weights are there.
 */
export function weightsToKeep(trials: readonly TrialRecord[], keep: number): number[] {
  const complete = trials.filter((t) => t.state === 'complete' && t.value !== null);
  const latest = [...complete].sort((a, b) => (b.finished ?? 0) - (a.finished ?? 0) || b.number - a.number).slice(0, keep);
  const best = [...complete].sort((a, b) => (b.value as number) - (a.value as number) || a.number - b.number).slice(0, keep);
  return [...new Set([...latest, ...best].map((t) => t.number))].sort((a, b) => a - b);
}

/** After a trial finished: deletes the kept weights of finished trials {@link weightsToKeep} no longer names. */
export async function retainWeights(store: Store, experimentId: number, settings: InheritSettings): Promise<void> {
  await store.retainWeights(experimentId, weightsToKeep(await store.trials(experimentId), settings.keep));
}

/** The inheritance half of a trial's {@link TrialContext}: its parent's kept weights, and keeping its own. */
export function inheritContext(store: Store, trial: TrialRecord, worker: WorkerInfo): Required<Pick<TrialContext, 'parentWeights' | 'keepWeights'>> {
  return {
    async parentWeights() {
      const parent = parentOf(trial);
      if (parent === null) return null;
      const record = await store.trialByNumber(trial.experimentId, parent);
      const weights = record ? await store.loadWeights(record.id) : null;
      return weights ? { trial: parent, weights } : null;
    },
    async keepWeights(data) {
      if (!(await store.saveWeights(trial.id, worker, data))) {
        throw new TrialStateError('TRIAL_NOT_OWNED', `trial ${trial.number} is no longer this worker's (re-queued as stale and claimed by another worker); its weights are not kept`);
      }
    },
  };
}
