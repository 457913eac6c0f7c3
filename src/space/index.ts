/** Search spaces: the choice primitives, the space contract and the spaces naskit ships. */
export type { EncodingName, Leaf, Sample, Space, Value } from './types.js';
export { Categorical, FloatRange, IntRange } from './choice.js';
export { ProductSpace } from './product-space.js';
export { Nb201Space, NB201_EDGES, NB201_OPS, type Nb201Op } from './nb201.js';
export { Nb101Space, NB101_EDGES, NB101_MAX_EDGES, NB101_OPS, NB101_VERTICES, type Nb101Op } from './nb101.js';
export { hashModule, pruneSpec, type Nb101Spec } from './nb101-graph.js';
export { DartsSpace, DARTS_CELLS, DARTS_NODES, DARTS_OPS, dartsInputLabel, dartsOpLabel, type DartsCell, type DartsGenotype, type DartsOp } from './darts.js';
export { NB301_INPUT_NAMES, NB301_OP_CODES, NB301_PREFIX, nb301Edge, nb301InputPairs, toNb301Config, toNb301Encoding } from './darts-nb301.js';
export { ChainSpace, CHAIN_OPS, type ChainOp, type ChainSpaceOptions } from './chain.js';
export { NatsSizeSpace, NATS_SIZE_CHANNELS, NATS_SIZE_LAYERS } from './nats-size.js';
export { LayerwiseSpace, layerLabel } from './layerwise.js';
export { MbconvSpace, MBCONV_BLOCKS, type MbconvBlock, type MbconvSpaceOptions } from './mbconv.js';
export { FbnetSpace, FBNET_BLOCKS, type FbnetBlock, type FbnetSpaceOptions } from './fbnet.js';
export { SPACES, createSpace } from './registry.js';
