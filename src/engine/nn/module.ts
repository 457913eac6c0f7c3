import { NativeError } from '../../errors.js';
import { engine } from '../binding.js';
import { keep } from '../memory.js';
import { Tensor } from '../tensor.js';
import { noGrad } from '../autograd.js';
import { shapeText } from '../ops/check.js';

const NAME = /^([A-Za-z_][A-Za-z0-9_]*|[0-9]+)$/;

type Member = { kind: 'parameter'; tensor: Tensor | null } | { kind: 'buffer'; tensor: Tensor | null } | { kind: 'module'; module: Module };

/** Options of {@link Module.loadStateDict}. */
export interface LoadStateDictOptions {
  /** Fail on missing and unexpected keys (default true); shape mismatches always fail. */
  strict?: boolean;
}

/** What a state dict did not match: raised as one `NativeError` (`STATE_DICT_MISMATCH`) with all of it. */
export class StateDictMismatch extends NativeError {
  constructor(
    readonly missing: readonly string[],
    readonly unexpected: readonly string[],
    readonly mismatched: readonly string[],
  ) {
    const parts = [
      missing.length ? `missing keys: ${missing.join(', ')}` : '',
      unexpected.length ? `unexpected keys: ${unexpected.join(', ')}` : '',
      mismatched.length ? `shape/dtype mismatches: ${mismatched.join('; ')}` : '',
    ].filter(Boolean);
    super('STATE_DICT_MISMATCH', `loadStateDict: the state dict does not fit the module (${parts.join(' | ')}); load a checkpoint of the same architecture, or pass {strict: false} to ignore missing/unexpected keys`);
  }
}

/**
 * The base of every layer and model (PyTorch's nn.Module, with explicit registration): parameters,
 * buffers and children are registered by name; every walk (parameters, buffers, state dict, train/eval)
 * derives from {@link Module.namedMembers}. Parameters and buffers are kept tensors: scopes never free
 * them; `dispose()` does.
 */
export abstract class Module {
  /** Training mode (batch statistics, dropout) or evaluation mode. */
  training = true;
  readonly #members = new Map<string, Member>();

  private claim(name: string, member: Member): void {
    if (typeof name !== 'string' || !NAME.test(name)) throw new RangeError(`${this.constructor.name}: member name ${JSON.stringify(name)} must be an identifier or a number (letters, digits, _; no dots)`);
    if (this.#members.has(name)) throw new RangeError(`${this.constructor.name}: ${JSON.stringify(name)} is already registered as a ${this.#members.get(name)!.kind}`);
    this.#members.set(name, member);
  }

  /** Registers a trainable tensor (float, requires grad); null reserves the name (e.g. no bias). */
  registerParameter(name: string, tensor: Tensor | null): Tensor | null {
    if (tensor) {
      if (tensor.dtype !== 'float32' && tensor.dtype !== 'float64') throw new NativeError('DTYPE_MISMATCH', `registerParameter(${name}): parameters must be float32 or float64, got ${tensor.dtype}`);
      keep(tensor).setRequiresGrad(true);
    }
    this.claim(name, { kind: 'parameter', tensor });
    return tensor;
  }

  /** Registers a state tensor that is saved but not trained (e.g. running statistics). */
  registerBuffer(name: string, tensor: Tensor | null): Tensor | null {
    if (tensor) keep(tensor);
    this.claim(name, { kind: 'buffer', tensor });
    return tensor;
  }

  /** Registers a child module; its members appear under `name.`. */
  registerModule<M extends Module>(name: string, module: M): M {
    if (!(module instanceof Module)) throw new TypeError(`${this.constructor.name}.registerModule(${name}): not a Module`);
    this.claim(name, { kind: 'module', module });
    return module;
  }

  /** The one walk: every parameter, buffer or module below this one with its dotted path. */
  namedMembers(kind: 'parameter' | 'buffer', prefix?: string): [string, Tensor][];
  namedMembers(kind: 'module', prefix?: string): [string, Module][];
  namedMembers(kind: Member['kind'], prefix = ''): [string, Tensor | Module][] {
    const out: [string, Tensor | Module][] = [];
    for (const [name, member] of this.#members) {
      const path = prefix ? `${prefix}.${name}` : name;
      if (member.kind === 'module') {
        if (kind === 'module') out.push([path, member.module]);
        out.push(...member.module.namedMembers(kind as 'parameter', path));
      } else if (member.kind === kind && member.tensor) out.push([path, member.tensor]);
    }
    return out;
  }

  namedParameters(): [string, Tensor][] {
    return this.namedMembers('parameter');
  }
  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }
  namedBuffers(): [string, Tensor][] {
    return this.namedMembers('buffer');
  }
  /** Direct children, in registration order. */
  children(): Module[] {
    return [...this.#members.values()].flatMap((m) => (m.kind === 'module' ? [m.module] : []));
  }
  /** This module and every module below it. */
  modules(): Module[] {
    return [this, ...this.namedMembers('module').map(([, m]) => m)];
  }

  /** Number of parameter elements. */
  parameterCount(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  /** Sets training mode here and below; returns this. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }
  eval(): this {
    return this.train(false);
  }

  /** Drops every parameter's gradient. */
  zeroGrad(): void {
    for (const p of this.parameters()) engine().setGrad(p.nativeHandle, null);
  }

  /** Parameters and buffers by dotted path (the live tensors, not copies). */
  stateDict(): Map<string, Tensor> {
    return new Map([...this.namedParameters(), ...this.namedBuffers()]);
  }

  /** Copies values into this module's parameters and buffers; every mismatch is reported in one error. */
  loadStateDict(state: ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>, options: LoadStateDictOptions = {}): void {
    const source: ReadonlyMap<string, Tensor> = state instanceof Map ? (state as ReadonlyMap<string, Tensor>) : new Map(Object.entries(state as Readonly<Record<string, Tensor>>));
    const own = this.stateDict();
    const missing = [...own.keys()].filter((k) => !source.has(k));
    const unexpected = [...source.keys()].filter((k) => !own.has(k));
    const mismatched: string[] = [];
    for (const [key, target] of own) {
      const value = source.get(key);
      if (!value) continue;
      if (value.shape.length !== target.shape.length || value.shape.some((s: number, i: number) => s !== target.shape[i])) {
        mismatched.push(`${key}: checkpoint ${shapeText(value.shape)} vs module ${shapeText(target.shape)}`);
      }
    }
    const strict = options.strict ?? true;
    if (mismatched.length > 0 || (strict && (missing.length > 0 || unexpected.length > 0))) throw new StateDictMismatch(missing, unexpected, mismatched);
    noGrad(() => {
      for (const [key, target] of own) {
        const value = source.get(key);
        if (value) engine().inplace(4, target.nativeHandle, value.nativeHandle, null, 0);
      }
    });
  }

  /** Frees every parameter and buffer (the module is unusable afterwards). */
  dispose(): void {
    for (const [, t] of [...this.namedParameters(), ...this.namedBuffers()]) t.dispose();
  }
}

/** A module whose forward maps one tensor to one tensor (what Sequential chains). */
export abstract class Layer extends Module {
  abstract forward(x: Tensor): Tensor;
}
