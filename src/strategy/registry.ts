import { ConfigError } from '../errors.js';
import { RandomSearch } from './random-search.js';
import { RegularizedEvolution, type RegularizedEvolutionOptions } from './regularized-evolution.js';
import { LocalSearch, type LocalSearchOptions } from './local-search.js';
import { GeneticAlgorithm, type GeneticAlgorithmOptions } from './genetic-algorithm.js';
import { Reinforce, type ReinforceOptions } from './reinforce.js';
import { deduplicating, type Deduplicated, type DeduplicatedOptions } from './deduplicated.js';
import { Nsga2, type Nsga2Options } from './nsga2.js';
import { RandomScalarization, type RandomScalarizationOptions } from './random-scalarization.js';
import { MetaQnn, type MetaQnnOptions } from './metaqnn.js';
import { Hyperband, type HyperbandOptions } from './hyperband.js';
import { Bohb, type BohbOptions } from './bohb.js';
import { Asha, type AshaOptions } from './asha.js';
import { BayesianOptimization, type BayesianOptimizationOptions } from './bayesian-optimization.js';
import { Bananas, type BananasOptions } from './bananas.js';
import { Pnas, type PnasOptions } from './pnas.js';
import { Ppo, type PpoOptions } from './ppo.js';
import type { Strategy, StrategyContext, StrategyFactory } from './types.js';

/** name → factory for every strategy the CLI and configs can name. One line per strategy. */
export const STRATEGIES: Readonly<Record<string, StrategyFactory>> = {
  random: (context) => new RandomSearch(context),
  nsga2: (context, options) => new Nsga2(context, options),
  'random-scalarization': (context, options) => new RandomScalarization(context, options),
  metaqnn: deduplicating((context, options) => new MetaQnn(context, options)),
  hyperband: deduplicating((context, options) => new Hyperband(context, options)),
  bohb: deduplicating((context, options) => new Bohb(context, options)),
  asha: deduplicating((context, options) => new Asha(context, options)),
  rea: deduplicating((context, options) => new RegularizedEvolution(context, options)),
  local: (context, options) => new LocalSearch(context, options),
  ga: deduplicating((context, options) => new GeneticAlgorithm(context, options)),
  reinforce: deduplicating((context, options) => new Reinforce(context, options)),
  'bo-gp': (context, options) => new BayesianOptimization(context, options),
  bananas: (context, options) => new Bananas(context, options),
  pnas: (context, options) => new Pnas(context, options),
  ppo: (context, options) => new Ppo(context, options),
};

/** The `dedup` option of the strategies the registry deduplicates by default (see {@link Deduplicated}). */
export interface DedupOption {
  /** `true` (default): skip architectures already proposed; `false`: the paper's behaviour; an object sets the wrapper's options. */
  readonly dedup?: boolean | DeduplicatedOptions;
}

/** The options each registered strategy takes, by registry name (what a config's `strategy.options` holds). */
export interface StrategyOptionsByName {
  random: Readonly<Record<string, never>>;
  nsga2: Nsga2Options;
  'random-scalarization': RandomScalarizationOptions;
  metaqnn: MetaQnnOptions & DedupOption;
  hyperband: HyperbandOptions & DedupOption;
  bohb: BohbOptions & DedupOption;
  asha: AshaOptions & DedupOption;
  rea: RegularizedEvolutionOptions & DedupOption;
  local: LocalSearchOptions;
  ga: GeneticAlgorithmOptions & DedupOption;
  reinforce: ReinforceOptions & DedupOption;
  'bo-gp': BayesianOptimizationOptions;
  bananas: BananasOptions;
  pnas: PnasOptions;
  ppo: PpoOptions;
}

/** The name of a strategy naskit registers itself. */
export type StrategyName = keyof StrategyOptionsByName;

/** The options `createStrategy` takes for the name `N`: typed for naskit's own strategies, free-form for any other string. */
export type OptionsFor<N extends string> = N extends StrategyName ? StrategyOptionsByName[N] : Readonly<Record<string, unknown>>;

/**
 * The strategy registered under `name`, built with `options` (validated: a bad or unknown option is a
 * `ConfigError` with code `BAD_STRATEGY_OPTION`); an unknown name is a `ConfigError` naming the valid
 * ones. For a literal name of naskit's own strategies the options are type-checked too.
 */
export function createStrategy<N extends string>(name: N, context: StrategyContext, options?: OptionsFor<N>): Strategy {
  const make = STRATEGIES[name];
  if (!make) throw new ConfigError('UNKNOWN_STRATEGY', `unknown strategy ${JSON.stringify(name)}; valid: ${Object.keys(STRATEGIES).join(', ')}`);
  return make(context, (options ?? {}) as Readonly<Record<string, unknown>>);
}
