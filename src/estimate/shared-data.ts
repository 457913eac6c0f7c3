import { loadDataset, type DatasetName } from '../engine/data/load.js';
import type { ImageDataset } from '../engine/data/dataset.js';
import type { DatasetPart } from '../engine/data/mnist.js';

/**
 * One decoded copy of each data set part per process, shared by every trial and estimator in it:
 * concurrent trials wait for the same load instead of each decoding the files. Across processes on
 * one machine, CIFAR-10's decoded cache file (`.cache/data`) plays the same part.
 */
const loaded = new Map<string, Promise<ImageDataset>>();
let loads = 0;

export function sharedDataset(dataDir: string, name: DatasetName, part: DatasetPart): Promise<ImageDataset> {
  const key = `${dataDir}\0${name}\0${part}`;
  let promise = loaded.get(key);
  if (!promise) {
    loads++;
    promise = loadDataset(dataDir, name, part);
    // A failed load is not cached: the next trial tries again (and reports the same clear error).
    promise.catch(() => loaded.delete(key));
    loaded.set(key, promise);
  }
  return promise;
}

/** How many loads this process has started (for tests of the sharing). */
export function sharedDatasetLoads(): number {
  return loads;
}
