/** Search strategies behind one ask/tell interface, and the means to replay a recorded search. */
export type { Observation, Proposal, Strategy, StrategyContext, StrategyEvent, StrategyFactory } from './types.js';
export { RandomSearch } from './random-search.js';
export { replay } from './replay.js';
export { STRATEGIES, createStrategy } from './registry.js';
