import { NativeError } from '../../errors.js';
import { engine } from '../binding.js';
import { Tensor } from '../tensor.js';
import { handle, requireFloating, requireInteger, shapeText } from './check.js';

/** How a loss combines per-element values. */
export type Reduction = 'none' | 'mean' | 'sum';
const REDUCTIONS: readonly Reduction[] = ['none', 'mean', 'sum'];

function reductionCode(reduction: Reduction, op: string): number {
  const code = REDUCTIONS.indexOf(reduction);
  if (code < 0) throw new RangeError(`${op}: reduction ${JSON.stringify(reduction)} is not one of ${REDUCTIONS.join(', ')}`);
  return code;
}

/** Options of {@link crossEntropy}. */
export interface CrossEntropyOptions {
  /** Mixes the one-hot target with the uniform distribution (0 = none), as PyTorch's label_smoothing. */
  labelSmoothing?: number;
  reduction?: Reduction;
}

/** Cross entropy of logits [N, C] against integer class targets [N]. */
export function crossEntropy(logits: Tensor, targets: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const hl = handle(logits, 'crossEntropy', 'logits');
  const ht = handle(targets, 'crossEntropy', 'targets');
  requireFloating(logits, 'crossEntropy', 'logits');
  requireInteger(targets, 'crossEntropy', 'targets');
  if (logits.ndim !== 2 || targets.ndim !== 1 || targets.shape[0] !== logits.shape[0]) {
    throw new NativeError('SHAPE_MISMATCH', `crossEntropy: logits ${shapeText(logits.shape)} must be [N, C] and targets ${shapeText(targets.shape)} [N]`);
  }
  const smoothing = options.labelSmoothing ?? 0;
  if (!(smoothing >= 0 && smoothing <= 1)) throw new RangeError(`crossEntropy: labelSmoothing must be in [0, 1], got ${smoothing}`);
  return new Tensor(engine().crossEntropy(hl, ht, smoothing, reductionCode(options.reduction ?? 'mean', 'crossEntropy')));
}

/** Negative log-likelihood of log-probabilities [N, C] at integer targets [N]. */
export function nllLoss(logProbs: Tensor, targets: Tensor, reduction: Reduction = 'mean'): Tensor {
  const hl = handle(logProbs, 'nllLoss', 'logProbs');
  const ht = handle(targets, 'nllLoss', 'targets');
  requireInteger(targets, 'nllLoss', 'targets');
  if (logProbs.ndim !== 2 || targets.ndim !== 1 || targets.shape[0] !== logProbs.shape[0]) {
    throw new NativeError('SHAPE_MISMATCH', `nllLoss: logProbs ${shapeText(logProbs.shape)} must be [N, C] and targets ${shapeText(targets.shape)} [N]`);
  }
  return new Tensor(engine().nllLoss(hl, ht, reductionCode(reduction, 'nllLoss')));
}

/** Mean squared error between same-shaped tensors. */
export function mseLoss(input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  const ha = handle(input, 'mseLoss', 'input');
  const hb = handle(target, 'mseLoss', 'target');
  requireFloating(input, 'mseLoss', 'input');
  requireFloating(target, 'mseLoss', 'target');
  if (input.shape.length !== target.shape.length || input.shape.some((s, i) => s !== target.shape[i])) {
    throw new NativeError('SHAPE_MISMATCH', `mseLoss: input ${shapeText(input.shape)} and target ${shapeText(target.shape)} must have the same shape`);
  }
  return new Tensor(engine().mse(ha, hb, reductionCode(reduction, 'mseLoss')));
}
