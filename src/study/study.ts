import { ConfigError, TrialStateError } from '../errors.js';
import { openStore } from '../experiment/open-store.js';
import type { MedianPrunerConfig, PrunerConfig } from '../experiment/pruner.js';
import type { ExperimentRecord, Store, TrialRecord } from '../experiment/store.js';
import { STRATEGIES, createStrategy, type OptionsFor } from '../strategy/registry.js';
import type { Value } from '../space/types.js';
import type { Json } from '../util/json.js';
import { type Distribution, parseDistribution } from './distributions.js';
import { LearntSpace } from './learnt-space.js';
import { runOptimize, type Objective, type OptimizeOptions, type OptimizeSummary } from './optimize.js';
import { studyOptions } from './options.js';
import { StudySampler } from './sampler.js';

/** Whether the objective's value is to be made large or small. */
export type Direction = 'maximize' | 'minimize';

/** The median pruner's settings (see docs/experiments.md, `pruner`). */
export interface MedianPrunerOptions {
  readonly name: 'median';
  /** Steps every trial runs before it can be pruned (default 0). */
  readonly warmup_steps?: number;
  /** Complete trials with a value at a step needed before anything is pruned there (default 5). */
  readonly min_trials?: number;
  /** @deprecated Use `warmup_steps`. */
  readonly warmupSteps?: number;
  /** @deprecated Use `min_trials`. */
  readonly minTrials?: number;
}

/**
 * Options of {@link createStudy}, snake_case as every options object naskit takes (docs/study.md,
 * "Naming"). `N` is the strategy's name: for naskit's own strategies `strategy_options` is typed
 * as that strategy's options.
 */
export interface StudyOptions<N extends string = string> {
  /** A storage URL (`memory:`, `sqlite:///abs/path.db`, `postgresql://…`) or an open `Store`. Default `memory:`. */
  readonly storage?: string | Store;
  /** The study's name, unique in its storage; an existing study of that name is continued. Default `study`. */
  readonly name?: string;
  /** A registered strategy (`random`, `rea`, `bo-gp`, …) used as the sampler. Default `rea`. */
  readonly strategy?: N;
  /** The strategy's own options (as in a config's `strategy.options`). */
  readonly strategy_options?: OptionsFor<N>;
  /** Seeds the strategy, the independent draws and each trial's `seed`. Default 0. */
  readonly seed?: number;
  /** Default `maximize`. */
  readonly direction?: Direction;
  /** Trials sampled independently before the strategy takes over on the learnt space. Default 10. */
  readonly startup_trials?: number;
  /** `median` (default: the median stopping rule, consulted by `trial.shouldPrune()`), `none`, or its settings. */
  readonly pruner?: 'median' | 'none' | MedianPrunerOptions;
  /** How often a running trial records that it is alive (default 10 s). */
  readonly heartbeat_seconds?: number;
  /** A running trial silent this long is re-queued for another worker (default 60 s). */
  readonly stale_seconds?: number;
  /** @deprecated Use `strategy_options`. */
  readonly strategyOptions?: OptionsFor<N>;
  /** @deprecated Use `startup_trials`. */
  readonly startupTrials?: number;
  /** @deprecated Use `heartbeat_seconds`. */
  readonly heartbeatSeconds?: number;
  /** @deprecated Use `stale_seconds`. */
  readonly staleSeconds?: number;
}

/** {@link StudyOptions} once the old spellings are renamed: what the study reads. */
type GivenOptions = Omit<StudyOptions, 'strategy_options' | 'strategyOptions' | 'startupTrials' | 'heartbeatSeconds' | 'staleSeconds'> & {
  readonly strategy_options?: Readonly<Record<string, unknown>>;
};

/** One trial of a study as its user sees it. */
export interface StudyTrial {
  readonly number: number;
  readonly state: TrialRecord['state'];
  /** The objective's value (as returned, not negated when minimising); null unless complete. */
  readonly value: number | null;
  /** Every parameter the objective suggested (empty while it runs). */
  readonly params: Readonly<Record<string, Value>>;
  readonly distributions: Readonly<Record<string, Distribution>>;
  /** The reported learning curve: step → value. */
  readonly intermediate: Readonly<Record<string, number>>;
  readonly fidelity: number | null;
  readonly seed: number;
  readonly error: string | null;
  /** Epoch milliseconds. */
  readonly started: number | null;
  readonly finished: number | null;
}

/** The stored form of a study's settings (the experiment's config). */
export interface StudyConfig {
  readonly kind: 'study';
  readonly strategy: { readonly name: string; readonly options: Readonly<Record<string, unknown>> };
  readonly seed: number;
  readonly direction: Direction;
  readonly startup_trials: number;
  readonly pruner: PrunerConfig;
  readonly workers: { readonly heartbeat_seconds: number; readonly stale_seconds: number };
}

const NAME = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * Creates a define-by-run study, or continues the study of that name in the storage (resume: the
 * trial count, the learnt space and the strategy's state carry on from the stored log). Options
 * given for an existing study must match its stored settings (`ConfigError` `STUDY_MISMATCH`);
 * options left out take the stored ones.
 */
export async function createStudy<N extends string = string>(given: StudyOptions<N> = {}): Promise<Study> {
  const options = studyOptions('createStudy', given) as GivenOptions;
  const name = options.name ?? 'study';
  if (!NAME.test(name)) throw new ConfigError('CONFIG_INVALID', `createStudy: name ${JSON.stringify(name)} must be 1–100 letters, digits, '.', '_' or '-'`);
  const owned = typeof options.storage !== 'object';
  const store = typeof options.storage === 'object' ? options.storage : await openStore(options.storage ?? 'memory:');
  try {
    const found = await store.getExperiment(name);
    if (found) {
      const config = checkStored(found, options);
      return await Study.load(store, owned, found, config);
    }
    const config = newConfig(options);
    const experiment = await store.createExperiment({ name, config: config as unknown as Json, seed: config.seed });
    return await Study.load(store, owned, experiment, config);
  } catch (error) {
    if (owned) await store.close();
    throw error;
  }
}

/**
 * A define-by-run study (Optuna's `Study`): trials of an objective function, recorded in a naskit
 * storage, proposed by a naskit strategy on the space learnt from the objective's suggestions.
 * Any number of `optimize` calls, in this process or in others sharing the storage, work on it at once.
 */
export class Study {
  private snapshot: StudyTrial[] = [];
  /** @internal One sampler per process and study, shared by this process's workers (rebuilt from the log after an error). */
  sampler: StudySampler;

  private constructor(
    readonly store: Store,
    private readonly ownsStore: boolean,
    readonly experiment: ExperimentRecord,
    readonly config: StudyConfig,
  ) {
    this.sampler = this.newSampler();
  }

  /** @internal */
  static async load(store: Store, owned: boolean, experiment: ExperimentRecord, config: StudyConfig): Promise<Study> {
    const study = new Study(store, owned, experiment, config);
    await study.refresh();
    return study;
  }

  get name(): string {
    return this.experiment.name;
  }

  get direction(): Direction {
    return this.config.direction;
  }

  /** The trials as last read (after `createStudy`, each finished trial of this process, `optimize` and `refresh`). */
  get trials(): readonly StudyTrial[] {
    return this.snapshot;
  }

  /** The best complete trial by the direction (ties: the earlier), or null when none is complete. */
  get bestTrial(): StudyTrial | null {
    let best: StudyTrial | null = null;
    const sign = this.config.direction === 'maximize' ? 1 : -1;
    for (const t of this.snapshot) {
      if (t.state !== 'complete' || t.value === null) continue;
      if (best === null || sign * t.value > sign * best.value!) best = t;
    }
    return best;
  }

  /** The best trial's value and parameters (a `TrialStateError` `NO_COMPLETE_TRIAL` when there is none). */
  get bestValue(): number {
    return this.requireBest().value!;
  }

  get bestParams(): Readonly<Record<string, Value>> {
    return this.requireBest().params;
  }

  /** The space learnt from the finished trials this process has seen (null before the first complete trial). */
  learntSpace(): LearntSpace | null {
    return this.sampler.learntSpace();
  }

  /** Reads the trials from the storage again (e.g. after other processes worked on the study). */
  async refresh(): Promise<readonly StudyTrial[]> {
    this.snapshot = (await this.store.trials(this.experiment.id)).map(toStudyTrial);
    return this.snapshot;
  }

  /**
   * Runs the objective on new trials until `trials` more are done, `timeout_seconds` have passed
   * or the study holds `max_trials`, with `workers` concurrent evaluations in this process. An
   * objective that throws (or returns a non-finite number) makes a failed trial and the search goes
   * on; `TrialPruned` makes a pruned one. A misuse of `suggest*` (`SampleError` `PARAM_*`) is a bug
   * in the objective: its trial is recorded as failed and the error is rethrown once the workers stop.
   */
  async optimize(objective: Objective, options: OptimizeOptions): Promise<OptimizeSummary> {
    try {
      return await runOptimize(this, objective, options);
    } finally {
      await this.refresh();
    }
  }

  /** Closes the storage if `createStudy` opened it from a URL. */
  async close(): Promise<void> {
    if (this.ownsStore) await this.store.close();
  }

  /** @internal A fresh sampler (after an error left the shared one ahead of the storage). */
  resetSampler(): void {
    this.sampler = this.newSampler();
  }

  /** @internal */
  absorb(trial: TrialRecord): void {
    const at = this.snapshot.findIndex((t) => t.number === trial.number);
    if (at >= 0) this.snapshot[at] = toStudyTrial(trial);
    else this.snapshot.push(toStudyTrial(trial));
  }

  private newSampler(): StudySampler {
    const c = this.config;
    return new StudySampler({ strategy: c.strategy.name, strategy_options: c.strategy.options, seed: c.seed, startup_trials: c.startup_trials });
  }

  private requireBest(): StudyTrial {
    const best = this.bestTrial;
    if (!best) throw new TrialStateError('NO_COMPLETE_TRIAL', `study ${this.name}: no trial is complete yet; run optimize first`);
    return best;
  }
}

function toStudyTrial(t: TrialRecord): StudyTrial {
  const params = (t.params.params ?? {}) as Record<string, Value>;
  const distributions: Record<string, Distribution> = {};
  for (const [k, v] of Object.entries((t.params.distributions ?? {}) as Record<string, Json>)) {
    const d = parseDistribution(v);
    if (d) distributions[k] = d;
  }
  return {
    number: t.number,
    state: t.state,
    value: t.value,
    params,
    distributions,
    intermediate: t.intermediate,
    fidelity: t.fidelity,
    seed: t.seed,
    error: t.error,
    started: t.started,
    finished: t.finished,
  };
}

function newConfig(o: GivenOptions): StudyConfig {
  const strategy = o.strategy ?? 'rea';
  if (!STRATEGIES[strategy]) throw new ConfigError('UNKNOWN_STRATEGY', `createStudy: unknown strategy ${JSON.stringify(strategy)}; valid: ${Object.keys(STRATEGIES).join(', ')}`);
  const strategyOptions = o.strategy_options ?? {};
  // Validates the options now (a ConfigError naming the option), on a one-leaf stand-in space.
  createStrategy(strategy, { space: probeSpace(), seed: 0 }, strategyOptions);
  const seed = o.seed ?? 0;
  if (!Number.isInteger(seed)) throw new ConfigError('CONFIG_INVALID', `createStudy: seed must be an integer, got ${seed}`);
  const direction = o.direction ?? 'maximize';
  if (direction !== 'maximize' && direction !== 'minimize') throw new ConfigError('CONFIG_INVALID', `createStudy: direction must be "maximize" or "minimize", got ${JSON.stringify(direction)}`);
  const startup = o.startup_trials ?? 10;
  if (!Number.isInteger(startup) || startup < 1) throw new ConfigError('CONFIG_INVALID', `createStudy: startup_trials must be an integer ≥ 1, got ${startup}`);
  const given = o.pruner ?? 'median';
  const p = typeof given === 'object' ? studyOptions('pruner', given) : given;
  const pruner: MedianPrunerConfig =
    p === 'none'
      ? { name: 'none', warmup_steps: 0, min_trials: 5 }
      : p === 'median'
        ? { name: 'median', warmup_steps: 0, min_trials: 5 }
        : { name: 'median', warmup_steps: p.warmup_steps ?? 0, min_trials: p.min_trials ?? 5 };
  if (!Number.isInteger(pruner.warmup_steps) || pruner.warmup_steps < 0 || !Number.isInteger(pruner.min_trials) || pruner.min_trials < 1) {
    throw new ConfigError('CONFIG_INVALID', `createStudy: pruner.warmup_steps must be an integer ≥ 0 and pruner.min_trials ≥ 1, got ${JSON.stringify(p)}`);
  }
  const heartbeat = o.heartbeat_seconds ?? 10;
  const stale = o.stale_seconds ?? 60;
  if (!(heartbeat > 0 && stale > heartbeat)) throw new ConfigError('CONFIG_INVALID', `createStudy: need 0 < heartbeat_seconds < stale_seconds, got ${heartbeat} and ${stale}`);
  return { kind: 'study', strategy: { name: strategy, options: strategyOptions }, seed, direction, startup_trials: startup, pruner, workers: { heartbeat_seconds: heartbeat, stale_seconds: stale } };
}

/** The stored settings of an existing study, checked against the options given. */
function checkStored(found: ExperimentRecord, o: GivenOptions): StudyConfig {
  const stored = found.config as unknown as StudyConfig;
  if (typeof stored !== 'object' || stored === null || stored.kind !== 'study') {
    throw new ConfigError('STUDY_MISMATCH', `createStudy: ${JSON.stringify(found.name)} is a config experiment in this storage, not a study; choose another name`);
  }
  const given = newConfig({
    ...o,
    strategy: o.strategy ?? stored.strategy.name,
    strategy_options: o.strategy_options ?? (o.strategy === undefined ? stored.strategy.options : undefined),
    seed: o.seed ?? stored.seed,
    direction: o.direction ?? stored.direction,
    startup_trials: o.startup_trials ?? stored.startup_trials,
  });
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  for (const key of ['strategy', 'seed', 'direction', 'startup_trials'] as const) {
    if (!same(given[key], stored[key])) {
      throw new ConfigError(
        'STUDY_MISMATCH',
        `createStudy: study ${JSON.stringify(found.name)} exists with ${key} = ${JSON.stringify(stored[key])}, not ${JSON.stringify(given[key])}; leave the option out to continue it, or use another name`,
      );
    }
  }
  // Pruner and heartbeats do not change the recorded search: the options given win for this process.
  return {
    ...stored,
    pruner: o.pruner !== undefined ? given.pruner : stored.pruner,
    workers: o.heartbeat_seconds !== undefined || o.stale_seconds !== undefined ? given.workers : stored.workers,
  };
}

/** A one-leaf space, only to validate strategy options before anything is stored. */
function probeSpace(): LearntSpace {
  return new LearntSpace([['x', { kind: 'categorical', choices: [0, 1, 2] }]]);
}
