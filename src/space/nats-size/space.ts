import { SampleError } from '../../errors.js';
import { Categorical } from '../choice.js';
import { ProductSpace } from '../product-space.js';
import type { Sample } from '../types.js';

/** The channel counts a NATS-Bench size-space layer chooses from. */
export const NATS_SIZE_CHANNELS = [8, 16, 24, 32, 40, 48, 56, 64] as const;

/** Number of layers whose width is searched. */
export const NATS_SIZE_LAYERS = 5;

const channelLabel = (i: number): string => `channels_${i}`;

/**
 * The NATS-Bench size search space ("sss"): a fixed cell topology whose 5 layers each take one of 8
 * channel counts {8, 16, …, 64}; 8^5 = 32,768 architectures. Labels `channels_0 … channels_4`;
 * the text form is the official `64:32:16:8:64` (channels joined by ':').
 */
export class NatsSizeSpace extends ProductSpace {
  readonly name = 'nats-size';
  readonly description = 'NATS-Bench size space: 5 layers x channels {8,16,...,64} (32,768 architectures)';

  constructor() {
    super(Array.from({ length: NATS_SIZE_LAYERS }, (_, i) => new Categorical<number>(channelLabel(i), NATS_SIZE_CHANNELS)));
  }

  size(): number {
    return NATS_SIZE_CHANNELS.length ** NATS_SIZE_LAYERS;
  }

  /** The channel count of layer `i`. */
  channels(sample: Sample, i: number): number {
    return sample[channelLabel(i)] as number;
  }

  format(sample: Sample): string {
    return Array.from({ length: NATS_SIZE_LAYERS }, (_, i) => this.channels(sample, i)).join(':');
  }

  parse(text: string): Sample {
    const expected = `the form 64:32:16:8:64 (${NATS_SIZE_LAYERS} channel counts joined by ':', each one of ${NATS_SIZE_CHANNELS.join(', ')})`;
    if (typeof text !== 'string') throw new SampleError('SAMPLE_BAD_STRING', `nats-size: an architecture must be a string of ${expected}, got ${JSON.stringify(text)}`);
    const parts = text.trim().split(':');
    if (parts.length !== NATS_SIZE_LAYERS) {
      throw new SampleError('SAMPLE_BAD_STRING', `nats-size: ${JSON.stringify(text)} has ${parts.length} parts, expected ${expected}`);
    }
    const out: Record<string, number> = {};
    parts.forEach((part, i) => {
      const value = /^\d+$/.test(part) ? Number(part) : NaN;
      if (!(NATS_SIZE_CHANNELS as readonly number[]).includes(value)) {
        throw new SampleError('SAMPLE_INVALID_VALUE', `nats-size: channel count ${JSON.stringify(part)} of layer ${i} is not valid; valid: ${NATS_SIZE_CHANNELS.join(', ')}`, channelLabel(i));
      }
      out[channelLabel(i)] = value;
    });
    return this.freeze(out);
  }
}
