import { renameDeprecated, type Deprecations } from '../util/deprecated.js';

/**
 * The study API's options before they were snake_case (issue 17: one spelling for everything a user
 * writes in an options object): still accepted, each with one deprecation line per process
 * (`util/deprecated.ts`); giving both spellings of one option is a `ConfigError` `CONFIG_INVALID`.
 */
export const STUDY_DEPRECATIONS = {
  /** `createStudy`. */
  createStudy: { names: { strategyOptions: 'strategy_options', startupTrials: 'startup_trials', heartbeatSeconds: 'heartbeat_seconds', staleSeconds: 'stale_seconds' } },
  /** `createStudy`'s `pruner` settings. */
  pruner: { names: { warmupSteps: 'warmup_steps', minTrials: 'min_trials' } },
  /** `study.optimize`. */
  optimize: { names: { timeoutSeconds: 'timeout_seconds', maxTrials: 'max_trials', onTrial: 'on_trial' } },
  /** `new ImageClassifier`. */
  ImageClassifier: {
    names: {
      maxTrials: 'max_trials',
      timeBudgetSeconds: 'time_budget_seconds',
      strategyOptions: 'strategy_options',
      searchEpochs: 'search_epochs',
      searchImages: 'search_images',
      validationImages: 'validation_images',
      finalEpochs: 'final_epochs',
      batchSize: 'batch_size',
      folderChannels: 'folder_channels',
    },
  },
  /** `new StudySampler`. */
  StudySampler: { names: { strategyOptions: 'strategy_options', startupTrials: 'startup_trials' } },
} as const satisfies Readonly<Record<string, Deprecations>>;

/**
 * `options` with the old camelCase spellings of `where`'s options replaced by the snake_case ones
 * (see {@link STUDY_DEPRECATIONS}); the result has only the new spellings.
 */
export function studyOptions<T extends object>(where: keyof typeof STUDY_DEPRECATIONS, options: T): T {
  return renameDeprecated(where, options as Readonly<Record<string, unknown>>, STUDY_DEPRECATIONS[where], 'CONFIG_INVALID') as T;
}
