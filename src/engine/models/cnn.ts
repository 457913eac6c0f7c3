import type { Generator } from '../ops/creation.js';
import type { Tensor } from '../tensor.js';
import { Dropout, GlobalAvgPool2d, MaxPool2d, ReLU } from '../nn/basic.js';
import { Sequential } from '../nn/container.js';
import { Conv2d } from '../nn/conv.js';
import { Linear, type InitOptions } from '../nn/linear.js';
import { Layer } from '../nn/module.js';
import { BatchNorm2d } from '../nn/norm.js';

/** Options of {@link SmallCnn}. */
export interface SmallCnnOptions extends InitOptions {
  inChannels?: number;
  numClasses?: number;
  /** Width of the first block (C, default 16); the blocks have C, 2C, 4C channels. */
  channels?: number;
  /** Dropout before the classifier (default 0.2). */
  dropout?: number;
  /** Draws the dropout masks (default: libtorch's global generator, shared by every thread). */
  dropoutGenerator?: Generator | null;
}

/**
 * A small convolutional network for MNIST-sized and CIFAR-sized images: three blocks of
 * conv3x3-BN-ReLU (C, 2C, 4C channels) with 2x2 max pooling after the first two, a second
 * conv3x3-BN-ReLU in the last block, global average pooling, dropout and a linear classifier.
 */
export class SmallCnn extends Layer {
  readonly features: Sequential;
  readonly head: Sequential;

  constructor(options: SmallCnnOptions = {}) {
    super();
    const c = options.channels ?? 16;
    const init = { generator: options.generator, dtype: options.dtype };
    const block = (cin: number, cout: number): Layer[] => [new Conv2d(cin, cout, 3, { padding: 1, bias: false, ...init }), new BatchNorm2d(cout, { dtype: options.dtype }), new ReLU()];
    this.features = this.registerModule(
      'features',
      new Sequential(
        ...block(options.inChannels ?? 1, c),
        new MaxPool2d(2),
        ...block(c, 2 * c),
        new MaxPool2d(2),
        ...block(2 * c, 4 * c),
        ...block(4 * c, 4 * c),
      ),
    );
    this.head = this.registerModule('head', new Sequential(new GlobalAvgPool2d(), new Dropout(options.dropout ?? 0.2, { generator: options.dropoutGenerator ?? null }), new Linear(4 * c, options.numClasses ?? 10, init)));
  }

  forward(x: Tensor): Tensor {
    return this.head.forward(this.features.forward(x));
  }
}
