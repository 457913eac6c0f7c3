import { LayerwiseSpace } from './space.js';

/**
 * The nine FBNet blocks, in the order of the FBNet paper's table: `k{kernel}_e{expansion}`, `_g2` for
 * grouped 1×1 convolutions (2 groups), and `skip`. These are the names of `fbnet_latency_ms.csv`.
 */
export const FBNET_BLOCKS = ['k3_e1', 'k3_e1_g2', 'k3_e3', 'k3_e6', 'k5_e1', 'k5_e1_g2', 'k5_e3', 'k5_e6', 'skip'] as const;
/** One FBNet block choice (kernel, expansion, group). */
export type FbnetBlock = (typeof FBNET_BLOCKS)[number];

/** Options of {@link FbnetSpace}. */
export interface FbnetSpaceOptions {
  /** Number of searchable layers (default 22, as FBNet). */
  layers?: number;
}

/**
 * The FBNet search space: 22 searchable layers, each one of 9 blocks (9^22 ≈ 9.8e20 architectures).
 * Labels `layer_0 … layer_21`; the text form is the `ops` column of `fbnet_latency_ms.csv`
 * (the blocks joined by single spaces).
 */
export class FbnetSpace extends LayerwiseSpace {
  readonly name = 'fbnet';
  readonly description: string;

  constructor(options: FbnetSpaceOptions = {}) {
    super(options.layers ?? 22, FBNET_BLOCKS);
    this.description = `FBNet: ${this.layers} layers x 9 blocks (k3/k5, expansion 1/3/6, grouped 1x1, skip)`;
  }
}
