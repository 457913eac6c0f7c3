import { SampleError } from '../../errors.js';
import { Categorical } from '../choice.js';
import type { OptionSpecs, SpaceOptions } from '../options.js';
import { ProductSpace } from '../product-space.js';
import type { Sample } from '../types.js';

/**
 * Options of the layer-wise spaces (`mbconv`, `fbnet`): the number of searchable layers (scaled by
 * `depth_mult`) and the network's width and input-resolution multipliers.
 */
export function layerwiseOptions(defaultLayers: number): OptionSpecs {
  return {
    layers: { kind: 'int', default: defaultLayers, min: 1, max: 64, doc: 'searchable layers before the depth multiplier' },
    depth_mult: { kind: 'number', default: 1, min: 0.05, max: 4, doc: 'depth multiplier: the space has round(layers x depth_mult) searchable layers (at least one per stage)' },
    width_mult: { kind: 'number', default: 1, min: 0.05, max: 4, doc: 'width multiplier of every layer (rounded to multiples of 8)' },
    resolution_mult: { kind: 'number', default: 1, min: 0.05, max: 1, reciprocalInteger: true, doc: 'input resolution multiplier: 1, 1/2, 1/4, ... (average pooling of the input)' },
  };
}

/**
 * Stages of the layer-wise networks' backbones (`network.ts`: ProxylessNAS' 6, FBNet's 7; a test
 * keeps them equal): every stage needs at least one searchable layer.
 */
export const LAYERWISE_STAGES = { mbconv: 6, fbnet: 7 } as const;

/** The searchable layers of a layer-wise space after the depth multiplier (resolved options): at least one per stage, as the option's doc says. */
export function layerwiseDepth(options: SpaceOptions, stages: number): number {
  return Math.max(stages, Math.round((options.layers as number) * (options.depth_mult as number)));
}

/** The label of searchable layer `i` in a layer-wise space. */
export const layerLabel = (i: number): string => `layer_${i}`;

/**
 * A layer-wise macro space (FBNet, ProxylessNAS, MnasNet style): a fixed backbone whose searchable
 * layers each pick one block from the same list. Labels are `layer_0 … layer_{L-1}`; the text form
 * is the blocks joined by single spaces, as FBNet's published architecture lists are.
 */
export abstract class LayerwiseSpace extends ProductSpace {
  /** The blocks every searchable layer chooses from. */
  readonly blocks: readonly string[];
  /** Number of searchable layers. */
  readonly layers: number;

  protected constructor(layers: number, blocks: readonly string[]) {
    if (!Number.isInteger(layers) || layers < 1) throw new RangeError(`layer-wise space: layers must be a positive integer, got ${layers}`);
    super(Array.from({ length: layers }, (_, i) => new Categorical<string>(layerLabel(i), blocks)));
    this.blocks = Object.freeze(blocks.slice());
    this.layers = layers;
  }

  /** blocks^layers; beyond 2^53 this is the nearest double (see {@link LayerwiseSpace.exactSize}). */
  size(): number {
    return this.blocks.length ** this.layers;
  }

  /** The exact number of architectures. */
  exactSize(): bigint {
    return BigInt(this.blocks.length) ** BigInt(this.layers);
  }

  /** The block of layer `i`. */
  block(sample: Sample, i: number): string {
    return sample[layerLabel(i)] as string;
  }

  format(sample: Sample): string {
    return Array.from({ length: this.layers }, (_, i) => this.block(sample, i)).join(' ');
  }

  parse(text: string): Sample {
    if (typeof text !== 'string') {
      throw new SampleError('SAMPLE_BAD_STRING', `${this.name}: an architecture must be a string of ${this.layers} blocks separated by spaces, got ${JSON.stringify(text)}`);
    }
    const parts = text.trim().split(/\s+/).filter((p) => p !== '');
    if (parts.length !== this.layers) {
      throw new SampleError(
        'SAMPLE_BAD_STRING',
        `${this.name}: ${JSON.stringify(text)} has ${parts.length} blocks, need ${this.layers} separated by spaces, each one of ${this.blocks.join(', ')}`,
      );
    }
    const out: Record<string, string> = {};
    parts.forEach((block, i) => {
      if (!this.blocks.includes(block)) {
        throw new SampleError('SAMPLE_INVALID_VALUE', `${this.name}: unknown block ${JSON.stringify(block)} at layer ${i}; valid: ${this.blocks.join(', ')}`, layerLabel(i));
      }
      out[layerLabel(i)] = block;
    });
    return this.freeze(out);
  }
}
