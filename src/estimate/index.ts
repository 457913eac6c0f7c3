/** Performance estimation: the estimator contract and the estimators naskit ships. */
export type { Estimate, EstimateRequest, Estimator, TrialContext } from './types.js';
export { TrialPruned } from './types.js';
export { TabularEstimator, type TabularOptions } from './tabular.js';
export { Nb201Table, NB201_DATASETS, NB201_METRICS, NB201_SIGNALS, type Nb201Dataset, type Nb201Metric, type Nb201Signal } from './nb201-table.js';
export { Nb301Surrogate, SurrogateEstimator, NB301_MAX_EPOCHS, NB301_MIN_EPOCHS, type Nb301Prediction, type SurrogateQuery } from './nb301-surrogate.js';
