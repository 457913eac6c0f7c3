import type { Command } from 'commander';
import { StorageError } from '../errors.js';
import type { ExperimentResult } from '../experiment/final.js';
import type { ExperimentRecord, Store, TrialRecord } from '../experiment/store.js';
import { bestTrialIn, experimentDirection, isStudyExperiment, studyParams, studyParamsText } from '../experiment/study-records.js';
import { createSpace } from '../space/registry.js';
import type { Space } from '../space/types.js';
import { printJson, printLine, type CliContext } from './context.js';
import { requireExperiment, withStore } from './experiment-session.js';

const STORAGE_HELP = 'storage URL (default NASKIT_STORAGE, else sqlite:///<cwd>/.naskit/naskit.db)';

/** The space of a stored experiment, for printing architectures (`format`), or null if unknown here. */
function spaceOf(experiment: ExperimentRecord): Space | null {
  const config = experiment.config as { space?: unknown; space_options?: Record<string, unknown> } | null;
  const name = config?.space;
  try {
    return typeof name === 'string' ? createSpace(name, config?.space_options) : null;
  } catch {
    return null;
  }
}

/**
 * A trial's architecture as text: the space's format of its sample; for a define-by-run study, the
 * parameters its objective suggested (`name=value …`), not the sampler's internal proposal.
 */
function archOf(space: Space | null, trial: TrialRecord, study = false): string {
  if (study) return studyParamsText(studyParams(trial));
  if (!space) return JSON.stringify(trial.sample);
  try {
    return space.format(space.freeze(trial.sample as Record<string, unknown>));
  } catch {
    return JSON.stringify(trial.sample);
  }
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** The `status` document of one experiment. */
async function statusOf(store: Store, experiment: ExperimentRecord) {
  const trials = await store.trials(experiment.id);
  const count = (s: string) => trials.filter((t) => t.state === s).length;
  const study = isStudyExperiment(experiment);
  const direction = experimentDirection(experiment);
  const best = bestTrialIn(trials, direction);
  const space = spaceOf(experiment);
  const budget = (experiment.config as { budget?: unknown } | null)?.budget ?? null;
  return {
    name: experiment.name,
    status: experiment.status,
    created: iso(experiment.created),
    budget,
    trials: { total: trials.length, queued: count('queued'), running: count('running'), complete: count('complete'), failed: count('failed'), pruned: count('pruned') },
    best: best ? { number: best.number, arch: archOf(space, best, study), value: best.value, ...(study ? { params: studyParams(best) } : {}) } : null,
    result: experiment.result,
    // Added for define-by-run studies: which values are better, and what the experiment is.
    kind: study ? 'study' : 'config',
    direction,
  };
}

/** `naskit status`, `naskit best`, `naskit trials`. */
export function registerInspect(program: Command, context: CliContext): void {
  program
    .command('status')
    .description('state of one experiment, or of every experiment in the storage')
    .argument('[name]', 'experiment name')
    .option('--storage <url>', STORAGE_HELP)
    .option('--json', 'print one JSON document')
    .action(async (name: string | undefined, flags: { storage?: string; json?: boolean }) => {
      await withStore(context, flags.storage, async (store) => {
        const experiments = name === undefined ? await store.listExperiments() : [await requireExperiment(store, name)];
        const docs = [];
        for (const e of experiments) docs.push(await statusOf(store, e));
        if (flags.json) return printJson(context, name === undefined ? { storage: store.url, experiments: docs } : { storage: store.url, ...docs[0] });
        if (docs.length === 0) printLine(context, `no experiments in ${store.url}`);
        for (const d of docs) {
          const t = d.trials;
          const total = (d.budget as { trials?: number } | null)?.trials;
          printLine(context, `${d.name} [${d.status}] ${t.complete + t.failed + t.pruned}/${total ?? '?'} finished (${t.complete} complete, ${t.failed} failed, ${t.running} running, ${t.queued} queued)` + (d.best ? `  best ${d.best.value} trial ${d.best.number} ${d.best.arch}` : ''));
        }
      });
    });

  program
    .command('best')
    .description('the best architecture of an experiment by its search signal (with its test figure once the experiment finished)')
    .argument('<name>', 'experiment name')
    .option('--storage <url>', STORAGE_HELP)
    .option('--json', 'print one JSON document')
    .action(async (name: string, flags: { storage?: string; json?: boolean }) => {
      await withStore(context, flags.storage, async (store) => {
        const experiment = await requireExperiment(store, name);
        const study = isStudyExperiment(experiment);
        const direction = experimentDirection(experiment);
        const best = bestTrialIn(await store.trials(experiment.id), direction);
        if (!best) throw new StorageError('NO_COMPLETE_TRIAL', `experiment ${name} has no complete trial yet; see \`naskit status ${name}\``);
        // A study has no final step: no test figure, no export (its result records how optimize ended).
        const result = study ? null : (experiment.result as unknown as ExperimentResult | null);
        // The test figure is the one the final step read; it is never read here (it is not a signal).
        const final = result?.best && result.best.number === best.number ? result.best : null;
        const doc = {
          name,
          status: experiment.status,
          number: best.number,
          arch: archOf(spaceOf(experiment), best, study),
          value: best.value,
          test_accuracy: final?.test_accuracy ?? null,
          report: final?.report ?? null,
          export: result?.export ?? null,
          direction,
          ...(study ? { params: studyParams(best) } : {}),
        };
        if (flags.json) return printJson(context, doc);
        if (study) return printLine(context, `${name}: trial ${doc.number} ${doc.arch}  value ${doc.value} (${direction === 'minimize' ? 'lowest' : 'highest'})`);
        printLine(context, `${name}: trial ${doc.number} ${doc.arch}  signal ${doc.value}` + (doc.test_accuracy !== null ? `  test ${doc.test_accuracy} (${doc.report})` : '  (test figure: after the final step)'));
      });
    });

  program
    .command('trials')
    .description('every trial of an experiment: number, state, architecture, value, worker, times')
    .argument('<name>', 'experiment name')
    .option('--storage <url>', STORAGE_HELP)
    .option('--json', 'print one JSON document')
    .action(async (name: string, flags: { storage?: string; json?: boolean }) => {
      await withStore(context, flags.storage, async (store) => {
        const experiment = await requireExperiment(store, name);
        const space = spaceOf(experiment);
        const study = isStudyExperiment(experiment);
        const rows = (await store.trials(experiment.id)).map((t) => ({
          number: t.number,
          state: t.state,
          arch: archOf(space, t, study),
          value: t.value,
          worker: t.worker,
          started: iso(t.started),
          finished: iso(t.finished),
          seed: t.seed,
          attempts: t.attempts,
          error: t.error,
          // The learning curve (step → value; e.g. validation accuracy after each epoch of the train estimator).
          intermediate: t.intermediate,
          // A study's trial: the parameters its objective suggested (empty while it runs).
          ...(study ? { params: studyParams(t) } : {}),
        }));
        if (flags.json) return printJson(context, { trials: rows });
        for (const r of rows) {
          const curve = Object.keys(r.intermediate).length ? `  curve ${Object.entries(r.intermediate).map(([step, v]) => `${step}:${v}`).join(' ')}` : '';
          printLine(context, `${String(r.number).padStart(5)} ${r.state.padEnd(8)} ${r.value === null ? '-'.padEnd(8) : String(r.value).padEnd(8)} ${r.arch}${curve}${r.error ? `  error: ${r.error}` : ''}`);
        }
      });
    });
}
