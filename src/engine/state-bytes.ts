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
