/**
 * naskit as a library: neural architecture search for TypeScript on Node.js.
 *
 * `import { … } from 'naskit'` gives the core, which runs without libtorch: search spaces and their
 * choice primitives, ask/tell strategies and their registry, estimators (NAS-Bench-201 tables),
 * storage and experiments (memory, SQLite, PostgreSQL, workers, resume), the NAS-Bench-201
 * benchmark harness, the image data pipeline and safetensors files, and the error classes. The
 * tensor engine (libtorch) is a separate entry point, `naskit/engine`, or {@link loadEngine} from
 * here, so that importing the core never loads it.
 *
 * @packageDocumentation
 */

// Spaces: the Space contract, the choice primitives and the spaces naskit ships.
export * from './space/index.js';

// Strategies: the ask/tell contract, every algorithm, its options and the registry.
export * from './strategy/index.js';

// Estimators: the contract and the tabular NAS-Bench-201 estimator (training estimators need the engine).
export * from './estimate/index.js';

// Experiments and storage: configs, stores, the worker loop, the final step, the pruner.
export * from './experiment/index.js';
export { AshaPruner, MedianPruner, createPruner, type AshaPrunerConfig, type MedianPrunerConfig, type Pruner, type PrunerConfig } from './experiment/pruner.js';
export type { WarmStartSection } from './estimate/proxy/warm-start-samples.js';

// Benchmarks on NAS-Bench-201 (single and multi-objective) and the plots they write.
export { runNb201Benchmark, runNb201Search, type Nb201BenchmarkOptions, type Nb201BenchmarkReport, type Nb201Pick, type Nb201SearchOptions, type Nb201SearchResult } from './benchmark/nb201.js';
export {
  runNb201MultiObjective,
  writeNb201Fronts,
  parseNb201Objectives,
  type Nb201FrontPoint,
  type Nb201MultiObjectiveOptions,
  type Nb201MultiObjectiveReport,
  type Nb201Objective,
} from './benchmark/multi-objective.js';
export { SearchRun, type SearchLimits, type SearchOutcome, type Evaluated } from './benchmark/search-run.js';
export { renderSvg, writePlot, niceTicks, type PlotPoint, type PlotSeries, type PlotSpec } from './benchmark/plot.js';
export { summarize, pairedDifference, round, type Summary } from './benchmark/stats.js';

// Image data sets (MNIST, Fashion-MNIST, CIFAR-10: loaders, splits, augmentation, batches) and
// safetensors files: plain typed arrays, no engine needed.
export * from './engine/data/index.js';
export { readSafetensors, writeSafetensors, encodeSafetensors, decodeSafetensors, type SafetensorsArray, type SafetensorsDtype, type SafetensorsFile, type SafetensorsTensor } from './engine/safetensors.js';

// Errors (each with a stable `code`), seeded randomness and the JSON type.
export { NaskitError, ConfigError, SampleError, StorageError, TrialStateError, DataError, ResourceError, NativeError } from './errors.js';
export { Rng } from './util/rng.js';
export type { Json } from './util/json.js';
export { dataDir } from './util/paths.js';

// Define-by-run studies and the one-call image classifier (the engine is loaded only inside fit()).
export * from './study/index.js';

/** The engine's module (`naskit/engine`): tensors, `nn`, optimizers, models, training. */
export type EngineModule = typeof import('./engine/index.js');

/**
 * Loads the libtorch tensor engine (the same module as `import('naskit/engine')`). The module
 * itself loads without libtorch; its first tensor operation throws a `NativeError` with code
 * `ENGINE_MISSING` that says how to install libtorch when the addon is not built
 * (`engineAvailable()` tells beforehand).
 */
export function loadEngine(): Promise<EngineModule> {
  return import('./engine/index.js');
}
