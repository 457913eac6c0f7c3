import { ConfigError } from '../errors.js';
import { RandomSearch } from './random-search.js';
import { RegularizedEvolution } from './regularized-evolution.js';
import { LocalSearch } from './local-search.js';
import { GeneticAlgorithm } from './genetic-algorithm.js';
import { Reinforce } from './reinforce.js';
import { deduplicating } from './deduplicated.js';
import { Nsga2 } from './nsga2.js';
import { RandomScalarization } from './random-scalarization.js';
import { MetaQnn } from './metaqnn.js';
import { Hyperband } from './hyperband.js';
import { Bohb } from './bohb.js';
import { Asha } from './asha.js';
import { BayesianOptimization } from './bayesian-optimization.js';
import { Bananas } from './bananas.js';
import { Pnas } from './pnas.js';
import { Ppo } from './ppo.js';
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

/** The strategy registered under `name`; throws a `ConfigError` naming the valid names. */
export function createStrategy(name: string, context: StrategyContext, options: Readonly<Record<string, unknown>> = {}): Strategy {
  const make = STRATEGIES[name];
  if (!make) throw new ConfigError('UNKNOWN_STRATEGY', `unknown strategy ${JSON.stringify(name)}; valid: ${Object.keys(STRATEGIES).join(', ')}`);
  return make(context, options);
}
