import { Nb201Network } from './models/nb201.js';
import { SmallCnn } from './models/cnn.js';
import type { Layer } from './nn/module.js';
import { Generator } from './ops/creation.js';

/**
 * A model described as plain data, so that it can cross a thread boundary (postMessage) and be
 * built there: the same spec gives the same initial weights and dropout masks in any thread.
 */
export type ModelSpec =
  | { kind: 'cnn'; inChannels: number; numClasses: number; channels?: number; dropout?: number; seed: number }
  | { kind: 'nb201'; arch: string; inChannels: number; numClasses: number; channels?: number; cells?: number; seed: number };

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
    default:
      throw new RangeError(`buildModel: unknown model kind ${JSON.stringify((spec as { kind: unknown }).kind)}; valid: cnn, nb201`);
  }
}
