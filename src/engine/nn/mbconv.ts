import { add } from '../ops/elementwise.js';
import type { Tensor } from '../tensor.js';
import { ReLU } from './basic.js';
import { Sequential } from './container.js';
import { Conv2d } from './conv.js';
import type { InitOptions } from './linear.js';
import { Layer } from './module.js';
import { BatchNorm2d } from './norm.js';

/** Options of {@link MBConv}. */
export interface MBConvOptions extends InitOptions {
  /** Groups of the two 1x1 convolutions (FBNet's `_g2` blocks use 2; default 1). */
  groups?: number;
}

/**
 * The inverted-residual block of MobileNetV2, ProxylessNAS and FBNet: a 1x1 expansion to
 * `expansion`·cIn channels (left out when `expansion` is 1), BN, ReLU; a depthwise k×k convolution
 * with the stride, BN, ReLU; a 1x1 projection to cOut, BN; plus the input when the stride is 1 and
 * the channels agree. ReLU stands for the papers' ReLU6 (the engine's plain ReLU; a clip at 6 only
 * matters for quantisation). Member names: `expand`, `depthwise`, `project`.
 */
export class MBConv extends Layer {
  readonly expand: Sequential | null;
  readonly depthwise: Sequential;
  readonly project: Sequential;
  readonly residual: boolean;

  constructor(
    readonly cIn: number,
    readonly cOut: number,
    readonly kernel: number,
    readonly expansion: number,
    readonly stride: number,
    options: MBConvOptions = {},
  ) {
    super();
    if (!(expansion >= 1) || !Number.isInteger(kernel) || kernel % 2 !== 1) {
      throw new RangeError(`MBConv: need an odd kernel and expansion >= 1, got kernel ${kernel}, expansion ${expansion}`);
    }
    const groups = options.groups ?? 1;
    const init = { generator: options.generator, dtype: options.dtype };
    const mid = Math.round(cIn * expansion);
    this.expand =
      expansion === 1
        ? null
        : this.registerModule('expand', new Sequential(new Conv2d(cIn, mid, 1, { groups, bias: false, ...init }), new BatchNorm2d(mid, { dtype: options.dtype }), new ReLU()));
    this.depthwise = this.registerModule(
      'depthwise',
      new Sequential(new Conv2d(mid, mid, kernel, { stride, padding: (kernel - 1) / 2, groups: mid, bias: false, ...init }), new BatchNorm2d(mid, { dtype: options.dtype }), new ReLU()),
    );
    this.project = this.registerModule('project', new Sequential(new Conv2d(mid, cOut, 1, { groups, bias: false, ...init }), new BatchNorm2d(cOut, { dtype: options.dtype })));
    this.residual = stride === 1 && cIn === cOut;
  }

  forward(x: Tensor): Tensor {
    const hidden = this.expand ? this.expand.forward(x) : x;
    const y = this.project.forward(this.depthwise.forward(hidden));
    return this.residual ? add(x, y) : y;
  }
}
