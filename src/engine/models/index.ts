/**
 * The models naskit trains: the small CNN, and the network of every trainable space, which lives
 * beside its space (`space/<name>/network.ts`) and is re-exported here; `networks.ts` maps a space's
 * name to its network's builder, `model-space.ts` builds a model space's network.
 */
export { SmallCnn, type SmallCnnOptions } from './cnn.js';
export { Nb201Network, Nb201Cell, nb201Operation, type Nb201NetworkOptions } from '../../space/nb201/network.js';
export { DartsNetwork, DartsCell, dartsOperation, type DartsNetworkOptions } from '../../space/darts/network.js';
export { Nb101Network, Nb101Cell, convBnRelu, nb101VertexChannels, type Nb101NetworkOptions } from '../../space/nb101/network.js';
export { ChainNetwork, ChainLayer, chainOperation, type ChainNetworkOptions } from '../../space/chain/network.js';
export { NatsSizeNetwork, NATS_SIZE_CELL, type NatsSizeNetworkOptions } from '../../space/nats-size/network.js';
export { LayerwiseNetwork, PROXYLESS_BACKBONE, FBNET_BACKBONE, layerwiseBlock, scaleChannels, stageLayers, type LayerwiseBackbone, type LayerwiseStage, type LayerwiseNetworkOptions } from '../../space/layerwise/network.js';
export { buildModelSpaceNetwork } from './model-space.js';
export { buildNetwork, isTrainable, trainableSpaceNames, type NetworkIo } from './networks.js';
