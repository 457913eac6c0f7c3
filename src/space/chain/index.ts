/**
 * The chain macro space (NAS-RL / ENAS macro: layers in sequence, an operation and skip
 * connections per layer), in one place: its choices and its text form (`space.ts`), which run
 * without the engine. The network (`network.ts`, in `engine/nn` modules) is not re-exported here,
 * so that importing a space never loads engine code: it is reached through the network registry
 * (`engine/models/networks.ts`) and `naskit/engine`.
 */
export { ChainSpace, CHAIN_OPS, CHAIN_OPTIONS, type ChainOp, type ChainSpaceOptions } from './space.js';
