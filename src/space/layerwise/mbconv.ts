import { LayerwiseSpace } from './space.js';

/** The seven choices of a searchable MBConv layer: kernel 3/5/7 × expansion 3/6, or skip. */
export const MBCONV_BLOCKS = ['k3_e3', 'k3_e6', 'k5_e3', 'k5_e6', 'k7_e3', 'k7_e6', 'skip'] as const;
/** One MBConv block choice (kernel and expansion), or `skip`. */
export type MbconvBlock = (typeof MBCONV_BLOCKS)[number];

/** Options of {@link MbconvSpace}. */
export interface MbconvSpaceOptions {
  /** Number of searchable layers (default 21, as ProxylessNAS' mobile space). */
  layers?: number;
}

/**
 * The layer-wise MBConv space of ProxylessNAS (and of FBNet-like searches): each searchable layer is
 * an inverted-residual block `k{kernel}_e{expansion}` (kernel 3, 5 or 7; expansion 3 or 6) or `skip`
 * (identity, the layer removed). Labels `layer_0 … layer_20`; text form the 21 blocks joined by spaces.
 * Every layer may be `skip` here; the network builder decides what a skip means at a stride change.
 */
export class MbconvSpace extends LayerwiseSpace {
  readonly name = 'mbconv';
  readonly description: string;

  constructor(options: MbconvSpaceOptions = {}) {
    super(options.layers ?? 21, MBCONV_BLOCKS);
    this.description = `layer-wise MBConv (ProxylessNAS): ${this.layers} layers x 7 blocks (kernel 3/5/7 x expansion 3/6, or skip)`;
  }
}
