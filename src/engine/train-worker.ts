import { Worker } from 'node:worker_threads';
import { ConfigError, DataError, NaskitError, NativeError, SampleError } from '../errors.js';
import type { ModelSpec } from './model-spec.js';
import { numThreads } from './runtime.js';
import type { TrainConfig, TrainData, TrainResult } from './train.js';
import type { SerializedError, TrainWorkerMessage, TrainWorkerSetup } from './train-worker-protocol.js';

/** Options of {@link trainInWorker}. */
export interface TrainInWorkerOptions {
  /** libtorch intra-op threads in the worker (default: this thread's `numThreads()`). */
  threads?: number;
  /** Also return the trained state dict as safetensors bytes (default false). */
  returnState?: boolean;
  /** Stops the worker; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** {@link TrainResult} plus the trained weights when asked for. */
export interface WorkerTrainResult extends TrainResult {
  /** The state dict as safetensors bytes (load with `loadSafetensorsState`), or null. */
  state: Uint8Array | null;
}

const ERROR_CLASSES: Record<string, new (code: string, message: string) => NaskitError> = { NativeError, ConfigError, DataError, SampleError, NaskitError };

/** Rebuilds the worker's error as the class it had there (naskit's errors keep their code). */
function rebuild(e: SerializedError): Error {
  const NaskitClass = ERROR_CLASSES[e.name];
  const error =
    NaskitClass && e.code !== undefined
      ? new NaskitClass(e.code, e.message)
      : e.name === 'RangeError'
        ? new RangeError(e.message)
        : e.name === 'TypeError'
          ? new TypeError(e.message)
          : new Error(e.message);
  if (e.stack) error.stack = `${error.name}: ${e.message}\n    (in the training worker thread)\n${e.stack.split('\n').slice(1).join('\n')}`;
  return error;
}

/**
 * Trains the model `spec` describes with {@link trainClassifier} in a worker thread, so that the
 * calling thread's event loop (a server, a progress bar) never waits on a training step. The data
 * sets are cloned into the worker (pixels on a SharedArrayBuffer are shared, not copied); epoch
 * records arrive through `config.onEpoch` on this thread. Same spec, data, config and thread count
 * give the same result as building the model with `buildModel(spec)` and training it here.
 */
export function trainInWorker(spec: ModelSpec, data: TrainData, config: TrainConfig, options: TrainInWorkerOptions = {}): Promise<WorkerTrainResult> {
  const threads = options.threads ?? numThreads();
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`trainInWorker: threads must be a positive integer, got ${threads}`);
  if (config.onStep) return Promise.reject(new RangeError('trainInWorker: onStep is not supported (functions do not cross threads); use trainClassifier'));
  const { onEpoch, onStep: _onStep, ...plainConfig } = config;
  const setup: TrainWorkerSetup = { spec, data: { train: data.train, validation: data.validation, test: data.test ?? null }, config: plainConfig, threads, returnState: options.returnState ?? false };
  const signal = options.signal;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<WorkerTrainResult>((resolve, reject) => {
    const worker = new Worker(new URL('./train-worker-entry.js', import.meta.url), { workerData: setup });
    let settled = false;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      outcome();
    };
    const onAbort = (): void => finish(() => reject(signal?.reason));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (message: TrainWorkerMessage) => {
      if (message.type === 'epoch') {
        try {
          onEpoch?.(message.record);
        } catch (error) {
          finish(() => reject(error));
        }
      } else if (message.type === 'done') finish(() => resolve({ ...message.result, state: message.state }));
      else finish(() => reject(rebuild(message.error)));
    });
    worker.on('error', (error) => finish(() => reject(error)));
    worker.on('exit', (code) => finish(() => reject(new NativeError('WORKER_EXITED', `trainInWorker: the training worker exited with code ${code} before reporting a result`))));
  });
}
