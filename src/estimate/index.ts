/** Performance estimation: the estimator contract and the estimators naskit ships. */
export type { Estimate, EstimateRequest, Estimator, TrialContext } from './types.js';
export { TrialPruned } from './types.js';
export { TabularEstimator, type TabularOptions } from './tabular.js';
export { Nb301Surrogate, SurrogateEstimator, NB301_MAX_EPOCHS, NB301_MIN_EPOCHS, type Nb301Prediction, type SurrogateQuery } from './nb301-surrogate.js';
