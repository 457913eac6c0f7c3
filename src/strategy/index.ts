/** Search strategies behind one ask/tell interface, and the means to replay a recorded search. */
export type { Observation, Proposal, Strategy, StrategyContext, StrategyEvent, StrategyFactory } from './types.js';
export { RandomSearch } from './random-search.js';
export { RegularizedEvolution, RegularizedEvolutionOptions } from './regularized-evolution.js';
export { LocalSearch, LocalSearchOptions } from './local-search.js';
export { GeneticAlgorithm, GeneticAlgorithmOptions } from './genetic-algorithm.js';
export { Reinforce, ReinforceOptions } from './reinforce.js';
export { Deduplicated, DeduplicatedOptions, deduplicating } from './deduplicated.js';
export { Nsga2, Nsga2Options } from './nsga2.js';
export { RandomScalarization, RandomScalarizationOptions } from './random-scalarization.js';
export { MetaQnn, MetaQnnOptions, metaQnnEpsilon } from './metaqnn.js';
export { Hyperband, HyperbandOptions, fidelityBrackets, hyperbandBrackets, type FidelityBracket, type HyperbandBracket, type HyperbandRung } from './hyperband.js';
export { Bohb, BohbOptions } from './bohb.js';
export { crowdingDistance, dominates, hypervolume, nonDominatedSort, paretoFront } from './pareto.js';
export { BayesianOptimization, type BayesianOptimizationOptions } from './bayesian-optimization.js';
export { replay } from './replay.js';
export { STRATEGIES, createStrategy } from './registry.js';
