import { join } from 'node:path';
import { DataError } from '../../errors.js';
import { type ImageDataset, makeDataset } from './dataset.js';
import { DATA_FIX } from './files.js';
import { readIdxGz } from './idx.js';

/** The two IDX data sets naskit reads: same format, same sizes, different pictures. */
export type IdxDatasetName = 'mnist' | 'fashion-mnist';

/** Which part of a data set: the training set (split validation from it) or the test set. */
export type DatasetPart = 'train' | 'test';

/** Class names of MNIST (digits) and Fashion-MNIST (clothing), indexed by label. */
export const IDX_CLASSES: Readonly<Record<IdxDatasetName, readonly string[]>> = {
  mnist: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  'fashion-mnist': ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
};

/**
 * Loads MNIST or Fashion-MNIST from `<dataDir>/<name>/` (the four original gzipped IDX files) as
 * 1×28×28 images. Magic numbers, dimensions, lengths, the image/label counts and the label range
 * are checked; any mismatch is a `DataError` (`DATA_MISSING` / `DATA_CORRUPT`) naming the file.
 */
export function loadIdxDataset(dataDir: string, name: IdxDatasetName, part: DatasetPart): ImageDataset {
  const prefix = part === 'train' ? 'train' : 't10k';
  const imagePath = join(dataDir, name, `${prefix}-images-idx3-ubyte.gz`);
  const labelPath = join(dataDir, name, `${prefix}-labels-idx1-ubyte.gz`);
  const images = readIdxGz(imagePath, 3);
  const labels = readIdxGz(labelPath, 1);
  const [count, height, width] = images.dims;
  if (labels.dims[0] !== count) {
    throw new DataError('DATA_CORRUPT', `${labelPath} holds ${labels.dims[0]} labels but ${imagePath} holds ${count} images; one of them is from another set: ${DATA_FIX}`);
  }
  const classes = IDX_CLASSES[name];
  const labelArray = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = labels.data[i];
    if (label >= classes.length) {
      throw new DataError('DATA_CORRUPT', `${labelPath}: record ${i} (offset ${8 + i}) has label ${label}, expected 0–${classes.length - 1}; the file is corrupt: ${DATA_FIX}`);
    }
    labelArray[i] = label;
  }
  // Copy the pixels out of the decompressed buffer so the header bytes are not kept alive.
  return makeDataset(new Uint8Array(images.data), labelArray, { channels: 1, height, width }, classes);
}
