/** The messages between {@link trainInWorker} and its worker thread (plain, structured-cloneable data). */
import type { ModelSpec } from './model-spec.js';
import type { EpochRecord, TrainConfig, TrainData, TrainResult } from './train.js';

/** What the worker receives as `workerData`. */
export interface TrainWorkerSetup {
  spec: ModelSpec;
  data: TrainData;
  /** The training config without its callbacks (functions do not cross threads). */
  config: Omit<TrainConfig, 'onEpoch' | 'onStep'>;
  threads: number;
  returnState: boolean;
}

/** An error as the worker reports it. */
export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  stack?: string;
}

/** What the worker posts back. */
export type TrainWorkerMessage =
  | { type: 'epoch'; record: EpochRecord }
  | { type: 'done'; result: TrainResult; state: Uint8Array | null }
  | { type: 'error'; error: SerializedError };
