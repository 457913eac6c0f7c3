import { Nb201Network } from '../../space/nb201/network.js';
import { Generator } from '../../engine/ops/creation.js';
import type { Sample } from '../../space/types.js';
import type { NetworkBuilder } from './types.js';

/** Builds the NAS-Bench-201 network of `arch` (C, N as given; the benchmark's 16 and 5 by default), its weights drawn from `seed`. */
export function nb201Builder(arch: Sample | string, options: { numClasses: number; inChannels?: number; channels?: number; cells?: number; seed: number }): NetworkBuilder {
  return (dtype) => new Nb201Network(arch, { numClasses: options.numClasses, inChannels: options.inChannels ?? 3, channels: options.channels ?? 16, cells: options.cells ?? 5, generator: new Generator(options.seed), dtype });
}
