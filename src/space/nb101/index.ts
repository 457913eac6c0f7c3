/**
 * The NAS-Bench-101 cell space, in one place: its choices and its text form, the benchmark's
 * `ModelSpec` JSON (`space.ts`), the graph rules it shares with the benchmark's API (pruning, the
 * isomorphism hash, `graph.ts`). All of it runs without the engine. The network (`network.ts`, the
 * benchmark's `model_builder.py` in `engine/nn` modules) is not re-exported here, so that importing a
 * space never loads engine code: it is reached through the network registry
 * (`engine/models/networks.ts`) and `naskit/engine`.
 */
export { Nb101Space, NB101_EDGES, NB101_MAX_EDGES, NB101_OPS, NB101_OPTIONS, NB101_VERTICES, type Nb101Op } from './space.js';
export { hashModule, pruneSpec, type Nb101Spec } from './graph.js';
