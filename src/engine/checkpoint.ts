import { DataError } from '../errors.js';
import type { Json } from '../util/json.js';
import { decodeSafetensors, encodeSafetensors, readSafetensors, writeSafetensors, type SafetensorsTensor } from './safetensors.js';
import { loadSafetensorsFile, safetensorsToTensor } from './state-bytes.js';
import type { Optimizer } from './optim.js';
import { scope } from './memory.js';
import type { LoadStateDictOptions, Module } from './nn/module.js';
import type { Tensor } from './tensor.js';

/** Writes a module's state dict (parameters and buffers) as a safetensors file. */
export function saveCheckpoint(module: Module, path: string, metadata: Readonly<Record<string, string>> = {}): void {
  const tensors: Record<string, SafetensorsTensor> = {};
  for (const [name, t] of module.stateDict()) tensors[name] = { data: t.data(), shape: t.shape };
  writeSafetensors(path, tensors, metadata);
}


/**
 * Loads a safetensors checkpoint into a module; every missing, unexpected or mis-shaped entry is
 * reported in one `StateDictMismatch`. Returns the file's metadata.
 */
export function loadCheckpoint(module: Module, path: string, options: LoadStateDictOptions = {}): Record<string, string> {
  return loadSafetensorsFile(module, readSafetensors(path), options);
}

/** Where a training run stands after an epoch (what {@link encodeTrainingState} stores besides tensors). */
export interface TrainingProgress {
  /** Completed epochs. */
  readonly epoch: number;
  /** The learning-rate schedule's step. */
  readonly scheduleStep: number;
  /** Plain JSON the trainer keeps (e.g. the per-epoch records). */
  readonly extra: Json;
}

/**
 * A training run's state as one safetensors buffer: the model's state dict (`model.*`), the
 * optimizer's state (`optim.*`, with its step count and lr) and the progress in the metadata. A run
 * restored from it continues as if it had not stopped (data order and augmentation depend only on
 * the seed and the epoch).
 */
export function encodeTrainingState(model: Module, optimizer: Optimizer, progress: TrainingProgress): Uint8Array {
  const tensors: Record<string, SafetensorsTensor> = {};
  for (const [name, t] of model.stateDict()) tensors[`model.${name}`] = { data: t.data(), shape: t.shape };
  const opt = optimizer.stateDict();
  for (const [key, value] of Object.entries(opt.slots)) tensors[`optim.${key}`] = value;
  const metadata = {
    format: 'naskit-training-state',
    version: '1',
    progress: JSON.stringify({ epoch: progress.epoch, scheduleStep: progress.scheduleStep, extra: progress.extra, optimizer: { stepCount: opt.stepCount, lr: opt.lr, kind: optimizer.constructor.name } }),
  };
  return encodeSafetensors(tensors, metadata);
}

/**
 * Restores a buffer of {@link encodeTrainingState} into `model` and `optimizer` (built the same way
 * as when it was saved) and returns the progress. A buffer that is not such a state, or that does
 * not fit the model or the optimizer, is an error naming `source` and nothing is half-restored in
 * the model.
 */
export function restoreTrainingState(bytes: Uint8Array, model: Module, optimizer: Optimizer, source = '<checkpoint>'): TrainingProgress {
  const file = decodeSafetensors(bytes, source);
  const meta = progressOf(file.metadata, source);
  if (meta.optimizer.kind !== optimizer.constructor.name) {
    throw new DataError('CHECKPOINT_FORMAT', `${source}: the state was saved with ${meta.optimizer.kind}, not ${optimizer.constructor.name}`);
  }
  const slots: Record<string, { data: Float32Array | Float64Array; shape: readonly number[] }> = {};
  scope(() => {
    const state = new Map<string, Tensor>();
    for (const [name, t] of Object.entries(file.tensors)) {
      if (name.startsWith('model.')) state.set(name.slice('model.'.length), safetensorsToTensor(t.data, t.shape));
      else if (name.startsWith('optim.')) {
        if (!(t.data instanceof Float32Array || t.data instanceof Float64Array)) throw new DataError('CHECKPOINT_FORMAT', `${source}: optimizer state ${name} is not floating point`);
        slots[name.slice('optim.'.length)] = { data: t.data, shape: t.shape };
      }
    }
    // The optimizer first: its checks fail before the model is touched.
    optimizer.loadStateDict({ stepCount: meta.optimizer.stepCount, lr: meta.optimizer.lr, slots });
    model.loadStateDict(state);
  });
  return { epoch: meta.epoch, scheduleStep: meta.scheduleStep, extra: meta.extra };
}

interface StoredProgress {
  epoch: number;
  scheduleStep: number;
  extra: Json;
  optimizer: { stepCount: number; lr: number; kind: string };
}

function progressOf(metadata: Readonly<Record<string, string>>, source: string): StoredProgress {
  if (metadata.format !== 'naskit-training-state') {
    throw new DataError('CHECKPOINT_FORMAT', `${source}: not a naskit training state (format ${JSON.stringify(metadata.format ?? null)}); it was written by something else`);
  }
  try {
    return JSON.parse(metadata.progress ?? '') as StoredProgress;
  } catch {
    throw new DataError('CHECKPOINT_FORMAT', `${source}: the training state's progress metadata is not JSON`);
  }
}

/** The progress stored in a buffer of {@link encodeTrainingState}, without touching any model. */
export function readTrainingProgress(bytes: Uint8Array, source = '<checkpoint>'): TrainingProgress {
  const meta = progressOf(decodeSafetensors(bytes, source).metadata, source);
  return { epoch: meta.epoch, scheduleStep: meta.scheduleStep, extra: meta.extra };
}
