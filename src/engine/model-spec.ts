import { Nb201Network } from '../space/nb201/network.js';
import { SmallCnn } from './models/cnn.js';
import { buildNetwork } from './models/networks.js';
import type { Layer } from './nn/module.js';
import { Generator } from './ops/creation.js';
import { createSpace } from '../space/registry.js';
import { ModelSpace, type ModelSpaceDefinition } from '../space/model-space.js';
import type { Space, Value } from '../space/types.js';

/**
 * A model described as plain data, so that it can cross a thread boundary (postMessage) and be
 * built there: the same spec gives the same initial weights and dropout masks in any thread.
 * `space` names a registered space with its options (any trainable one: nb201, darts, nb101, chain,
 * nats-size, mbconv, fbnet); `model-space` carries a model space written with the choice primitives.
 * `arch` is the space's text form of the architecture (`Space.format`).
 */
export type ModelSpec =
  | { kind: 'cnn'; inChannels: number; numClasses: number; channels?: number; dropout?: number; seed: number }
  | { kind: 'nb201'; arch: string; inChannels: number; numClasses: number; channels?: number; cells?: number; seed: number }
  | { kind: 'space'; space: string; options: Readonly<Record<string, Value>>; arch: string; inChannels: number; numClasses: number; seed: number }
  | { kind: 'model-space'; definition: ModelSpaceDefinition; arch: string; inChannels: number; numClasses: number; seed: number };

/** The spec of `space`'s network for architecture `arch` (its text form), for `buildModel` here or in a worker. */
export function networkSpec(space: Space, arch: string, io: { inChannels: number; numClasses: number; seed: number }): ModelSpec {
  if (space instanceof ModelSpace) return { kind: 'model-space', definition: space.definition(), arch, ...io };
  return { kind: 'space', space: space.name, options: { ...(space.options ?? {}) }, arch, ...io };
}

/** Builds the model a {@link ModelSpec} describes, its weights drawn from `new Generator(spec.seed)`. */
export function buildModel(spec: ModelSpec): Layer {
  const generator = new Generator(spec.seed);
  switch (spec.kind) {
    case 'cnn':
      // Dropout masks continue the init generator's stream: the run depends on the spec alone, not on
      // libtorch's global generator that other threads may draw from.
      return new SmallCnn({ inChannels: spec.inChannels, numClasses: spec.numClasses, channels: spec.channels, dropout: spec.dropout, generator, dropoutGenerator: generator });
    case 'nb201':
      return new Nb201Network(spec.arch, { inChannels: spec.inChannels, numClasses: spec.numClasses, channels: spec.channels, cells: spec.cells, generator });
    case 'space': {
      const space = createSpace(spec.space, spec.options);
      return buildNetwork(space, space.parse(spec.arch), { inChannels: spec.inChannels, numClasses: spec.numClasses, generator });
    }
    case 'model-space': {
      const space = ModelSpace.fromDefinition(spec.definition);
      return buildNetwork(space, space.parse(spec.arch), { inChannels: spec.inChannels, numClasses: spec.numClasses, generator });
    }
    default:
      throw new RangeError(`buildModel: unknown model kind ${JSON.stringify((spec as { kind: unknown }).kind)}; valid: cnn, nb201, space, model-space`);
  }
}
