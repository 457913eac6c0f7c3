// One call from images to a tested, exported classifier: a NAS-Bench-201 cell searched for the
// data, the best retrained on all training images, tested once, exported. Needs the libtorch engine.
//
//   node dist/examples/image-classifier.js [--trials 10] [--budget SECONDS] [--train-images 0] [--test-images 0] [--out DIR] [--small]
//     [--channels C] [--search-epochs E] [--search-images N] [--final-epochs E]
//
// Fashion-MNIST from the data folder (NASKIT_DATA, else ../shared/data); 0 images = all of them.
import { parseArgs } from 'node:util';
import { loadDataset } from '../src/engine/data/load.js';
import { subset } from '../src/engine/data/split.js';
import { ImageClassifier } from '../src/study/index.js';
import { dataDir } from '../src/util/paths.js';

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '10' },
    'train-images': { type: 'string', default: '0' },
    'test-images': { type: 'string', default: '0' },
    out: { type: 'string', default: '.naskit/exports/fashion-mnist-classifier' },
    small: { type: 'boolean', default: false },
    budget: { type: 'string' },
    channels: { type: 'string' },
    'search-epochs': { type: 'string' },
    'search-images': { type: 'string' },
    'final-epochs': { type: 'string' },
  },
});

let train = await loadDataset(dataDir(), 'fashion-mnist', 'train');
let test = await loadDataset(dataDir(), 'fashion-mnist', 'test');
const nTrain = Number(values['train-images']);
const nTest = Number(values['test-images']);
if (nTrain > 0) train = subset(train, nTrain, 0);
if (nTest > 0) test = subset(test, nTest, 0);

// --small: a size that trains in seconds (for the test suite); the defaults are the real run.
const small = values.small ? { channels: 4, searchEpochs: 1, searchImages: 300, validationImages: 100, finalEpochs: 2, threads: 1 } : {};
const clf = new ImageClassifier({
  maxTrials: Number(values.trials),
  seed: 0,
  ...(values.budget ? { timeBudgetSeconds: Number(values.budget) } : {}),
  ...(values.channels ? { channels: Number(values.channels) } : {}),
  ...(values['search-epochs'] ? { searchEpochs: Number(values['search-epochs']) } : {}),
  ...(values['search-images'] ? { searchImages: Number(values['search-images']) } : {}),
  ...(values['final-epochs'] ? { finalEpochs: Number(values['final-epochs']) } : {}),
  ...small,
});
const started = Date.now();
const fit = await clf.fit(train);
const fitted = Date.now();
const { testAccuracy } = await clf.evaluate(test);
const files = await clf.export(values.out);
// Wall-clock seconds are a note about this machine, not a result.
const seconds = { fit: (fitted - started) / 1000, evaluate: (Date.now() - fitted) / 1000 };
console.log(JSON.stringify({ ...fit, testAccuracy, seconds, export: files.json }));
clf.dispose();
