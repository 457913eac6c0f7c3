import { SampleError } from '../../errors.js';
import { Categorical } from '../choice.js';
import type { OptionSpecs } from '../options.js';
import { ProductSpace } from '../product-space.js';
import type { Leaf, Sample } from '../types.js';

/** The operations a layer of the chain space chooses from (ENAS macro space's six). */
export const CHAIN_OPS = ['conv3x3', 'conv5x5', 'sepconv3x3', 'sepconv5x5', 'maxpool3x3', 'avgpool3x3'] as const;
/** One operation of a chain layer. */
export type ChainOp = (typeof CHAIN_OPS)[number];

/** Options of {@link ChainSpace}. */
export interface ChainSpaceOptions {
  /** Number of layers (default 12, as the ENAS macro space). */
  layers?: number;
}

/** Options of the chain space: its depth and its network's width. */
export const CHAIN_OPTIONS: OptionSpecs = {
  layers: { kind: 'int', default: 12, min: 1, max: 40, doc: 'layers (the space has 6 operations per layer and a skip bit per earlier layer)' },
  channels: { kind: 'int', default: 24, min: 1, max: 512, doc: 'channels of every layer' },
};

const opLabel = (j: number): string => `layer_${j}.op`;
const skipLabel = (j: number, i: number): string => `layer_${j}.skip_${i}`;

/**
 * A chain-structured macro space (NAS-RL / ENAS macro): L layers in sequence, each with one of six
 * operations, and for each layer j a skip connection on/off from every earlier layer i < j
 * (as ENAS, the bit for i = j−1 is included although that layer already feeds j).
 * Labels `layer_j.op`, `layer_j.skip_i`. Text form: the layers separated by spaces, layer j written
 * `op:bits` with bit i = skip from layer i (layer 0 has no bits), e.g. `conv3x3 sepconv5x5:1 maxpool3x3:01`.
 */
export class ChainSpace extends ProductSpace {
  readonly name = 'chain';
  readonly description: string;
  /** Number of layers. */
  readonly layers: number;

  constructor(options: ChainSpaceOptions = {}) {
    const layers = options.layers ?? 12;
    if (!Number.isInteger(layers) || layers < 1) throw new RangeError(`ChainSpace: layers must be a positive integer, got ${layers}`);
    const leaves: Leaf[] = [];
    for (let j = 0; j < layers; j++) {
      leaves.push(new Categorical<string>(opLabel(j), CHAIN_OPS));
      for (let i = 0; i < j; i++) leaves.push(new Categorical<boolean>(skipLabel(j, i), [false, true]));
    }
    super(leaves);
    this.layers = layers;
    this.description = `chain macro space (NAS-RL/ENAS): ${layers} layers x 6 operations + skip connections`;
  }

  /** 6^L · 2^(L(L−1)/2); beyond 2^53 the nearest double (see {@link ChainSpace.exactSize}). */
  size(): number {
    return Number(this.exactSize());
  }

  /** The exact number of architectures. */
  exactSize(): bigint {
    const l = BigInt(this.layers);
    return BigInt(CHAIN_OPS.length) ** l * 2n ** ((l * (l - 1n)) / 2n);
  }

  /** The operation of layer `j`. */
  op(sample: Sample, j: number): ChainOp {
    return sample[opLabel(j)] as ChainOp;
  }

  /** Whether layer `j` takes a skip connection from layer `i` (i < j). */
  skip(sample: Sample, j: number, i: number): boolean {
    return sample[skipLabel(j, i)] as boolean;
  }

  format(sample: Sample): string {
    const parts: string[] = [];
    for (let j = 0; j < this.layers; j++) {
      let bits = '';
      for (let i = 0; i < j; i++) bits += this.skip(sample, j, i) ? '1' : '0';
      parts.push(j === 0 ? this.op(sample, j) : `${this.op(sample, j)}:${bits}`);
    }
    return parts.join(' ');
  }

  parse(text: string): Sample {
    const form = `${this.layers} layers separated by spaces, layer j written op:bits (j bits, bit i = skip from layer i; layer 0 just op), op one of ${CHAIN_OPS.join(', ')}`;
    if (typeof text !== 'string') throw new SampleError('SAMPLE_BAD_STRING', `chain: an architecture must be a string of ${form}; got ${JSON.stringify(text)}`);
    const parts = text.trim().split(/\s+/).filter((p) => p !== '');
    if (parts.length !== this.layers) throw new SampleError('SAMPLE_BAD_STRING', `chain: ${JSON.stringify(text)} has ${parts.length} layers; expected ${form}`);
    const out: Record<string, string | boolean> = {};
    parts.forEach((part, j) => {
      const [op, bits = '', ...rest] = part.split(':');
      if (!(CHAIN_OPS as readonly string[]).includes(op)) {
        throw new SampleError('SAMPLE_INVALID_VALUE', `chain: unknown operation ${JSON.stringify(op)} in layer ${j}; valid: ${CHAIN_OPS.join(', ')}`, opLabel(j));
      }
      if (rest.length > 0 || !/^[01]*$/.test(bits) || bits.length !== j) {
        throw new SampleError('SAMPLE_BAD_STRING', `chain: layer ${j} ${JSON.stringify(part)} must read op:bits with exactly ${j} bits of 0/1; expected ${form}`, j === 0 ? opLabel(0) : skipLabel(j, 0));
      }
      out[opLabel(j)] = op;
      for (let i = 0; i < j; i++) out[skipLabel(j, i)] = bits[i] === '1';
    });
    return this.freeze(out);
  }
}
