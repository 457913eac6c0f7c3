/**
 * Define-by-run studies (Optuna's `trial.suggest_*` over naskit's strategies and storage) and the
 * one-call image classifier. The classifier needs the libtorch engine, loaded only when it trains.
 */
export { createStudy, Study, type Direction, type MedianPrunerOptions, type StudyConfig, type StudyOptions, type StudyTrial } from './study.js';
export { Trial, type TrialSetup } from './trial.js';
export type { Objective, OptimizeOptions, OptimizeSummary } from './optimize.js';
export type { StudyEndRecord } from './end.js';
export type { Distribution } from './distributions.js';
export { LearntSpace, type Activity } from './learnt-space.js';
export { StudySampler, type SamplerSettings, type SamplerSettingsInput, type StudyProposal, type StudyTell } from './sampler.js';
export { TrialPruned } from '../estimate/types.js';
export { ImageClassifier, type FitSummary, type ImageClassifierOptions } from './image-classifier.js';
export type { ImageInput, Images } from './image-input.js';
