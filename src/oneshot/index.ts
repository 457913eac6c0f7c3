/**
 * Differentiable one-shot NAS: a supernet over a cell space (every edge a mixed operation), its
 * architecture parameters with their own optimizer, the methods (DARTS first and second order,
 * SNAS, GDAS, PC-DARTS, DARTS+, SDARTS) and the search loop. Needs the engine (loaded on first use).
 * See docs/oneshot.md.
 */
export { type CellSpec, type CellEdge, CELL_SPECS, nb201CellSpec, dartsCellSpec, DARTS_SEARCH_OPS, argmax } from './cell-spec.js';
export { MixedOp, channelShuffle, type EdgeSample, type OperationFactory } from './mixed-op.js';
export { SearchCell, Nb201Supernet, softEdges, type Supernet, type ArchWeights, type CellWeights, type Nb201SupernetOptions } from './supernet.js';
export { DartsSupernet, DartsSearchCell, dartsSearchOperation, type DartsSupernetOptions } from './darts-supernet.js';
export { ArchParameters } from './arch.js';
export * from './methods/index.js';
export { encodeSearchState, restoreSearchState, readSearchProgress } from './state.js';
export { runOneShotSearch, searchStep, searchData, buildSupernet, ONESHOT_DEFAULTS, type SearchStepParts, type OneShotSettings, type OneShotEpoch, type OneShotResult, type OneShotHooks, type TableLookup } from './search.js';
