import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { CIFAR10_CLASSES, classCounts, decodeCifar10Archive, loadCifar10, readDatasetCache, readTar, writeDatasetCache } from '../../../src/engine/data/index.js';
import { DataError } from '../../../src/errors.js';
import { testDataDir } from '../../helpers/data.js';

function isCode(code: string) {
  return (error: unknown) => error instanceof DataError && error.code === code;
}

/** A ustar archive of the given files, written by hand (512-byte headers, octal fields, checksum). */
function ustar(files: { name: string; data: Uint8Array }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const file of files) {
    const header = Buffer.alloc(512);
    header.write(file.name, 0);
    header.write('0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(file.data.length.toString(8).padStart(11, '0') + '\0', 124);
    header.write('00000000000\0', 136);
    header.write('        ', 148);
    header.write('0', 156);
    header.write('ustar\0' + '00', 257);
    let sum = 0;
    for (const b of header) sum += b;
    header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    blocks.push(header, Buffer.from(file.data), Buffer.alloc((512 - (file.data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** A 32×32 JPEG of one colour. */
function solidJpeg(r: number, g: number, b: number): Uint8Array {
  const data = Buffer.alloc(32 * 32 * 4);
  for (let p = 0; p < 32 * 32; p++) data.set([r, g, b, 255], p * 4);
  return jpeg.encode({ data, width: 32, height: 32 }, 95).data;
}

test('cifar10: the test set loads 10,000 3×32×32 images, 1,000 per class, with plausible colours', async () => {
  // Uses the project's cache: the first run decodes the archive (a few seconds), later runs read it.
  const data = await loadCifar10(testDataDir(), 'test');
  assert.equal(data.length, 10000);
  assert.deepEqual(data.shape, { channels: 3, height: 32, width: 32 });
  assert.deepEqual(classCounts(data), new Array(10).fill(1000));
  assert.deepEqual(data.classes, CIFAR10_CLASSES);
  // Channel means of CIFAR-10 are about 0.49, 0.48, 0.45 (red ≥ green > blue): checks the channel order.
  const plane = 1024;
  const means = [0, 1, 2].map((c) => {
    let sum = 0;
    for (let i = 0; i < data.length; i++) for (let p = 0; p < plane; p++) sum += data.images[(i * 3 + c) * plane + p];
    return sum / (data.length * plane * 255);
  });
  assert.ok(Math.abs(means[0] - 0.494) < 0.02 && Math.abs(means[1] - 0.485) < 0.02 && Math.abs(means[2] - 0.450) < 0.02, `means ${means}`);
});

test('cifar10: loadCifar10 rebuilds a damaged cache instead of trusting it', async () => {
  const good = await loadCifar10(testDataDir(), 'test'); // reads (or builds) the project's cache
  const cacheDir = mkdtempSync(join(tmpdir(), 'naskit-cache-'));
  try {
    const path = join(cacheDir, 'cifar10-test.bin');
    writeDatasetCache(path, 'any', good); // a valid file, but written for another source…
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 5)); // …and truncated
    const rebuilt = await loadCifar10(testDataDir(), 'test', { cacheDir, workers: 2 }); // the worker-thread decode path
    assert.deepEqual(rebuilt.labels, good.labels);
    assert.ok(Buffer.from(rebuilt.images).equals(Buffer.from(good.images)), 'same pixels after the rebuild');
    assert.notEqual(readFileSync(path).length, bytes.length - 5, 'the cache file was rewritten');
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
});

test('cifar10: the cache is written once, reused, and rebuilt when damaged', async () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'naskit-cache-'));
  try {
    // A tiny stand-in for the data folder, with 10 images in the "test" archive.
    const dataDir = join(cacheDir, 'data');
    mkdirSync(join(dataDir, 'cifar10'), { recursive: true });
    const files = CIFAR10_CLASSES.map((name, i) => ({ name: `test/${name}/0000.jpg`, data: solidJpeg(25 * i, 255 - 25 * i, 128) }));
    const archive = join(dataDir, 'cifar10', 'test.tar.gz');
    writeFileSync(archive, gzipSync(ustar(files)));
    const decoded = await decodeCifar10Archive(archive, 10, 0);
    assert.deepEqual(Array.from(decoded.labels), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Image 3 is (75, 180, 128): channel planes in R, G, B order (JPEG is lossy: allow a few levels).
    for (const [c, value] of [75, 180, 128].entries()) assert.ok(Math.abs(decoded.images[(3 * 3 + c) * 1024 + 500] - value) <= 3, `channel ${c}`);
    const cachePath = join(cacheDir, 'cache.bin');
    writeDatasetCache(cachePath, 'source-1', decoded);
    assert.deepEqual(readDatasetCache(cachePath, 'source-1')?.images, decoded.images);
    assert.equal(readDatasetCache(cachePath, 'source-2'), null, 'stale source');
    const bytes = readFileSync(cachePath);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 100] ^= 1;
    writeFileSync(cachePath, flipped);
    assert.equal(readDatasetCache(cachePath, 'source-1'), null, 'one flipped pixel bit');
    writeFileSync(cachePath, bytes.subarray(0, bytes.length - 1));
    assert.equal(readDatasetCache(cachePath, 'source-1'), null, 'truncated');
    writeFileSync(cachePath, Buffer.from('garbage'));
    assert.equal(readDatasetCache(cachePath, 'source-1'), null, 'garbage');
    assert.equal(readDatasetCache(join(cacheDir, 'absent.bin'), 'source-1'), null, 'absent');
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
});

test('cifar10: corrupt archives are DataErrors naming the archive', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'naskit-cifar-'));
  try {
    const path = join(dir, 'test.tar.gz');
    const good = [{ name: 'test/cat/0000.jpg', data: solidJpeg(1, 2, 3) }];
    const expectCorrupt = async (bytes: Buffer, what: string, count = 1) => {
      writeFileSync(path, bytes);
      await assert.rejects(decodeCifar10Archive(path, count, 0), (e: unknown) => isCode('DATA_CORRUPT')(e) && (e as Error).message.includes(path), what);
    };
    writeFileSync(path, gzipSync(ustar(good)));
    assert.equal((await decodeCifar10Archive(path, 1, 0)).labels[0], 3); // the fixture itself is valid
    await expectCorrupt(gzipSync(ustar(good)).subarray(0, 100), 'truncated gzip');
    await expectCorrupt(gzipSync(ustar(good).subarray(0, 700)), 'truncated tar entry');
    const badSum = ustar(good);
    badSum[0] ^= 1;
    await expectCorrupt(gzipSync(badSum), 'header checksum');
    await expectCorrupt(gzipSync(ustar([{ name: 'test/unicorn/0000.jpg', data: solidJpeg(1, 2, 3) }])), 'unknown class folder');
    await expectCorrupt(gzipSync(ustar([{ name: 'test/cat/0000.jpg', data: Buffer.from('not a jpeg') }])), 'bad JPEG');
    await expectCorrupt(gzipSync(ustar(good)), 'wrong image count', 2);
    await assert.rejects(loadCifar10(join(dir, 'nowhere'), 'test', { cacheDir: null }), isCode('DATA_MISSING'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tar: reads long names from GNU L entries and stops at the end marker', () => {
  const long = `test/cat/${'x'.repeat(120)}.jpg`;
  const archive = ustar([{ name: '././@LongLink', data: Buffer.from(long + '\0') }, { name: 'short', data: Buffer.from('abc') }]);
  archive[156] = 'L'.charCodeAt(0);
  let sum = 0;
  archive.write('        ', 148);
  for (let i = 0; i < 512; i++) sum += archive[i];
  archive.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  const entries = readTar(archive, 'mem.tar');
  assert.equal(entries.length, 1);
  assert.equal(entries[0].name, long);
  assert.equal(Buffer.from(entries[0].data).toString(), 'abc');
});
