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
const small = values.small ? { channels: 4, search_epochs: 1, search_images: 300, validation_images: 100, final_epochs: 2, threads: 1 } : {};
const clf = new ImageClassifier({
  max_trials: Number(values.trials),
  seed: 0,
  ...(values.budget ? { time_budget_seconds: Number(values.budget) } : {}),
  ...(values.channels ? { channels: Number(values.channels) } : {}),
  ...(values['search-epochs'] ? { search_epochs: Number(values['search-epochs']) } : {}),
  ...(values['search-images'] ? { search_images: Number(values['search-images']) } : {}),
  ...(values['final-epochs'] ? { final_epochs: Number(values['final-epochs']) } : {}),
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
