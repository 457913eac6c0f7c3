import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { loadIdxDataset } from '../../src/engine/data/mnist.js';
import { subset } from '../../src/engine/data/split.js';
import { openStore } from '../../src/experiment/open-store.js';
import { readOnnxSummary } from '../../src/export/index.js';
import { projectRoot } from '../../src/util/paths.js';
import { testDataDir } from '../helpers/data.js';
import { engineMissing } from '../engine/helpers.js';

/**
 * The whole path on the command line: a small search on Fashion-MNIST (train estimator), its model
 * exported in the three formats, `naskit predict` on the test set reproducing the recorded test
 * accuracy to the image (ONNX through onnxruntime, the export folder through the engine), and each
 * bad input a one-line error with exit code 1 or 2 and nothing written.
 */
const bin = join(projectRoot(), 'bin', 'naskit.js');
const missing = engineMissing();
const skip = missing !== null && process.env.NASKIT_REQUIRE_ENGINE !== '1' ? `${missing.split(';')[0]}; set NASKIT_REQUIRE_ENGINE=1 to make this a failure` : false;

let dir = '';
/** The exported model: model.json, model.safetensors, model.onnx. */
let good = '';
let storage = '';
const FASHION_TEST_IMAGES = () => join(testDataDir(), 'fashion-mnist', 't10k-images-idx3-ubyte.gz');

function naskit(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir, env: { ...process.env, NASKIT_THREADS: '1' }, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A failure as the contract wants it: exit 1 or 2, one line on stderr, nothing on stdout. */
function assertFails(r: ReturnType<typeof naskit>, status: 1 | 2, pattern: RegExp): void {
  assert.equal(r.status, status, r.stderr);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, pattern);
}

/** An IDX file of unsigned bytes (MNIST's format, not gzipped). */
function writeIdx(path: string, dims: number[], data: Uint8Array): void {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  writeFileSync(path, Buffer.concat([header, data]));
}

function jpegOf(width: number, height: number, pixel: (p: number) => [number, number, number]): Uint8Array {
  const rgba = Buffer.alloc(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const [r, g, b] = pixel(p);
    rgba.set([r, g, b, 255], p * 4);
  }
  return jpeg.encode({ data: rgba, width, height }, 95).data;
}

let searched: { best: { test_accuracy: number; arch: string } } | null = null;

before(() => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'naskit-export-cli-'));
  storage = `sqlite://${join(dir, 'naskit.db')}`;
  writeFileSync(
    join(dir, 'fm.yaml'),
    [
      'name: fm-export',
      'space: nb201',
      'strategy: {name: random}',
      'estimator: {name: train, dataset: fashion-mnist, epochs: 2, channels: 4, cells: 1, train_images: 600, validation_images: 100, batch_size: 50, threads: 1}',
      'budget: {trials: 2}',
      'seed: 0',
      `export: ${join(dir, 'final', 'fm-export.json')}`,
      '',
    ].join('\n'),
  );
  const r = naskit(['search', 'fm.yaml', '--storage', storage, '--json']);
  assert.equal(r.status, 0, r.stderr);
  searched = JSON.parse(r.stdout);
  // The three formats, once for every test below.
  good = join(dir, 'model');
  for (const format of ['json', 'safetensors', 'onnx']) {
    const e = naskit(['export', 'fm-export', '--format', format, '--out', join(good, `model.${format}`), '--storage', storage, '--json']);
    assert.equal(e.status, 0, e.stderr);
    assert.equal(JSON.parse(e.stdout).format, format);
  }
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('export + predict: the found model, exported, reproduces the recorded test accuracy to the image (onnxruntime and engine)', { skip }, () => {
  const out = good;
  const summary = readOnnxSummary(readFileSync(join(out, 'model.onnx')), 'model.onnx');
  assert.equal(summary.irVersion, 8);
  assert.equal(summary.opset, 17);
  assert.deepEqual(JSON.parse(summary.metadata['naskit.classes']!)[9], 'Ankle boot');
  assert.deepEqual(JSON.parse(summary.metadata['naskit.normalization']!).mean, [0.286]);

  const labels = gunzipLabels(join(testDataDir(), 'fashion-mnist', 't10k-labels-idx1-ubyte.gz'));
  const classes = JSON.parse(summary.metadata['naskit.classes']!) as string[];
  const recorded = Math.round((searched!.best.test_accuracy * labels.length) / 100);
  for (const model of [join(out, 'model.onnx'), out]) {
    const r = naskit(['predict', model, '--input', FASHION_TEST_IMAGES(), '--json']);
    assert.equal(r.status, 0, r.stderr);
    const { predictions } = JSON.parse(r.stdout) as { predictions: { input: string; top: { class: string; probability: number }[] }[] };
    assert.equal(predictions.length, labels.length);
    const correct = predictions.filter((p, i) => p.top[0].class === classes[labels[i]]).length;
    assert.equal(correct, recorded, `${model}: ${correct} correct images, the search recorded ${searched!.best.test_accuracy}% = ${recorded}`);
    assert.equal(predictions[0].top.length, 3);
    assert.ok(predictions[0].top[0].probability >= predictions[0].top[1].probability);
  }

  // The architecture file reloads into naskit train: the same network (parameter count of the final step's record).
  const finalRecord = JSON.parse(readFileSync(join(dir, 'final', 'fm-export.json'), 'utf8')) as { params: number };
  const trained = naskit(['train', '--arch-file', join(out, 'model.json'), '--dataset', 'fashion-mnist', '--epochs', '1', '--subset', '200', '--json']);
  assert.equal(trained.status, 0, trained.stderr);
  assert.equal(JSON.parse(trained.stdout).params, finalRecord.params);
});

test('predict: JPEG files and folders (grey images for a one-channel model), text output', { skip }, async () => {
  const out = good;
  const test = await loadIdxDataset(testDataDir(), 'fashion-mnist', 'test');
  const images = join(dir, 'jpegs');
  mkdirSync(images, { recursive: true });
  for (let i = 0; i < 3; i++) writeFileSync(join(images, `img${i}.jpg`), jpegOf(28, 28, (p) => Array(3).fill(test.images[i * 784 + p]) as [number, number, number]));
  const r = naskit(['predict', join(out, 'model.onnx'), '--input', images, '--json', '--top', '2']);
  assert.equal(r.status, 0, r.stderr);
  const { predictions } = JSON.parse(r.stdout);
  assert.deepEqual(predictions.map((p: { input: string }) => p.input.split('/').pop()), ['img0.jpg', 'img1.jpg', 'img2.jpg']);
  assert.equal(predictions[0].top.length, 2);
  const text = naskit(['predict', join(out, 'model.onnx'), '--input', join(images, 'img0.jpg')]);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /img0\.jpg: .+ \d+\.\d%/);
});

test('predict: PNG files give the same predictions as the same pixels in IDX', { skip }, async () => {
  const test = await loadIdxDataset(testDataDir(), 'fashion-mnist', 'test');
  const images = join(dir, 'pngs');
  mkdirSync(images, { recursive: true });
  const count = 4;
  for (let i = 0; i < count; i++) {
    const png = new PNG({ width: 28, height: 28, colorType: 0, inputColorType: 0, inputHasAlpha: false });
    png.data = Buffer.from(test.images.subarray(i * 784, (i + 1) * 784));
    writeFileSync(join(images, `img${i}.png`), PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false }));
  }
  writeIdx(join(dir, 'four-idx3-ubyte'), [count, 28, 28], test.images.subarray(0, count * 784));
  const fromPng = naskit(['predict', join(good, 'model.onnx'), '--input', images, '--json']);
  const fromIdx = naskit(['predict', join(good, 'model.onnx'), '--input', join(dir, 'four-idx3-ubyte'), '--json']);
  assert.equal(fromPng.status, 0, fromPng.stderr);
  assert.equal(fromIdx.status, 0, fromIdx.stderr);
  const tops = (r: { stdout: string }) => (JSON.parse(r.stdout) as { predictions: { top: unknown[] }[] }).predictions.map((p) => p.top);
  assert.equal(tops(fromPng).length, count);
  assert.deepEqual(tops(fromPng), tops(fromIdx));
});

test('export and predict: bad input is one line on stderr with exit 1 or 2, and nothing is written', { skip }, async () => {
  const out = join(dir, 'bad-out');
  mkdirSync(out, { recursive: true });

  // An experiment with no finished trial (created, never run), an unknown one, an unknown format.
  const store = await openStore(storage);
  await store.createExperiment({ name: 'unfinished', config: { name: 'unfinished', space: 'nb201' }, seed: 0 });
  await store.close();
  assertFails(naskit(['export', 'unfinished', '--format', 'onnx', '--out', join(out, 'a.onnx'), '--storage', storage]), 1, /unfinished has not finished.*naskit resume unfinished/);
  assertFails(naskit(['export', 'nope', '--format', 'json', '--out', join(out, 'b.json'), '--storage', storage]), 1, /no experiment "nope"/);
  assertFails(naskit(['export', 'fm-export', '--format', 'xml', '--out', join(out, 'c.xml'), '--storage', storage]), 2, /--format "xml" is unknown; valid: json, safetensors, onnx/);

  // A corrupt ONNX file: garbage, and a real one cut in half.
  writeFileSync(join(out, 'garbage.onnx'), Buffer.from('this is not a model at all'));
  assertFails(naskit(['predict', join(out, 'garbage.onnx'), '--input', FASHION_TEST_IMAGES()]), 1, /garbage\.onnx: not (a readable ONNX model|an ONNX model)/);
  const onnx = readFileSync(join(good, 'model.onnx'));
  writeFileSync(join(out, 'half.onnx'), onnx.subarray(0, onnx.length >> 1));
  assertFails(naskit(['predict', join(out, 'half.onnx'), '--input', FASHION_TEST_IMAGES()]), 1, /half\.onnx: (not a readable ONNX model|not an ONNX model|onnxruntime cannot load it)/);

  // Corrupt safetensors beside a good architecture file.
  const broken = join(out, 'broken-export');
  mkdirSync(broken);
  copyFileSync(join(good, 'model.json'), join(broken, 'model.json'));
  const weights = readFileSync(join(good, 'model.safetensors'));
  writeFileSync(join(broken, 'model.safetensors'), weights.subarray(0, weights.length - 100));
  assertFails(naskit(['predict', broken, '--input', FASHION_TEST_IMAGES()]), 1, /model\.safetensors: .*not valid safetensors/);

  // Images of the wrong size (IDX) or channel count (a colour JPEG for a grey model), and PNG.
  writeIdx(join(out, 'big-idx3-ubyte'), [2, 32, 32], new Uint8Array(2 * 32 * 32).fill(7));
  assertFails(naskit(['predict', join(good, 'model.onnx'), '--input', join(out, 'big-idx3-ubyte')]), 1, /images are 32×32 with 1 channel, the model takes 28×28 with 1 channel/);
  writeFileSync(join(out, 'colour.jpg'), jpegOf(28, 28, (p) => [p % 256, 0, 255 - (p % 256)]));
  assertFails(naskit(['predict', good, '--input', join(out, 'colour.jpg')]), 1, /colour\.jpg: images are 28×28 with 3 channels, the model takes 28×28 with 1 channel/);
  writeFileSync(join(out, 'image.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  assertFails(naskit(['predict', join(good, 'model.onnx'), '--input', join(out, 'image.png')]), 1, /image\.png: not a readable PNG/);

  // An architecture file that is not one: bad usage.
  writeFileSync(join(out, 'not-arch.json'), JSON.stringify({ format: 'something-else' }));
  assertFails(naskit(['train', '--arch-file', join(out, 'not-arch.json'), '--dataset', 'fashion-mnist']), 2, /not-arch\.json: not a naskit architecture file \(format:/);

  // Nothing was written by any failed export (no file, no temporary file).
  assert.deepEqual(readdirSync(out).sort(), ['big-idx3-ubyte', 'broken-export', 'colour.jpg', 'garbage.onnx', 'half.onnx', 'image.png', 'not-arch.json']);
  assert.ok(!existsSync(join(out, 'a.onnx')));
});

test('export: a tabular search has an architecture but no weights: json works, onnx is refused', { skip }, () => {
  writeFileSync(join(dir, 'tab.yaml'), 'name: tab\nspace: nb201\nstrategy: {name: random}\nestimator: {name: tabular}\nbudget: {trials: 3}\nseed: 0\n' + `export: ${join(dir, 'final', 'tab.json')}\n`);
  assert.equal(naskit(['search', 'tab.yaml', '--storage', storage]).status, 0);
  const out = join(dir, 'tab-out');
  assert.equal(naskit(['export', 'tab', '--format', 'json', '--out', join(out, 'tab.json'), '--storage', storage]).status, 0);
  const doc = JSON.parse(readFileSync(join(out, 'tab.json'), 'utf8'));
  assert.equal(doc.model.kind, 'nb201');
  assert.equal(doc.weights, null);
  assertFails(naskit(['export', 'tab', '--format', 'onnx', '--out', join(out, 'tab.onnx'), '--storage', storage]), 1, /experiment tab has no trained weights/);
  assert.deepEqual(readdirSync(out), ['tab.json']);
});

test('export + predict: a DARTS search (train estimator, auxiliary head) exports; onnxruntime reproduces its test accuracy and train --arch-file rebuilds it', { skip }, async () => {
  writeFileSync(
    join(dir, 'darts.yaml'),
    [
      'name: fm-darts',
      'space: {name: darts, options: {channels: 2, layers: 3, auxiliary: true}}',
      'strategy: {name: random}',
      'estimator: {name: train, dataset: fashion-mnist, epochs: 1, final_epochs: 3, train_images: 500, validation_images: 100, test_images: 1000, batch_size: 50, threads: 1}',
      'budget: {trials: 1}',
      'seed: 0',
      `export: ${join(dir, 'final', 'fm-darts.json')}`,
      '',
    ].join('\n'),
  );
  const r = naskit(['search', 'darts.yaml', '--storage', storage, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const best = (JSON.parse(r.stdout) as { best: { test_accuracy: number } }).best;
  const out = join(dir, 'darts-model');
  for (const format of ['json', 'safetensors', 'onnx']) {
    const e = naskit(['export', 'fm-darts', '--format', format, '--out', join(out, `model.${format}`), '--storage', storage]);
    assert.equal(e.status, 0, e.stderr);
  }
  const doc = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
  assert.equal(doc.space, 'darts');
  assert.deepEqual({ kind: doc.model.kind, space: doc.model.space, auxiliary: doc.model.options.auxiliary, layers: doc.model.options.layers }, { kind: 'space', space: 'darts', auxiliary: true, layers: 3 });
  // The auxiliary head's weights travel in the safetensors (the network reloads whole) but not in the ONNX graph (evaluation leaves it out).
  const onnxBytes = readFileSync(join(out, 'model.onnx'));
  const onnx = readOnnxSummary(onnxBytes, 'model.onnx');
  assert.ok(onnxBytes.includes('cells.2._ops.0') && !onnxBytes.includes('auxiliary_head'), 'the ONNX graph holds the auxiliary head (or no cell)');
  assert.ok(readFileSync(join(out, 'model.safetensors')).includes('auxiliary_head.classifier.weight'));

  // The final step tested on 1,000 test images drawn with the split seed (0): the same images, as IDX, for predict.
  const test = subset(await loadIdxDataset(testDataDir(), 'fashion-mnist', 'test'), 1000, 0);
  writeIdx(join(dir, 'darts-test-idx3-ubyte'), [test.length, 28, 28], test.images);
  const classes = JSON.parse(onnx.metadata['naskit.classes']!) as string[];
  const recorded = Math.round((best.test_accuracy * test.length) / 100);
  const p = naskit(['predict', join(out, 'model.onnx'), '--input', join(dir, 'darts-test-idx3-ubyte'), '--json', '--top', '1']);
  assert.equal(p.status, 0, p.stderr);
  const { predictions } = JSON.parse(p.stdout) as { predictions: { top: { class: string }[] }[] };
  const correct = predictions.filter((q, i) => q.top[0].class === classes[test.labels[i]]).length;
  assert.equal(correct, recorded, `${correct} correct images, the search recorded ${best.test_accuracy}% = ${recorded}`);
  // A model that learned (well above the 10 % of one class for every image), so agreeing image by image means something.
  assert.ok(best.test_accuracy > 25, `test accuracy ${best.test_accuracy}%`);

  const finalRecord = JSON.parse(readFileSync(join(dir, 'final', 'fm-darts.json'), 'utf8')) as { params: number };
  const trained = naskit(['train', '--arch-file', join(out, 'model.json'), '--dataset', 'fashion-mnist', '--epochs', '1', '--subset', '100', '--json']);
  assert.equal(trained.status, 0, trained.stderr);
  assert.equal(JSON.parse(trained.stdout).params, finalRecord.params);
});

function gunzipLabels(path: string): Uint8Array {
  // The label file's 8-byte header, then one byte per image.
  return gunzipSync(readFileSync(path)).subarray(8);
}
