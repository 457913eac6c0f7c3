import { add, mul } from '../ops/elementwise.js';
import { avgPool2d, maxPool2d } from '../ops/nn.js';
import { zeros } from '../ops/creation.js';
import { pad } from '../ops/shape.js';
import { cat, narrow } from '../ops/shape.js';
import type { Tensor } from '../tensor.js';
import { AvgPool2d, ReLU } from './basic.js';
import { Sequential } from './container.js';
import { Conv2d } from './conv.js';
import type { InitOptions } from './linear.js';
import { Layer } from './module.js';
import { BatchNorm2d } from './norm.js';

/**
 * The operations of cell-based NAS spaces, as the NAS-Bench-201 code (xautodl) defines them, with the
 * same member names so that state dicts line up. Convolutions have no bias (BatchNorm follows).
 */

/** ReLU → Conv(k, stride, padding, dilation) → BN: NAS-Bench-201's nor_conv_kxk. */
export class ReLUConvBN extends Layer {
  readonly op: Sequential;
  constructor(cIn: number, cOut: number, kernel: number, stride: number, padding: number, dilation = 1, options: InitOptions = {}) {
    super();
    this.op = this.registerModule('op', new Sequential(new ReLU(), new Conv2d(cIn, cOut, kernel, { stride, padding, dilation, bias: false, ...options }), new BatchNorm2d(cOut, { dtype: options.dtype })));
  }
  forward(x: Tensor): Tensor {
    return this.op.forward(x);
  }
}

/** ReLU → depthwise Conv(k, dilation) → pointwise Conv → BN (DARTS' dil_conv with dilation 2). */
export class SepConv extends Layer {
  readonly op: Sequential;
  constructor(cIn: number, cOut: number, kernel: number, stride: number, padding: number, dilation = 1, options: InitOptions = {}) {
    super();
    this.op = this.registerModule(
      'op',
      new Sequential(
        new ReLU(),
        new Conv2d(cIn, cIn, kernel, { stride, padding, dilation, groups: cIn, bias: false, ...options }),
        new Conv2d(cIn, cOut, 1, { bias: false, ...options }),
        new BatchNorm2d(cOut, { dtype: options.dtype }),
      ),
    );
  }
  forward(x: Tensor): Tensor {
    return this.op.forward(x);
  }
}

/** A dilated separable convolution (DARTS' dil_conv_3x3: kernel 3, dilation 2, padding 2). */
export class DilConv extends SepConv {}

/** Two separable convolutions in a row, the first with the stride (DARTS' sep_conv_kxk). */
export class DualSepConv extends Layer {
  readonly opA: SepConv;
  readonly opB: SepConv;
  constructor(cIn: number, cOut: number, kernel: number, stride: number, padding: number, options: InitOptions = {}) {
    super();
    this.opA = this.registerModule('op_a', new SepConv(cIn, cIn, kernel, stride, padding, 1, options));
    this.opB = this.registerModule('op_b', new SepConv(cIn, cOut, kernel, 1, padding, 1, options));
  }
  forward(x: Tensor): Tensor {
    return this.opB.forward(this.opA.forward(x));
  }
}

/** The `none` operation: zeros of the output's shape (strided, and with cOut channels). */
export class Zero extends Layer {
  constructor(
    readonly cIn: number,
    readonly cOut: number,
    readonly stride: number,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    if (this.cIn === this.cOut && this.stride === 1) return mul(x, 0);
    const [n, , h, w] = x.shape;
    return zeros([n, this.cOut, Math.ceil(h / this.stride), Math.ceil(w / this.stride)], x.dtype);
  }
}

/** Halves the resolution with two offset 1x1 convolutions whose outputs are concatenated (skip at stride 2). */
export class FactorizedReduce extends Layer {
  readonly convs: Conv2d[] = [];
  readonly conv: Conv2d | null = null;
  readonly bn: BatchNorm2d;
  constructor(
    cIn: number,
    cOut: number,
    readonly stride: number,
    options: InitOptions = {},
  ) {
    super();
    if (stride === 2) {
      const halves = [Math.floor(cOut / 2), cOut - Math.floor(cOut / 2)];
      halves.forEach((c, i) => this.convs.push(this.registerModule(`conv_${i}`, new Conv2d(cIn, c, 1, { stride: 2, bias: false, ...options }))));
    } else if (stride === 1) {
      this.conv = this.registerModule('conv', new Conv2d(cIn, cOut, 1, { bias: false, ...options }));
    } else throw new RangeError(`FactorizedReduce: stride must be 1 or 2, got ${stride}`);
    this.bn = this.registerModule('bn', new BatchNorm2d(cOut, { dtype: options.dtype }));
  }
  forward(x: Tensor): Tensor {
    if (this.conv) return this.bn.forward(this.conv.forward(x));
    const r = x.relu();
    const shifted = pad(r, [0, 1, 0, 1]);
    const [, , h, w] = shifted.shape;
    const offset = narrow(narrow(shifted, 2, 1, h - 1), 3, 1, w - 1);
    return this.bn.forward(cat([this.convs[0].forward(r), this.convs[1].forward(offset)], 1));
  }
}

/** 3x3 average pooling over real pixels (NAS-Bench-201's avg_pool_3x3); a 1x1 ReLUConvBN first when channels change. */
export class Pooling extends Layer {
  readonly preprocess: ReLUConvBN | null;
  readonly pool: AvgPool2d;
  constructor(cIn: number, cOut: number, stride: number, options: InitOptions = {}) {
    super();
    this.preprocess = cIn === cOut ? null : this.registerModule('preprocess', new ReLUConvBN(cIn, cOut, 1, 1, 0, 1, options));
    this.pool = this.registerModule('op', new AvgPool2d(3, stride, 1, false));
  }
  forward(x: Tensor): Tensor {
    return this.pool.forward(this.preprocess ? this.preprocess.forward(x) : x);
  }
}

/**
 * The input of a 2x2 stride-2 pooling that halves a side of n pixels to ceil(n/2), as a 3x3
 * stride-2 convolution (padding 1) does, and never to 0: an odd side gets its last row (column)
 * repeated, so the last window pools that pixel alone. That is TF's `padding='same'` and PyTorch's
 * `ceil_mode=True` for max and average pooling; at even sides nothing changes. Plain 2x2 pooling
 * floors instead: 7 pixels give 3, and in a residual block (whose main path gives 4) the two paths
 * no longer add, as in xautodl's NAS-Bench-201 code.
 */
function repeatOddEnds(x: Tensor): Tensor {
  const [h, w] = x.shape.slice(-2);
  let y = x;
  if (h % 2 === 1) y = cat([y, narrow(y, 2, h - 1, 1)], 2);
  if (w % 2 === 1) y = cat([y, narrow(y, 3, w - 1, 1)], 3);
  return y;
}

/** 2x2 average pooling, stride 2, halving odd sides to ceil(n/2) (see `repeatOddEnds`): the shortcut of a stride-2 {@link ResNetBasicBlock}. */
export class HalvingAvgPool extends Layer {
  forward(x: Tensor): Tensor {
    return avgPool2d(repeatOddEnds(x), 2, { stride: 2 });
  }
}

/** 2x2 max pooling, stride 2, halving odd sides to ceil(n/2) (see `repeatOddEnds`): NAS-Bench-101's pooling between stacks (the benchmark's TF `padding='same'`). */
export class HalvingMaxPool extends Layer {
  forward(x: Tensor): Tensor {
    return maxPool2d(repeatOddEnds(x), 2, { stride: 2 });
  }
}

/**
 * The residual reduction block between NAS-Bench-201 stages: two 3x3 ReLUConvBN (the first with the
 * stride) plus a shortcut (2x2 average pooling and a 1x1 convolution at stride 2). Any input size
 * works: an odd side halves to ceil(n/2) on both paths ({@link HalvingAvgPool}).
 */
export class ResNetBasicBlock extends Layer {
  readonly convA: ReLUConvBN;
  readonly convB: ReLUConvBN;
  readonly downsample: Sequential | ReLUConvBN | null;
  constructor(inPlanes: number, planes: number, stride: number, options: InitOptions = {}) {
    super();
    if (stride !== 1 && stride !== 2) throw new RangeError(`ResNetBasicBlock: stride must be 1 or 2, got ${stride}`);
    this.convA = this.registerModule('conv_a', new ReLUConvBN(inPlanes, planes, 3, stride, 1, 1, options));
    this.convB = this.registerModule('conv_b', new ReLUConvBN(planes, planes, 3, 1, 1, 1, options));
    if (stride === 2) {
      this.downsample = this.registerModule('downsample', new Sequential(new HalvingAvgPool(), new Conv2d(inPlanes, planes, 1, { bias: false, ...options })));
    } else if (inPlanes !== planes) {
      this.downsample = this.registerModule('downsample', new ReLUConvBN(inPlanes, planes, 1, 1, 0, 1, options));
    } else this.downsample = null;
  }
  forward(x: Tensor): Tensor {
    const residual = this.downsample ? this.downsample.forward(x) : x;
    return add(residual, this.convB.forward(this.convA.forward(x)));
  }
}
