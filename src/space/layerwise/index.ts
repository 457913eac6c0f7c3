/**
 * The layer-wise spaces (a fixed backbone whose searchable layers each pick a block), in one place:
 * the shared space and its options (`space.ts`), ProxylessNAS' `mbconv` (`mbconv.ts`) and FBNet's
 * `fbnet` (`fbnet.ts`), all without the engine. The network (`network.ts`, both backbones in
 * `engine/nn` modules) is not re-exported here, so that importing a space never loads engine code:
 * it is reached through the network registry (`engine/models/networks.ts`) and `naskit/engine`.
 */
export { LayerwiseSpace, layerLabel, layerwiseOptions } from './space.js';
export { MbconvSpace, MBCONV_BLOCKS, type MbconvBlock, type MbconvSpaceOptions } from './mbconv.js';
export { FbnetSpace, FBNET_BLOCKS, type FbnetBlock, type FbnetSpaceOptions } from './fbnet.js';
