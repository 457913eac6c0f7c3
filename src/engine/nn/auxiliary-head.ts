import { relu } from '../ops/elementwise.js';
import { adaptiveAvgPool2d } from '../ops/nn.js';
import { flatten } from '../ops/shape.js';
import type { Tensor } from '../tensor.js';
import { ReLU } from './basic.js';
import { Sequential } from './container.js';
import { Conv2d } from './conv.js';
import { Linear, type InitOptions } from './linear.js';
import { Layer } from './module.js';
import { BatchNorm2d } from './norm.js';

/**
 * DARTS' auxiliary classifier (`AuxiliaryHeadCIFAR`), fed from the cell at 2/3 of the depth during
 * training: ReLU, pooling to 2×2, 1x1 conv to 128 + BN + ReLU, 2x2 conv to 768 + BN + ReLU, linear.
 * DARTS pools with a 5×5 window at stride 3, which gives 2×2 only on an 8×8 map (CIFAR-sized
 * input); adaptive pooling to 2×2 gives the same shape at any input size and the same parameters.
 */
export class AuxiliaryHead extends Layer {
  readonly features: Sequential;
  readonly classifier: Linear;
  constructor(cIn: number, numClasses: number, options: InitOptions = {}) {
    super();
    const init = { generator: options.generator, dtype: options.dtype };
    this.features = this.registerModule(
      'features',
      new Sequential(
        new Conv2d(cIn, 128, 1, { bias: false, ...init }),
        new BatchNorm2d(128, { dtype: options.dtype }),
        new ReLU(),
        new Conv2d(128, 768, 2, { bias: false, ...init }),
        new BatchNorm2d(768, { dtype: options.dtype }),
        new ReLU(),
      ),
    );
    this.classifier = this.registerModule('classifier', new Linear(768, numClasses, init));
  }
  forward(x: Tensor): Tensor {
    return this.classifier.forward(flatten(this.features.forward(adaptiveAvgPool2d(relu(x), 2)), 1, -1));
  }
}

/**
 * A network with an auxiliary classifier: after a training-mode forward pass it holds the auxiliary
 * logits, which `trainClassifier` adds to the loss with weight `auxiliaryWeight` (and then clears).
 */
export interface AuxiliaryOutput {
  readonly auxiliaryWeight: number;
  /** The auxiliary logits of the last training-mode forward pass, or null; reading clears them. */
  takeAuxiliaryLogits(): Tensor | null;
}

/** Whether `model` has an auxiliary classifier. */
export function hasAuxiliaryOutput(model: object): model is AuxiliaryOutput {
  return typeof (model as Partial<AuxiliaryOutput>).takeAuxiliaryLogits === 'function';
}
