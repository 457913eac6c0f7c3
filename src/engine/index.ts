/**
 * naskit's tensor engine: libtorch through a Node-API addon. Tensors with deterministic lifetimes
 * (`scope`, `keep`, `dispose`, `memory`), ops, autograd, `nn` modules, optimizers, the models NAS
 * trains (a small CNN, the NAS-Bench-201 network) and a training loop. See docs/engine.md.
 */
export { engine, engineAvailable, ENGINE_FIX, type NativeEngine } from './binding.js';
export { type DType, DTYPES, isFloating } from './dtype.js';
export { Tensor } from './tensor.js';
export { scope, keep, dispose, memory, type MemoryInfo } from './memory.js';
export { backward, grad, noGrad, enableGrad, isGradEnabled, type BackwardOptions, type GradOptions } from './autograd.js';
export { setNumThreads, numThreads, manualSeed, libtorchVersion } from './runtime.js';
export * from './ops/index.js';
export * as nn from './nn/index.js';
export { Optimizer, SGD, Adam, AdamW, CosineSchedule, OneCycleSchedule, clipGradNorm, type SgdOptions, type AdamOptions, type CosineScheduleOptions, type OneCycleScheduleOptions, type LrSchedule, type OptimizerState } from './optim.js';
export { saveCheckpoint, loadCheckpoint } from './checkpoint.js';
export * from './models/index.js';
export { profileModel, type ModelProfile } from './profile.js';
export { trainClassifier, evaluate, evaluateAsync, TRAIN_SCHEDULES, type TrainSchedule, type TrainConfig, type TrainData, type TrainResult, type EpochRecord, type ResumedProgress } from './train.js';
export { buildModel, networkSpec, type ModelSpec } from './model-spec.js';
export { trainInWorker, type TrainInWorkerOptions, type WorkerTrainResult } from './train-worker.js';
export { stateDictToSafetensors, loadSafetensorsState } from './state-bytes.js';
