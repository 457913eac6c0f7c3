import { NativeError } from '../../errors.js';
import { engine } from '../binding.js';
import { Tensor } from '../tensor.js';
import type { Generator } from './creation.js';
import { dimIndex, finite, handle, optionalHandle, pair, requireFloating, requireInteger, requireRank, shapeText } from './check.js';

/** Matrix product with PyTorch's matmul rules (1-d, 2-d and batched). */
export function matmul(a: Tensor, b: Tensor): Tensor {
  const ha = handle(a, 'matmul', 'a');
  const hb = handle(b, 'matmul', 'b');
  if (a.ndim === 0 || b.ndim === 0) throw new NativeError('SHAPE_MISMATCH', 'matmul: both operands need at least one dimension');
  const k1 = a.shape[a.ndim - 1];
  const k2 = b.ndim === 1 ? b.shape[0] : b.shape[b.ndim - 2];
  if (k1 !== k2) throw new NativeError('SHAPE_MISMATCH', `matmul: ${shapeText(a.shape)} @ ${shapeText(b.shape)}: inner dimensions ${k1} and ${k2} differ`);
  if (a.dtype !== b.dtype) throw new NativeError('DTYPE_MISMATCH', `matmul: a is ${a.dtype} but b is ${b.dtype}; convert one with .to()`);
  return new Tensor(engine().matmul(ha, hb));
}

/** x @ weightᵀ + bias, weight [out, in]. */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  const hx = handle(x, 'linear', 'x');
  const hw = handle(weight, 'linear', 'weight');
  const hb = optionalHandle(bias, 'linear', 'bias');
  requireRank(weight, 2, 'linear', 'weight');
  if (x.shape[x.ndim - 1] !== weight.shape[1]) {
    throw new NativeError('SHAPE_MISMATCH', `linear: input ${shapeText(x.shape)} has ${x.shape[x.ndim - 1]} features but weight ${shapeText(weight.shape)} expects ${weight.shape[1]}`);
  }
  return new Tensor(engine().linear(hx, hw, hb));
}

/** Options of {@link conv2d}. */
export interface Conv2dOptions {
  stride?: number | [number, number];
  padding?: number | [number, number];
  dilation?: number | [number, number];
  groups?: number;
}

/** 2-d convolution of x [N, C, H, W] with weight [out, C/groups, kh, kw]. */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv2dOptions = {}): Tensor {
  const hx = handle(x, 'conv2d', 'x');
  const hw = handle(weight, 'conv2d', 'weight');
  const hb = optionalHandle(bias, 'conv2d', 'bias');
  requireRank(x, 4, 'conv2d', 'x');
  requireRank(weight, 4, 'conv2d', 'weight');
  requireFloating(x, 'conv2d', 'x');
  const stride = pair(options.stride ?? 1, 'conv2d', 'stride', 1);
  const padding = pair(options.padding ?? 0, 'conv2d', 'padding', 0);
  const dilation = pair(options.dilation ?? 1, 'conv2d', 'dilation', 1);
  const groups = options.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new RangeError(`conv2d: groups must be a positive integer, got ${groups}`);
  if (x.shape[1] !== weight.shape[1] * groups) {
    throw new NativeError('SHAPE_MISMATCH', `conv2d: input has ${x.shape[1]} channels but weight ${shapeText(weight.shape)} with groups=${groups} expects ${weight.shape[1] * groups}`);
  }
  if (weight.shape[0] % groups !== 0) throw new NativeError('SHAPE_MISMATCH', `conv2d: ${weight.shape[0]} output channels are not divisible by groups=${groups}`);
  return new Tensor(engine().conv2d(hx, hw, hb, stride, padding, dilation, groups));
}

/** Options of the pooling ops. */
export interface Pool2dOptions {
  stride?: number | [number, number];
  padding?: number | [number, number];
}

export function maxPool2d(x: Tensor, kernel: number | [number, number], options: Pool2dOptions = {}): Tensor {
  const hx = handle(x, 'maxPool2d', 'x');
  requireRank(x, [3, 4], 'maxPool2d', 'x');
  const k = pair(kernel, 'maxPool2d', 'kernel', 1);
  return new Tensor(engine().maxPool2d(hx, k, pair(options.stride ?? k, 'maxPool2d', 'stride', 1), pair(options.padding ?? 0, 'maxPool2d', 'padding', 0)));
}

/** Average pooling; `countIncludePad: false` (as NAS-Bench-201's pooling) averages only real pixels. */
export function avgPool2d(x: Tensor, kernel: number | [number, number], options: Pool2dOptions & { countIncludePad?: boolean } = {}): Tensor {
  const hx = handle(x, 'avgPool2d', 'x');
  requireRank(x, [3, 4], 'avgPool2d', 'x');
  const k = pair(kernel, 'avgPool2d', 'kernel', 1);
  const stride = pair(options.stride ?? k, 'avgPool2d', 'stride', 1);
  const padding = pair(options.padding ?? 0, 'avgPool2d', 'padding', 0);
  return new Tensor(engine().avgPool2d(hx, k, stride, padding, options.countIncludePad ?? true));
}

export function adaptiveAvgPool2d(x: Tensor, output: number | [number, number]): Tensor {
  const hx = handle(x, 'adaptiveAvgPool2d', 'x');
  requireRank(x, [3, 4], 'adaptiveAvgPool2d', 'x');
  return new Tensor(engine().adaptiveAvgPool2d(hx, pair(output, 'adaptiveAvgPool2d', 'output', 1)));
}

/** Options of {@link batchNorm}. */
export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  runningMean?: Tensor | null;
  runningVar?: Tensor | null;
  /** Batch statistics (and running-statistics update) when true; running statistics when false. */
  training: boolean;
  momentum?: number;
  eps?: number;
}

/** Batch normalisation over dimension 1 (functional; updates the running statistics in place when training). */
export function batchNorm(x: Tensor, options: BatchNormOptions): Tensor {
  const hx = handle(x, 'batchNorm', 'x');
  const c = x.shape[1];
  const handles = (['weight', 'bias', 'runningMean', 'runningVar'] as const).map((name) => {
    const t = options[name] ?? null;
    const h = optionalHandle(t, 'batchNorm', name);
    if (t && (t.ndim !== 1 || t.shape[0] !== c)) throw new NativeError('SHAPE_MISMATCH', `batchNorm: ${name} ${shapeText(t.shape)} must be [${c}] for input ${shapeText(x.shape)}`);
    return h;
  });
  if (!options.training && (!options.runningMean || !options.runningVar)) throw new RangeError('batchNorm: evaluation (training: false) needs runningMean and runningVar');
  const momentum = finite(options.momentum ?? 0.1, 'batchNorm', 'momentum');
  const eps = finite(options.eps ?? 1e-5, 'batchNorm', 'eps');
  return new Tensor(engine().batchNorm(hx, handles[0], handles[1], handles[2], handles[3], options.training, momentum, eps));
}

/**
 * Zeroes elements with probability p and scales the rest by 1/(1-p) when training; identity
 * otherwise. The mask is drawn from `generator`, else from libtorch's global generator (`manualSeed`).
 */
export function dropout(x: Tensor, p: number, training: boolean, generator: Generator | null = null): Tensor {
  const hx = handle(x, 'dropout', 'x');
  if (!(p >= 0 && p <= 1)) throw new RangeError(`dropout: p must be in [0, 1], got ${p}`);
  return new Tensor(engine().dropout(hx, p, training, generator?.nativeGenerator ?? null));
}

export function softmax(x: Tensor, dim: number): Tensor {
  const hx = handle(x, 'softmax', 'x');
  requireFloating(x, 'softmax', 'x');
  return new Tensor(engine().softmax(hx, dimIndex(dim, x.ndim, 'softmax')));
}

export function logSoftmax(x: Tensor, dim: number): Tensor {
  const hx = handle(x, 'logSoftmax', 'x');
  requireFloating(x, 'logSoftmax', 'x');
  return new Tensor(engine().logSoftmax(hx, dimIndex(dim, x.ndim, 'logSoftmax')));
}

/** Options of {@link gumbelSoftmax}. */
export interface GumbelSoftmaxOptions {
  tau?: number;
  /** One-hot forward, soft gradient (straight-through). */
  hard?: boolean;
  dim?: number;
  generator?: Generator | null;
}

/** softmax((logits + Gumbel noise) / tau), the relaxation used by GDAS and SNAS. */
export function gumbelSoftmax(logits: Tensor, options: GumbelSoftmaxOptions = {}): Tensor {
  const h = handle(logits, 'gumbelSoftmax', 'logits');
  requireFloating(logits, 'gumbelSoftmax', 'logits');
  const tau = finite(options.tau ?? 1, 'gumbelSoftmax', 'tau');
  if (tau <= 0) throw new RangeError(`gumbelSoftmax: tau must be positive, got ${tau}`);
  const dim = dimIndex(options.dim ?? -1, logits.ndim, 'gumbelSoftmax');
  return new Tensor(engine().gumbelSoftmax(h, tau, options.hard ?? false, dim, options.generator?.nativeGenerator ?? null));
}

/** Rows of `weight` [num, dim] picked by integer `indices`. */
export function embedding(weight: Tensor, indices: Tensor): Tensor {
  const hw = handle(weight, 'embedding', 'weight');
  const hi = handle(indices, 'embedding', 'indices');
  requireRank(weight, 2, 'embedding', 'weight');
  requireInteger(indices, 'embedding', 'indices');
  return new Tensor(engine().embedding(hw, hi));
}

/** One LSTM step (PyTorch's gate order i, f, g, o): returns the new hidden and cell states. */
export function lstmCell(x: Tensor, state: { h: Tensor; c: Tensor }, wIh: Tensor, wHh: Tensor, bIh: Tensor | null = null, bHh: Tensor | null = null): { h: Tensor; c: Tensor } {
  const hx = handle(x, 'lstmCell', 'x');
  const hh = handle(state.h, 'lstmCell', 'state.h');
  const hc = handle(state.c, 'lstmCell', 'state.c');
  const hwi = handle(wIh, 'lstmCell', 'wIh');
  const hwh = handle(wHh, 'lstmCell', 'wHh');
  requireRank(x, 2, 'lstmCell', 'x');
  const hidden = state.h.shape[1];
  if (wIh.shape[0] !== 4 * hidden || wIh.shape[1] !== x.shape[1] || wHh.shape[0] !== 4 * hidden || wHh.shape[1] !== hidden) {
    throw new NativeError('SHAPE_MISMATCH', `lstmCell: weights ${shapeText(wIh.shape)} and ${shapeText(wHh.shape)} do not fit input ${shapeText(x.shape)} and hidden size ${hidden} (need [${4 * hidden}, ${x.shape[1]}] and [${4 * hidden}, ${hidden}])`);
  }
  const [h, c] = engine().lstmCell(hx, hh, hc, hwi, hwh, optionalHandle(bIh, 'lstmCell', 'bIh'), optionalHandle(bHh, 'lstmCell', 'bHh'));
  return { h: Tensor.fromHandle(h), c: Tensor.fromHandle(c) };
}
