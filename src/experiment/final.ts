import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Space } from '../space/types.js';
import type { Json } from '../util/json.js';
import type { ExperimentConfig } from './config.js';
import type { ExperimentEstimator } from './estimators.js';
import type { ExperimentRecord, Store, TrialRecord } from './store.js';

/** The result of a finished experiment, as stored and printed. */
export interface ExperimentResult {
  readonly name: string;
  readonly trials: { readonly total: number; readonly complete: number; readonly failed: number; readonly pruned: number };
  /** The returned architecture (best by the search signal); null when no trial completed. */
  readonly best: {
    readonly number: number;
    readonly arch: string;
    readonly value: number;
    /** The single reported test figure, read once for this architecture; null when `final.report` is false. */
    readonly test_accuracy: number | null;
    readonly report: string | null;
  } | null;
  /** Absolute path of the exported model file, or null. */
  readonly export: string | null;
}

/** The best complete trial by the signal (ties: the earlier trial), or null. */
export function bestTrial(trials: readonly TrialRecord[]): TrialRecord | null {
  let best: TrialRecord | null = null;
  for (const t of trials) if (t.state === 'complete' && t.value !== null && (best === null || t.value > best.value!)) best = t;
  return best;
}

/**
 * The final step once every trial is finished: picks the best architecture by the signal only,
 * reads its test figure exactly once through the estimator's `final` (tabular: `test_200ep_mean`;
 * training: retrain and test), writes the exported model file (atomically: a temporary file renamed)
 * and marks the experiment finished with the result.
 */
export async function finalizeExperiment(args: {
  store: Store;
  experiment: ExperimentRecord;
  config: ExperimentConfig;
  space: Space;
  estimator: ExperimentEstimator;
  /** Folder that a relative `export` path is resolved against. */
  cwd: string;
  /** Progress lines of the final step (a retraining can take minutes); none when absent. */
  progress?: (line: string) => void;
}): Promise<ExperimentResult> {
  const { store, experiment, config, space, estimator } = args;
  const trials = await store.trials(experiment.id);
  const count = (s: string) => trials.filter((t) => t.state === s).length;
  const best = bestTrial(trials);
  let bestOut: ExperimentResult['best'] = null;
  let exportPath: string | null = null;
  if (best) {
    const sample = space.freeze(best.sample as Record<string, unknown>);
    if (config.final.report) args.progress?.(`final step: trial ${best.number} (${space.format(sample)}, signal ${best.value}), its test figure read once`);
    const final = config.final.report ? await estimator.final(sample, args.progress) : null;
    bestOut = {
      number: best.number,
      arch: space.format(sample),
      value: best.value!,
      test_accuracy: final ? final.testAccuracy : null,
      report: final ? estimator.reportName : null,
    };
    if (config.export !== false && final) {
      exportPath = resolve(args.cwd, config.export);
      const model: Record<string, Json> = { experiment: experiment.name, trial: best.number, ...final.model };
      mkdirSync(dirname(exportPath), { recursive: true });
      if (final.weights) {
        // Trained weights go beside the model file (safetensors); the model file names them.
        const weightsPath = exportPath.replace(/\.json$/i, '') + '.safetensors';
        writeAtomically(weightsPath, final.weights);
        model.weights = basename(weightsPath);
      }
      writeAtomically(exportPath, JSON.stringify(model, null, 2) + '\n');
    }
  }
  const result: ExperimentResult = {
    name: experiment.name,
    trials: { total: trials.length, complete: count('complete'), failed: count('failed'), pruned: count('pruned') },
    best: bestOut,
    export: exportPath,
  };
  if (!(await store.finishExperiment(experiment.id, result as unknown as Json))) {
    // Another process's final step finished first: its result is the experiment's.
    const stored = await store.getExperiment(experiment.name);
    if (stored?.result) return stored.result as unknown as ExperimentResult;
  }
  return result;
}

/** Writes a file whole or not at all: a temporary file, then a rename. */
function writeAtomically(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}
