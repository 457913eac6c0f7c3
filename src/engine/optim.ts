import { ConfigError } from '../errors.js';
import { engine, type NativeHandle } from './binding.js';
import { tensor, zeros } from './ops/creation.js';
import { handle } from './ops/check.js';
import type { Tensor } from './tensor.js';
import { keep, scope } from './memory.js';

/**
 * Optimizers. The base validates hyper-parameters, holds the parameters, per-parameter state and the
 * step count, and skips parameters without a gradient; each optimizer gives only its update
 * (one fused native call per parameter, PyTorch 1.13's formulas).
 */
export abstract class Optimizer {
  /** Learning rate; schedulers change it between steps. */
  lr: number;
  /** Number of completed `step()` calls. */
  stepCount = 0;
  readonly params: readonly Tensor[];
  readonly #state = new Map<Tensor, Tensor[]>();

  constructor(params: Iterable<Tensor>, lr: number) {
    this.params = [...params];
    this.params.forEach((p, i) => handle(p, this.constructor.name, `params[${i}]`));
    if (this.params.length === 0) throw new ConfigError('OPTIM_NO_PARAMS', `${this.constructor.name}: no parameters to optimise; pass model.parameters()`);
    this.lr = lr;
    this.check('lr', lr, 0, Infinity, false);
  }

  /** Validates one hyper-parameter (a ConfigError naming it and the valid range). */
  protected check(name: string, value: number, min: number, max: number, minInclusive = true): void {
    const ok = Number.isFinite(value) && (minInclusive ? value >= min : value > min) && value <= max;
    if (!ok) throw new ConfigError('OPTIM_HYPERPARAMETER', `${this.constructor.name}: ${name}=${value} is out of range; valid: ${minInclusive ? '[' : '('}${min}, ${max}]`);
  }

  /** Per-parameter state tensors (created on first use by `init`, kept until `dispose`). */
  protected state(param: Tensor, count: number): Tensor[] {
    let s = this.#state.get(param);
    if (!s) {
      s = Array.from({ length: count }, () => keep(zeros(param.shape as number[], param.dtype)));
      this.#state.set(param, s);
    }
    return s;
  }

  /** The update of one parameter with gradient `grad` (handles: no JS tensors are created per step). */
  protected abstract update(param: Tensor, grad: NativeHandle, first: boolean): void;

  /** Applies one update to every parameter that has a gradient. */
  step(): void {
    const native = engine();
    this.stepCount += 1;
    for (const p of this.params) {
      const g = native.gradOf(handle(p, 'step', 'param'));
      if (g === null) continue;
      try {
        this.update(p, g, !this.#state.has(p));
      } finally {
        native.dispose(g);
      }
    }
  }

  /** Drops every parameter's gradient (set to none, as PyTorch's default). */
  zeroGrad(): void {
    for (const p of this.params) engine().setGrad(p.nativeHandle, null);
  }

  /**
   * The optimizer's state as plain data, for checkpoints: step count, learning rate and each
   * parameter's state tensors (momentum buffer; Adam's moments) keyed `<parameter index>.<slot>`.
   */
  stateDict(): OptimizerState {
    const slots: Record<string, { data: Float32Array | Float64Array; shape: readonly number[] }> = {};
    this.params.forEach((p, i) => {
      this.#state.get(p)?.forEach((t, slot) => {
        const data = t.data();
        if (!(data instanceof Float32Array || data instanceof Float64Array)) throw new TypeError(`${this.constructor.name}.stateDict: state of params[${i}] is not floating point`);
        slots[`${i}.${slot}`] = { data, shape: t.shape };
      });
    });
    return { stepCount: this.stepCount, lr: this.lr, slots };
  }

  /**
   * Restores what {@link stateDict} returned, for the same parameters in the same order. Every
   * mismatch (unknown parameter index, wrong shape, missing slot) is a `ConfigError` and nothing is changed.
   */
  loadStateDict(state: OptimizerState): void {
    const byParam = new Map<number, Map<number, { data: Float32Array | Float64Array; shape: readonly number[] }>>();
    for (const [key, value] of Object.entries(state.slots)) {
      const m = /^(\d+)\.(\d+)$/.exec(key);
      const i = m ? Number(m[1]) : -1;
      if (!m || i >= this.params.length) throw new ConfigError('OPTIM_STATE_MISMATCH', `${this.constructor.name}.loadStateDict: state entry ${JSON.stringify(key)} names no parameter (this optimizer has ${this.params.length}); load the state of an optimizer over the same parameters`);
      const shape = this.params[i].shape;
      if (value.shape.length !== shape.length || value.shape.some((d, k) => d !== shape[k])) {
        throw new ConfigError('OPTIM_STATE_MISMATCH', `${this.constructor.name}.loadStateDict: state ${key} has shape [${value.shape.join(', ')}] but params[${i}] has [${shape.join(', ')}]`);
      }
      if (!byParam.has(i)) byParam.set(i, new Map());
      byParam.get(i)!.set(Number(m[2]), value);
    }
    for (const [i, slots] of byParam) {
      for (let s = 0; s < slots.size; s++) if (!slots.has(s)) throw new ConfigError('OPTIM_STATE_MISMATCH', `${this.constructor.name}.loadStateDict: params[${i}] lacks state slot ${s}`);
    }
    if (!(Number.isInteger(state.stepCount) && state.stepCount >= 0)) throw new ConfigError('OPTIM_STATE_MISMATCH', `${this.constructor.name}.loadStateDict: stepCount must be a non-negative integer, got ${state.stepCount}`);
    this.dispose();
    for (const [i, slots] of byParam) {
      const p = this.params[i];
      const tensors = [...slots.keys()].sort((a, b) => a - b).map((s) => keep(scope(() => tensor(slots.get(s)!.data, slots.get(s)!.shape).to(p.dtype))));
      this.#state.set(p, tensors);
    }
    this.stepCount = state.stepCount;
    this.lr = state.lr;
  }

  /** Frees the optimizer's state tensors. */
  dispose(): void {
    for (const s of this.#state.values()) for (const t of s) t.dispose();
    this.#state.clear();
  }
}

/** An optimizer's state as plain data (see {@link Optimizer.stateDict}). */
export interface OptimizerState {
  readonly stepCount: number;
  readonly lr: number;
  readonly slots: Readonly<Record<string, { readonly data: Float32Array | Float64Array; readonly shape: readonly number[] }>>;
}

/** Options of {@link SGD}. */
export interface SgdOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
}

/** Stochastic gradient descent with momentum, Nesterov momentum and L2 weight decay. */
export class SGD extends Optimizer {
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  constructor(params: Iterable<Tensor>, options: SgdOptions) {
    super(params, options.lr);
    this.momentum = options.momentum ?? 0;
    this.dampening = options.dampening ?? 0;
    this.weightDecay = options.weightDecay ?? 0;
    this.nesterov = options.nesterov ?? false;
    this.check('momentum', this.momentum, 0, 1);
    this.check('dampening', this.dampening, 0, 1);
    this.check('weightDecay', this.weightDecay, 0, Infinity);
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) throw new ConfigError('OPTIM_HYPERPARAMETER', 'SGD: nesterov needs momentum > 0 and dampening = 0');
  }
  protected update(param: Tensor, grad: NativeHandle, first: boolean): void {
    const buffer = this.momentum !== 0 ? this.state(param, 1)[0].nativeHandle : null;
    engine().sgdStep(param.nativeHandle, grad, buffer, this.lr, this.momentum, this.dampening, this.weightDecay, this.nesterov, first);
  }
}

/** Options of {@link Adam} and {@link AdamW}. */
export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
}

/** Adam; `weightDecay` is L2 added to the gradient (see {@link AdamW} for decoupled decay). */
export class Adam extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  protected readonly decoupled: boolean = false;
  constructor(params: Iterable<Tensor>, options: AdamOptions = {}) {
    super(params, options.lr ?? 1e-3);
    [this.beta1, this.beta2] = options.betas ?? [0.9, 0.999];
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0;
    this.check('betas[0]', this.beta1, 0, 1);
    this.check('betas[1]', this.beta2, 0, 1);
    this.check('eps', this.eps, 0, Infinity);
    this.check('weightDecay', this.weightDecay, 0, Infinity);
  }
  protected update(param: Tensor, grad: NativeHandle): void {
    const [m, v] = this.state(param, 2);
    engine().adamStep(param.nativeHandle, grad, m.nativeHandle, v.nativeHandle, this.lr, this.beta1, this.beta2, this.eps, this.weightDecay, this.decoupled, this.stepCount);
  }
}

/** Adam with decoupled weight decay (p ← p − lr·wd·p before the Adam step); default weightDecay 0.01. */
export class AdamW extends Adam {
  protected override readonly decoupled: boolean = true;
  constructor(params: Iterable<Tensor>, options: AdamOptions = {}) {
    super(params, { ...options, weightDecay: options.weightDecay ?? 0.01 });
  }
}

/**
 * A learning-rate schedule stepped once per optimizer step ({@link CosineSchedule}, {@link OneCycleSchedule}):
 * a schedule gives `lrAt`; stepping, the step count and seeking are shared.
 */
export abstract class LrSchedule {
  /** The optimizer whose lr the schedule sets. */
  abstract readonly optimizer: Optimizer;
  #step = 0;

  /** The learning rate at step `t` (0-based). */
  abstract lrAt(t: number): number;

  /** Advances one step and sets the optimizer's lr for it. */
  step(): void {
    this.#step += 1;
    this.optimizer.lr = this.lrAt(this.#step);
  }

  /** Steps taken so far. */
  get stepCount(): number {
    return this.#step;
  }

  /** Jumps to step `t` (resuming a run from a checkpoint) and sets the optimizer's lr for it. */
  seek(t: number): void {
    if (!Number.isInteger(t) || t < 0) throw new ConfigError('SCHEDULE', `${this.constructor.name}.seek: step must be a non-negative integer, got ${t}`);
    this.#step = t;
    this.optimizer.lr = this.lrAt(t);
  }
}

/** Options of {@link CosineSchedule}. */
export interface CosineScheduleOptions {
  /** Steps of the whole schedule (warm-up included). */
  totalSteps: number;
  /** Steps of linear warm-up from 0 to the base learning rate (default 0). */
  warmupSteps?: number;
  /** Learning rate at the end (default 0). */
  minLr?: number;
}

/**
 * Linear warm-up, then cosine annealing from the optimizer's initial lr to `minLr` (SGDR without restarts).
 * Call `step()` after each optimizer step.
 */
export class CosineSchedule extends LrSchedule {
  readonly baseLr: number;
  constructor(
    readonly optimizer: Optimizer,
    readonly options: CosineScheduleOptions,
  ) {
    super();
    const { totalSteps, warmupSteps = 0, minLr = 0 } = options;
    if (!Number.isInteger(totalSteps) || totalSteps < 1) throw new ConfigError('SCHEDULE', `CosineSchedule: totalSteps must be a positive integer, got ${totalSteps}`);
    if (!Number.isInteger(warmupSteps) || warmupSteps < 0 || warmupSteps >= totalSteps) throw new ConfigError('SCHEDULE', `CosineSchedule: warmupSteps must be an integer in [0, ${totalSteps}), got ${warmupSteps}`);
    if (!(minLr >= 0 && minLr <= optimizer.lr)) throw new ConfigError('SCHEDULE', `CosineSchedule: minLr must be in [0, ${optimizer.lr}], got ${minLr}`);
    this.baseLr = optimizer.lr;
    optimizer.lr = this.lrAt(0);
  }

  /** The learning rate at step `t` (0-based). */
  lrAt(t: number): number {
    const { totalSteps, warmupSteps = 0, minLr = 0 } = this.options;
    if (t < warmupSteps) return (this.baseLr * (t + 1)) / (warmupSteps + 1);
    const progress = Math.min(1, (t - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
    return minLr + 0.5 * (this.baseLr - minLr) * (1 + Math.cos(Math.PI * progress));
  }

}

/** Options of {@link OneCycleSchedule}. */
export interface OneCycleScheduleOptions {
  /** Steps of the whole cycle. */
  totalSteps: number;
  /** Fraction of the steps spent rising to the peak (default 0.3, as PyTorch's OneCycleLR). */
  pctStart?: number;
  /** The start lr is the peak / divFactor (default 25). */
  divFactor?: number;
  /** The final lr is the start lr / finalDivFactor (default 10⁴). */
  finalDivFactor?: number;
}

/**
 * The one-cycle policy (Smith & Topin, "Super-Convergence", 2019), with the learning-rate curve of
 * PyTorch's `OneCycleLR` (`anneal_strategy='cos'`, two phases): from peak/`divFactor` up to the
 * optimizer's initial lr (the peak) over the first `pctStart` of the steps along a half cosine, then
 * down along a half cosine to peak/(`divFactor`·`finalDivFactor`) at the last step. The momentum is
 * not cycled (PyTorch cycles it between 0.85 and 0.95 by default; naskit's SGD keeps its own).
 * Call `step()` after each optimizer step.
 */
export class OneCycleSchedule extends LrSchedule {
  /** The peak learning rate: the optimizer's lr when the schedule is made. */
  readonly maxLr: number;
  constructor(
    readonly optimizer: Optimizer,
    readonly options: OneCycleScheduleOptions,
  ) {
    super();
    const { totalSteps, pctStart = 0.3, divFactor = 25, finalDivFactor = 1e4 } = options;
    if (!Number.isInteger(totalSteps) || totalSteps < 1) throw new ConfigError('SCHEDULE', `OneCycleSchedule: totalSteps must be a positive integer, got ${totalSteps}`);
    if (!(pctStart > 0 && pctStart < 1)) throw new ConfigError('SCHEDULE', `OneCycleSchedule: pctStart must be in (0, 1), got ${pctStart}`);
    if (!(divFactor >= 1 && Number.isFinite(divFactor))) throw new ConfigError('SCHEDULE', `OneCycleSchedule: divFactor must be a finite number ≥ 1, got ${divFactor}`);
    if (!(finalDivFactor >= 1 && Number.isFinite(finalDivFactor))) throw new ConfigError('SCHEDULE', `OneCycleSchedule: finalDivFactor must be a finite number ≥ 1, got ${finalDivFactor}`);
    this.maxLr = optimizer.lr;
    optimizer.lr = this.lrAt(0);
  }

  lrAt(t: number): number {
    const { totalSteps, pctStart = 0.3, divFactor = 25, finalDivFactor = 1e4 } = this.options;
    const startLr = this.maxLr / divFactor;
    const endLr = startLr / finalDivFactor;
    // As OneCycleLR: the peak at step pctStart·T − 1, the end at step T − 1. Below 1/pctStart steps
    // OneCycleLR would never reach the peak; here the first step is then the peak.
    const peakStep = Math.max(0, pctStart * totalSteps - 1);
    const lastStep = totalSteps - 1;
    const anneal = (from: number, to: number, pct: number) => to + ((from - to) / 2) * (Math.cos(Math.PI * Math.min(1, Math.max(0, pct))) + 1);
    if (t <= peakStep) return anneal(startLr, this.maxLr, peakStep > 0 ? t / peakStep : 1);
    return anneal(this.maxLr, endLr, lastStep > peakStep ? (t - peakStep) / (lastStep - peakStep) : 1);
  }

}

/**
 * Scales all gradients so that their joint L2 norm is at most `maxNorm` (torch.nn.utils.clip_grad_norm_);
 * returns the norm before clipping.
 */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number): number {
  if (!(maxNorm > 0)) throw new RangeError(`clipGradNorm: maxNorm must be positive, got ${maxNorm}`);
  const native = engine();
  const grads: NativeHandle[] = [];
  for (const p of params) {
    const g = native.gradOf(handle(p, 'clipGradNorm', 'param'));
    if (g) grads.push(g);
  }
  let sq = 0;
  for (const g of grads) {
    const n = native.norm(g, 2);
    const v = native.item(n);
    native.dispose(n);
    sq += v * v;
  }
  const total = Math.sqrt(sq);
  const scale = maxNorm / (total + 1e-6);
  for (const g of grads) {
    if (scale < 1) native.inplace(1, g, null, null, scale);
    native.dispose(g);
  }
  return total;
}
