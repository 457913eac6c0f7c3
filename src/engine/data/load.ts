import { CIFAR10_AUGMENT, type AugmentOptions } from './augment.js';
import { type Cifar10Options, loadCifar10 } from './cifar10.js';
import type { ImageDataset } from './dataset.js';
import { type DatasetPart, loadIdxDataset } from './mnist.js';
import { CIFAR10_NORMALIZATION, FASHION_MNIST_NORMALIZATION, MNIST_NORMALIZATION, type Normalization } from './normalize.js';

/** The image data sets naskit can train on (the `--dataset` values of `naskit train`). */
export type DatasetName = 'mnist' | 'fashion-mnist' | 'cifar10';

/** Names accepted by {@link loadDataset}, in a stable order. */
export const DATASET_NAMES: readonly DatasetName[] = ['mnist', 'fashion-mnist', 'cifar10'];

/** Each data set's standard normalisation and training augmentation (none for the grey sets). */
export const DATASET_DEFAULTS: Readonly<Record<DatasetName, { readonly normalization: Normalization; readonly augment: AugmentOptions | null }>> = {
  mnist: { normalization: MNIST_NORMALIZATION, augment: null },
  'fashion-mnist': { normalization: FASHION_MNIST_NORMALIZATION, augment: null },
  cifar10: { normalization: CIFAR10_NORMALIZATION, augment: CIFAR10_AUGMENT },
};

/**
 * Loads one part of a data set from the data folder (the CLI passes `dataDir()`). MNIST and
 * Fashion-MNIST read their IDX files directly (gunzip is fast); CIFAR-10 is decoded once and
 * cached (see `loadCifar10`, whose options apply here).
 */
export async function loadDataset(dataDir: string, name: DatasetName, part: DatasetPart, options: Cifar10Options = {}): Promise<ImageDataset> {
  switch (name) {
    case 'mnist':
    case 'fashion-mnist':
      return loadIdxDataset(dataDir, name, part);
    case 'cifar10':
      return loadCifar10(dataDir, part, options);
    default:
      throw new RangeError(`loadDataset: unknown data set ${JSON.stringify(name)}; expected one of ${DATASET_NAMES.join(', ')}`);
  }
}
