// The one-call image classifier: learns on a small Fashion-MNIST subset, predicts, exports; its inputs are checked.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import jpeg from 'jpeg-js';
import { loadDataset } from '../../src/engine/data/load.js';
import { subset } from '../../src/engine/data/split.js';
import { DataError, TrialStateError } from '../../src/errors.js';
import { ImageClassifier } from '../../src/study/index.js';
import { readImageFolder, toDataset } from '../../src/study/image-input.js';
import { dataDir } from '../../src/util/paths.js';
import { engineTest } from '../engine/helpers.js';

/** Chance on Fashion-MNIST's 10 classes is 10 %; the tiny classifier must beat it by 20 points. */
const CHANCE = 10;
const MARGIN = 20;

engineTest('classifier: at a tiny size it learns Fashion-MNIST well above chance, predicts what it evaluates, and exports', async (t) => {
  const train = subset(await loadDataset(dataDir(), 'fashion-mnist', 'train'), 1000, 0);
  const test = subset(await loadDataset(dataDir(), 'fashion-mnist', 'test'), 500, 1);
  const clf = new ImageClassifier({ max_trials: 2, seed: 0, channels: 4, search_epochs: 1, search_images: 300, validation_images: 150, final_epochs: 3, threads: 1, progress: false });
  const fit = await clf.fit(train);
  assert.equal(fit.trials, 2);
  assert.match(fit.arch, /^\|.+\|$/);
  const { testAccuracy, images } = await clf.evaluate(test);
  assert.equal(images, 500);
  t.diagnostic(`test accuracy ${testAccuracy} % (chance ${CHANCE} %), searched ${fit.arch}`);
  assert.ok(testAccuracy > CHANCE + MARGIN, `test accuracy ${testAccuracy} %`);
  const predicted = await clf.predict({ pixels: test.images, shape: [1, 28, 28] });
  const correct = predicted.filter((p, i) => p === test.labels[i]).length;
  assert.equal((100 * correct) / test.length, testAccuracy);
  const dir = mkdtempSync(join(tmpdir(), 'naskit-clf-'));
  try {
    const files = await clf.export(dir);
    const doc = JSON.parse(readFileSync(files.json, 'utf8'));
    assert.equal(doc.arch, fit.arch);
    assert.equal(doc.test_accuracy, testAccuracy);
    assert.deepEqual(doc.input, { channels: 1, height: 28, width: 28 });
    assert.equal(doc.classes.length, 10);
    assert.ok(readFileSync(files.weights).length > fit.params * 4);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    clf.dispose();
  }
});

test('classifier: misuse is a clear error before any training', async () => {
  const clf = new ImageClassifier({ progress: false });
  await assert.rejects(clf.evaluate({ pixels: new Uint8Array(4), shape: [1, 2, 2] }, [0]), (e: unknown) => e instanceof TrialStateError && e.code === 'NOT_FITTED');
  assert.throws(() => new ImageClassifier({ max_trials: 0 }), RangeError);
  assert.throws(() => toDataset({ pixels: new Uint8Array(10), shape: [1, 2, 2] }, [0, 1], null, 1), (e: unknown) => e instanceof DataError && e.code === 'IMAGES_BAD_SHAPE');
  assert.throws(() => toDataset({ pixels: new Uint8Array(8), shape: [1, 2, 2] }, [0], null, 1), (e: unknown) => e instanceof DataError && e.code === 'LABELS_BAD');
  assert.throws(() => toDataset({ pixels: new Uint8Array(8), shape: [1, 2, 2] }, [0, 1.5], null, 1), (e: unknown) => e instanceof DataError && e.code === 'LABELS_BAD');
  assert.throws(() => toDataset({ pixels: new Uint8Array(8), shape: [1, 2, 2] }, [0, 3], ['a', 'b'], 1), (e: unknown) => e instanceof DataError && e.code === 'LABELS_BAD');
  const ok = toDataset({ pixels: new Uint8Array(8), shape: [1, 2, 2] }, [0, 2], null, 1);
  assert.deepEqual(ok.classes, ['0', '1', '2']);
});

test('classifier: an image folder (root/<class>/*.jpg) is read into a labelled data set', () => {
  const root = mkdtempSync(join(tmpdir(), 'naskit-folder-'));
  try {
    for (const [k, name] of ['cat', 'dog'].entries()) {
      mkdirSync(join(root, name));
      for (let i = 0; i < 3; i++) {
        const data = Buffer.alloc(8 * 6 * 4, k === 0 ? 30 : 220);
        writeFileSync(join(root, name, `${i}.jpg`), jpeg.encode({ data, width: 8, height: 6 }, 95).data);
      }
    }
    const ds = readImageFolder(root, null, 3);
    assert.deepEqual(ds.classes, ['cat', 'dog']);
    assert.deepEqual(ds.shape, { channels: 3, height: 6, width: 8 });
    assert.deepEqual([...ds.labels], [0, 0, 0, 1, 1, 1]);
    // Dark cats, bright dogs, through JPEG's loss.
    assert.ok(Math.abs(ds.images[0] - 30) < 6 && Math.abs(ds.images[ds.images.length - 1] - 220) < 6);
    writeFileSync(join(root, 'dog', 'big.jpg'), jpeg.encode({ data: Buffer.alloc(16 * 16 * 4), width: 16, height: 16 }, 90).data);
    assert.throws(() => readImageFolder(root, null, 3), (e: unknown) => e instanceof DataError && e.code === 'IMAGE_FOLDER_BAD');
    assert.throws(() => readImageFolder(join(root, 'nope'), null, 3), (e: unknown) => e instanceof DataError && e.code === 'IMAGE_FOLDER_MISSING');
    assert.ok(existsSync(join(root, 'cat')));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('classifier: without the engine, the study API imports and runs, and fit says what is missing (ENGINE_MISSING)', async () => {
  const { cpSync, symlinkSync } = await import('node:fs');
  const { spawnSync } = await import('node:child_process');
  const { projectRoot } = await import('../../src/util/paths.js');
  // A copy of the compiled library in a folder with no native/ build: libtorch "absent".
  const root = mkdtempSync(join(tmpdir(), 'naskit-noengine-'));
  try {
    cpSync(join(projectRoot(), 'dist', 'src'), join(root, 'dist', 'src'), { recursive: true });
    symlinkSync(join(projectRoot(), 'node_modules'), join(root, 'node_modules'));
    const script = `
      import { createStudy, ImageClassifier } from ${JSON.stringify(join(root, 'dist', 'src', 'study', 'index.js'))};
      const study = await createStudy({ strategy: 'rea' });
      await study.optimize((t) => t.suggestFloat('x', 0, 1), { trials: 12 });
      const clf = new ImageClassifier({ progress: false });
      try { await clf.fit({ pixels: new Uint8Array(40), shape: [1, 2, 2] }, [0, 1, 0, 1, 0, 1, 0, 1, 0, 1]); }
      catch (e) { console.log(JSON.stringify({ trials: study.trials.length, name: e.name, code: e.code, message: e.message })); }`;
    writeFileSync(join(root, 'probe.mjs'), script);
    const r = spawnSync(process.execPath, [join(root, 'probe.mjs')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.trials, 12);
    assert.equal(out.name, 'NativeError');
    assert.equal(out.code, 'ENGINE_MISSING');
    assert.match(out.message, /libtorch/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
