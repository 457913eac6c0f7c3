import { loadDataset } from '../../engine/data/load.js';
import { iterateBatches } from '../../engine/data/batches.js';
import { CIFAR10_NORMALIZATION } from '../../engine/data/normalize.js';
import { avgPool2d } from '../../engine/ops/nn.js';
import { tensor } from '../../engine/ops/creation.js';
import { keep } from '../../engine/memory.js';
import { ConfigError } from '../../errors.js';
import { PROXY_DATASETS, PROXY_DATASET_CLASSES, type ProxyBatch, type ProxyDataset } from './types.js';


/** Options of {@link proxyBatch}. */
export interface ProxyBatchOptions {
  readonly dataset: ProxyDataset;
  /** Images in the batch (Abdelfattah et al. use 64, Mellor et al. 128). */
  readonly batchSize: number;
  /** Which training images (a seeded shuffle's first batch). */
  readonly seed: number;
}

/**
 * One minibatch of training images for the proxies, kept (dispose its tensors when done).
 * CIFAR-100 and ImageNet16-120 are not in the shared data: their batches are CIFAR-10 training
 * images (for ImageNet16-120 averaged down to 16×16, its resolution) with CIFAR-10's labels, and the
 * network is built with the data set's class count. That is a stand-in, not the data set: the
 * label-dependent proxies (snip, grad_norm, grasp, fisher) see 10 of the classes only.
 */
export async function proxyBatch(dataDir: string, options: ProxyBatchOptions): Promise<ProxyBatch & { readonly numClasses: number }> {
  if (!(PROXY_DATASETS as readonly string[]).includes(options.dataset)) throw new ConfigError('CONFIG_INVALID', `proxy dataset ${JSON.stringify(options.dataset)} is unknown; valid: ${PROXY_DATASETS.join(', ')}`);
  const train = await loadDataset(dataDir, 'cifar10', 'train');
  if (!Number.isInteger(options.batchSize) || options.batchSize < 2 || options.batchSize > train.length) throw new ConfigError('CONFIG_INVALID', `proxy batch size must be an integer from 2 to ${train.length}, got ${options.batchSize}`);
  const first = iterateBatches(train, { batchSize: options.batchSize, seed: options.seed, shuffle: true, normalization: CIFAR10_NORMALIZATION }, 0).next().value!;
  let images = tensor(first.images, first.shape);
  if (options.dataset === 'ImageNet16-120') images = avgPool2d(images, 2);
  return { images: keep(images), labels: keep(tensor(first.labels, [first.labels.length])), numClasses: PROXY_DATASET_CLASSES[options.dataset] };
}
