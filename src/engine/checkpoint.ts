import { readSafetensors, writeSafetensors, type SafetensorsArray, type SafetensorsTensor } from './safetensors.js';
import { scope } from './memory.js';
import { tensor } from './ops/creation.js';
import type { LoadStateDictOptions, Module } from './nn/module.js';
import type { Tensor } from './tensor.js';

/** Writes a module's state dict (parameters and buffers) as a safetensors file. */
export function saveCheckpoint(module: Module, path: string, metadata: Readonly<Record<string, string>> = {}): void {
  const tensors: Record<string, SafetensorsTensor> = {};
  for (const [name, t] of module.stateDict()) tensors[name] = { data: t.data(), shape: t.shape };
  writeSafetensors(path, tensors, metadata);
}

function toTensor(data: SafetensorsArray, shape: readonly number[]): Tensor {
  // int64 arrives as BigInt64Array; the engine reads and writes indices as int32.
  if (data instanceof BigInt64Array) return tensor(Int32Array.from(data, (v) => Number(v)), shape).to('int64');
  return tensor(data, shape);
}

/**
 * Loads a safetensors checkpoint into a module; every missing, unexpected or mis-shaped entry is
 * reported in one `StateDictMismatch`. Returns the file's metadata.
 */
export function loadCheckpoint(module: Module, path: string, options: LoadStateDictOptions = {}): Record<string, string> {
  const file = readSafetensors(path);
  scope(() => {
    const state = new Map<string, Tensor>();
    for (const [name, t] of Object.entries(file.tensors)) state.set(name, toTensor(t.data, t.shape));
    module.loadStateDict(state, options);
  });
  return file.metadata;
}
