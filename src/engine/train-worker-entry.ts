/**
 * Worker-thread entry of {@link trainInWorker}: builds the model from its spec, runs
 * `trainClassifier`, posts each epoch record as it ends, then the result (and the trained state
 * dict as safetensors bytes, transferred without a copy). Errors are posted as plain data so the
 * caller can rebuild naskit's error classes (a thrown error would reach it as a bare Error).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { buildModel } from './model-spec.js';
import { setNumThreads } from './runtime.js';
import { stateDictToSafetensors } from './state-bytes.js';
import { trainClassifier } from './train.js';
import type { TrainWorkerMessage, TrainWorkerSetup } from './train-worker-protocol.js';

const port = parentPort;
if (port === null) throw new Error('train-worker-entry.js runs only as a worker thread (see trainInWorker)');
const post = (message: TrainWorkerMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

async function main(setup: TrainWorkerSetup): Promise<void> {
  // libtorch's intra-op thread count is per OS thread with OpenMP: set it here, not only in the caller.
  setNumThreads(setup.threads);
  const model = buildModel(setup.spec);
  try {
    const result = await trainClassifier(model, setup.data, { ...setup.config, onEpoch: (record) => post({ type: 'epoch', record }) });
    const state = setup.returnState ? stateDictToSafetensors(model) : null;
    post({ type: 'done', result, state }, state ? [state.buffer as ArrayBuffer] : []);
  } finally {
    model.dispose();
  }
}

main(workerData as TrainWorkerSetup).catch((error: unknown) => {
  const e = error instanceof Error ? error : new Error(String(error));
  post({ type: 'error', error: { name: e.name, message: e.message, code: (e as { code?: unknown }).code as string | undefined, stack: e.stack } });
});
