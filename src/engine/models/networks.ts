import { ConfigError } from '../../errors.js';
import { buildChainNetwork } from '../../space/chain/network.js';
import { buildDartsNetwork } from '../../space/darts/network.js';
import { buildFbnetNetwork, buildMbconvNetwork } from '../../space/layerwise/network.js';
import { ModelSpace } from '../../space/model-space.js';
import { buildNatsSizeNetwork } from '../../space/nats-size/network.js';
import { buildNb101Network } from '../../space/nb101/network.js';
import { buildNb201Network } from '../../space/nb201/network.js';
import type { Sample, Space } from '../../space/types.js';
import type { Layer } from '../nn/module.js';
import { buildModelSpaceNetwork, type NetworkIo } from './model-space.js';

export type { NetworkIo } from './model-space.js';

type Builder = (space: Space, sample: Sample, io: NetworkIo) => Layer;

/** Registered space name → the builder of its network (the space's options give the network's settings). */
const NETWORKS: Readonly<Record<string, Builder>> = {
  nb201: buildNb201Network,
  nb101: buildNb101Network,
  darts: buildDartsNetwork,
  chain: buildChainNetwork,
  'nats-size': buildNatsSizeNetwork,
  mbconv: buildMbconvNetwork,
  fbnet: buildFbnetNetwork,
};

/** Whether naskit can build (and so train) the networks of `space`. */
export function isTrainable(space: Space): boolean {
  return space instanceof ModelSpace || space.name in NETWORKS;
}

/** Names of the registered spaces whose networks naskit builds. */
export function trainableSpaceNames(): string[] {
  return Object.keys(NETWORKS);
}

/**
 * The network of `sample` in `space` (a registered space with its options, or a model space written
 * with the choice primitives), for images of `io.inChannels` channels and `io.numClasses` classes.
 */
export function buildNetwork(space: Space, sample: Sample, io: NetworkIo): Layer {
  const frozen = space.freeze(sample);
  if (space instanceof ModelSpace) return buildModelSpaceNetwork(space, frozen, io);
  const builder = NETWORKS[space.name];
  if (!builder) throw new ConfigError('SPACE_NOT_TRAINABLE', `space ${space.name} has no network naskit can build; trainable: ${trainableSpaceNames().join(', ')}, or a model space written with the choice primitives`);
  return builder(space, frozen, io);
}
