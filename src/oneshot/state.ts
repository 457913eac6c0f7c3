import { DataError } from '../errors.js';
import { engine } from '../engine/binding.js';
import { scope } from '../engine/memory.js';
import type { Module } from '../engine/nn/module.js';
import type { Optimizer } from '../engine/optim.js';
import { decodeSafetensors, encodeSafetensors, type SafetensorsTensor } from '../engine/safetensors.js';
import { safetensorsToTensor } from '../engine/state-bytes.js';
import type { Tensor } from '../engine/tensor.js';
import type { Json } from '../util/json.js';
import type { ArchParameters } from './arch.js';

const FORMAT = 'naskit-oneshot-state';

/** The parts of a one-shot search that a checkpoint holds. */
export interface SearchParts {
  readonly net: Module;
  readonly arch: ArchParameters;
  readonly weightOptimizer: Optimizer;
  readonly archOptimizer: Optimizer;
}

/**
 * A search's whole state after an epoch as one safetensors buffer: supernet weights and batch-norm
 * statistics (`model.*`), α and β (`arch.*`), both optimizers (`woptim.*`, `aoptim.*`) and, in the
 * metadata, the progress (epochs done, schedule step, history) as JSON.
 */
export function encodeSearchState(parts: SearchParts, progress: Json): Uint8Array {
  const tensors: Record<string, SafetensorsTensor> = {};
  for (const [name, t] of parts.net.stateDict()) tensors[`model.${name}`] = { data: t.data(), shape: t.shape };
  for (const [name, t] of parts.arch.named()) tensors[`arch.${name}`] = { data: t.data(), shape: t.shape };
  const optimizers = { woptim: parts.weightOptimizer.stateDict(), aoptim: parts.archOptimizer.stateDict() };
  for (const [prefix, state] of Object.entries(optimizers)) for (const [key, value] of Object.entries(state.slots)) tensors[`${prefix}.${key}`] = value;
  const steps = Object.fromEntries(Object.entries(optimizers).map(([k, s]) => [k, { stepCount: s.stepCount, lr: s.lr }]));
  return encodeSafetensors(tensors, { format: FORMAT, version: '1', progress: JSON.stringify(progress), optimizers: JSON.stringify(steps) });
}

/** The progress JSON of a state, without touching any module. */
export function readSearchProgress(bytes: Uint8Array, source = '<checkpoint>'): Json {
  const file = decodeSafetensors(bytes, source);
  if (file.metadata.format !== FORMAT) throw new DataError('CHECKPOINT_FORMAT', `${source}: not a naskit one-shot search state (format ${JSON.stringify(file.metadata.format ?? null)})`);
  return JSON.parse(file.metadata.progress) as Json;
}

/**
 * Restores a state of {@link encodeSearchState} into parts built as when it was saved; returns its
 * progress. A state that does not fit is an error naming `source`.
 */
export function restoreSearchState(bytes: Uint8Array, parts: SearchParts, source = '<checkpoint>'): Json {
  const progress = readSearchProgress(bytes, source);
  const file = decodeSafetensors(bytes, source);
  const steps = JSON.parse(file.metadata.optimizers) as Record<string, { stepCount: number; lr: number }>;
  const slots: Record<string, Record<string, { data: Float32Array | Float64Array; shape: readonly number[] }>> = { woptim: {}, aoptim: {} };
  scope(() => {
    const model = new Map<string, Tensor>();
    const arch = new Map(parts.arch.named());
    for (const [name, t] of Object.entries(file.tensors)) {
      const dot = name.indexOf('.');
      const prefix = name.slice(0, dot);
      const rest = name.slice(dot + 1);
      if (prefix === 'model') model.set(rest, safetensorsToTensor(t.data, t.shape));
      else if (prefix === 'arch') {
        const target = arch.get(rest);
        if (!target || target.size !== t.data.length) throw new DataError('CHECKPOINT_FORMAT', `${source}: architecture tensor ${rest} does not fit this search (method or space differs)`);
        engine().inplace(4, target.nativeHandle, safetensorsToTensor(t.data, t.shape).nativeHandle, null, 0);
      } else if (prefix === 'woptim' || prefix === 'aoptim') {
        if (!(t.data instanceof Float32Array || t.data instanceof Float64Array)) throw new DataError('CHECKPOINT_FORMAT', `${source}: optimizer state ${name} is not floating point`);
        slots[prefix][rest] = { data: t.data, shape: t.shape };
      }
    }
    parts.weightOptimizer.loadStateDict({ ...steps.woptim, slots: slots.woptim });
    parts.archOptimizer.loadStateDict({ ...steps.aoptim, slots: slots.aoptim });
    parts.net.loadStateDict(model);
  });
  return progress;
}
