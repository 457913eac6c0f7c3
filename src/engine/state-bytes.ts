import { scope } from './memory.js';
import type { LoadStateDictOptions, Module } from './nn/module.js';
import { tensor } from './ops/creation.js';
import { decodeSafetensors, encodeSafetensors, type SafetensorsArray, type SafetensorsFile, type SafetensorsTensor } from './safetensors.js';
import type { Tensor } from './tensor.js';

/**
 * A module's state dict as safetensors bytes in memory (what `saveCheckpoint` writes to a file), so
 * trained weights can be handed across threads as one transferable buffer.
 */
export function stateDictToSafetensors(module: Module, metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  const tensors: Record<string, SafetensorsTensor> = {};
  for (const [name, t] of module.stateDict()) tensors[name] = { data: t.data(), shape: t.shape };
  return encodeSafetensors(tensors, metadata);
}

/**
 * Loads safetensors bytes (from {@link stateDictToSafetensors}) into a module; every mismatch is
 * reported in one `StateDictMismatch`. Returns the metadata.
 */
export function loadSafetensorsState(module: Module, bytes: Uint8Array, options: LoadStateDictOptions = {}): Record<string, string> {
  return loadSafetensorsFile(module, decodeSafetensors(bytes), options);
}

/** Loads a decoded safetensors file into a module (see {@link loadSafetensorsState}). */
export function loadSafetensorsFile(module: Module, file: SafetensorsFile, options: LoadStateDictOptions = {}): Record<string, string> {
  scope(() => {
    const state = new Map<string, Tensor>();
    for (const [name, t] of Object.entries(file.tensors)) state.set(name, safetensorsToTensor(t.data, t.shape));
    module.loadStateDict(state, options);
  });
  return file.metadata;
}

/** A safetensors entry as a tensor (in the current scope). */
export function safetensorsToTensor(data: SafetensorsArray, shape: readonly number[]): Tensor {
  // int64 arrives as BigInt64Array; the engine reads and writes indices as int32.
  if (data instanceof BigInt64Array) return tensor(Int32Array.from(data, (v) => Number(v)), shape).to('int64');
  return tensor(data, shape);
}

/** What {@link inheritState} did: the module's tensors it copied, and those it left as they were. */
export interface InheritedState {
  readonly copied: readonly string[];
  readonly left: readonly string[];
}

/**
 * Weight inheritance: copies into `module` every tensor of another network's state (safetensors
 * bytes from {@link stateDictToSafetensors}, e.g. a parent architecture's trained weights) whose
 * name, shape and type agree with one of the module's parameters or buffers; the module's other
 * tensors keep their values (their initialisation). A child that differs from its parent by one
 * operation thus starts from everything the edit did not touch, as the mutated children of Real et
 * al., "Large-Scale Evolution of Image Classifiers" (ICML 2017), keep their parents' weights.
 */
export function inheritState(module: Module, bytes: Uint8Array): InheritedState {
  const file = decodeSafetensors(bytes, '<inherited weights>');
  const copied: string[] = [];
  const left: string[] = [];
  scope(() => {
    const state = new Map<string, Tensor>();
    for (const [name, target] of module.stateDict()) {
      const entry = file.tensors[name];
      const fits = entry !== undefined && entry.shape.length === target.shape.length && entry.shape.every((s, i) => s === target.shape[i]);
      const value = fits ? safetensorsToTensor(entry.data, entry.shape) : null;
      if (value && value.dtype === target.dtype) {
        state.set(name, value);
        copied.push(name);
      } else {
        left.push(name);
      }
    }
    module.loadStateDict(state, { strict: false });
  });
  return { copied, left };
}
