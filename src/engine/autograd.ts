import { engine } from './binding.js';
import type { Tensor } from './tensor.js';
import { Tensor as TensorClass } from './tensor.js';
import { handle, optionalHandle } from './ops/check.js';

/** Options of {@link backward}. */
export interface BackwardOptions {
  /** Keep the graph for another backward pass through it. */
  retainGraph?: boolean;
  /** Record the backward pass itself, for higher-order gradients. */
  createGraph?: boolean;
}

/**
 * Accumulates d(output)/d(leaf) into the `.grad` of every leaf that requires gradients.
 * `gradient` is required for a non-scalar output (the vector of a vector-Jacobian product).
 */
export function backward(output: Tensor, gradient?: Tensor | null, options: BackwardOptions = {}): void {
  const h = handle(output, 'backward', 'output');
  const g = optionalHandle(gradient, 'backward', 'gradient');
  if (g === null && output.size !== 1) throw new RangeError(`backward: output has shape [${output.shape.join(', ')}]; pass a gradient of that shape for a non-scalar output`);
  engine().backward(h, g, options.retainGraph ?? options.createGraph ?? false, options.createGraph ?? false);
}

/** Options of {@link grad}. */
export interface GradOptions extends BackwardOptions {
  /** One per output (required for non-scalar outputs). */
  gradOutputs?: readonly Tensor[] | null;
  /** Return null for inputs the outputs do not depend on, instead of throwing. */
  allowUnused?: boolean;
}

/**
 * The gradients of `outputs` with respect to `inputs`, returned rather than accumulated
 * (torch.autograd.grad). With `createGraph` the result is differentiable again, which gives
 * Hessian-vector products: grad(dot(grad(loss, w, {createGraph:true})[0], v), w).
 */
export function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], options: GradOptions = {}): (Tensor | null)[] {
  const outs = Array.isArray(outputs) ? (outputs as readonly Tensor[]) : [outputs as Tensor];
  const ins = Array.isArray(inputs) ? (inputs as readonly Tensor[]) : [inputs as Tensor];
  const ho = outs.map((t, i) => handle(t, 'grad', `outputs[${i}]`));
  const hi = ins.map((t, i) => handle(t, 'grad', `inputs[${i}]`));
  const hg = options.gradOutputs ? options.gradOutputs.map((t, i) => handle(t, 'grad', `gradOutputs[${i}]`)) : null;
  if (hg && hg.length !== ho.length) throw new RangeError(`grad: ${hg.length} gradOutputs for ${ho.length} outputs`);
  const createGraph = options.createGraph ?? false;
  const result = engine().grad(ho, hi, hg, options.retainGraph ?? createGraph, createGraph, options.allowUnused ?? false);
  return result.map((h) => (h === null ? null : TensorClass.fromHandle(h)));
}

/** Runs `fn` without recording gradients (torch.no_grad), restoring the previous mode after. */
export function noGrad<T>(fn: () => T): T {
  const previous = engine().setGradEnabled(false);
  try {
    return fn();
  } finally {
    engine().setGradEnabled(previous);
  }
}

/** Runs `fn` with gradient recording on (inside a `noGrad`, for example). */
export function enableGrad<T>(fn: () => T): T {
  const previous = engine().setGradEnabled(true);
  try {
    return fn();
  } finally {
    engine().setGradEnabled(previous);
  }
}

/** Whether operations record gradients now. */
export function isGradEnabled(): boolean {
  return engine().isGradEnabled();
}
