/**
 * NATS-Bench's size space (the channel counts of five layers around a fixed NB201 cell), in one
 * place: its choices and its text form (`space.ts`), which run without the engine. The network
 * (`network.ts`, xautodl's `DynamicShapeTinyNet` in `engine/nn` modules, on NB201's cell) is not
 * re-exported here, so that importing a space never loads engine code: it is reached through the
 * network registry (`engine/models/networks.ts`) and `naskit/engine`.
 */
export { NatsSizeSpace, NATS_SIZE_CHANNELS, NATS_SIZE_LAYERS } from './space.js';
