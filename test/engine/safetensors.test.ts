import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DataError } from '../../src/errors.js';
import { decodeSafetensors, encodeSafetensors, readSafetensors, writeSafetensors } from '../../src/engine/safetensors.js';

function isCode(code: string) {
  return (error: unknown) => error instanceof DataError && error.code === code;
}

/** A file assembled byte by byte: 8-byte little-endian header length, the header text, the data. */
function handMade(header: string, data: number[]): Uint8Array {
  const text = Buffer.from(header, 'utf8');
  const length = Buffer.alloc(8);
  length.writeUInt32LE(text.length, 0);
  return new Uint8Array(Buffer.concat([length, text, Buffer.from(data)]));
}

test('safetensors: round-trips every dtype, scalars, empty tensors and metadata', () => {
  const tensors = {
    weight: { data: Float32Array.from([1.5, -2.25, 3, 0.125, 1e-8, -0]), shape: [2, 3] },
    double: { data: Float64Array.from([Math.PI, -1e300]), shape: [2] },
    counts: { data: Int32Array.from([-7, 2147483647]), shape: [2, 1] },
    steps: { data: BigInt64Array.from([-(2n ** 62n), 5n]), shape: [2] },
    mask: { data: Uint8Array.from([0, 255, 7]), shape: [3] },
    scalar: { data: Float32Array.from([42]), shape: [] },
    empty: { data: new Float32Array(0), shape: [0, 4] },
  };
  const metadata = { format: 'pt', epoch: '3' };
  const decoded = decodeSafetensors(encodeSafetensors(tensors, metadata));
  assert.deepEqual(decoded.metadata, metadata);
  assert.deepEqual(Object.keys(decoded.tensors), Object.keys(tensors));
  for (const [name, tensor] of Object.entries(tensors)) {
    assert.deepEqual(decoded.tensors[name].shape, tensor.shape, name);
    assert.deepEqual(decoded.tensors[name].data, tensor.data, name);
  }
});

test('safetensors: writes the byte layout of the format exactly (checked against a hand-made file)', () => {
  const header = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}  '; // 54 characters + 2 spaces of padding
  const expected = handMade(header, [0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0]); // 1.0f, -2.0f little-endian
  const written = encodeSafetensors({ a: { data: Float32Array.from([1, -2]), shape: [2] } });
  assert.deepEqual(Array.from(written.subarray(0, 8)), [56, 0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(Buffer.from(written), Buffer.from(expected));
  assert.equal((written.length - 8 - 56) % 8, 0);
});

test('safetensors: reads a hand-made file with metadata, an I64 scalar, U8 data and an unpadded header', () => {
  const header = '{"__metadata__":{"k":"v"},"b":{"dtype":"I64","shape":[],"data_offsets":[0,8]},"c":{"dtype":"U8","shape":[1,3],"data_offsets":[8,11]}}';
  const bytes = handMade(header, [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 9, 8, 7]);
  const file = decodeSafetensors(bytes);
  assert.deepEqual(file.metadata, { k: 'v' });
  assert.deepEqual(file.tensors.b, { data: BigInt64Array.from([-2n]), shape: [] });
  assert.deepEqual(file.tensors.c, { data: Uint8Array.from([9, 8, 7]), shape: [1, 3] });
});

test('safetensors: bad headers and out-of-range offsets are DataErrors with code SAFETENSORS_CORRUPT', () => {
  const entry = (dtype: string, shape: string, offsets: string) => `{"t":{"dtype":"${dtype}","shape":${shape},"data_offsets":${offsets}}}`;
  const four = [1, 2, 3, 4];
  const cases: [string, Uint8Array][] = [
    ['shorter than 8 bytes', new Uint8Array(5)],
    ['header length past the end', (() => { const b = handMade(entry('U8', '[4]', '[0,4]'), four); b[0] = 200; return b; })()],
    ['header not JSON', handMade('{"t":', four)],
    ['header a JSON array', handMade('[1,2]', [])],
    ['unknown dtype', handMade(entry('BF16', '[2]', '[0,4]'), four)],
    ['negative dimension', handMade(entry('U8', '[-4]', '[0,4]'), four)],
    ['offsets not a pair', handMade(entry('U8', '[4]', '[0]'), four)],
    ['offsets do not match the shape', handMade(entry('F32', '[2]', '[0,4]'), four)],
    ['offsets past the data (truncated)', handMade(entry('U8', '[8]', '[0,8]'), four)],
    ['a gap before the tensor', handMade(entry('U8', '[2]', '[2,4]'), four)],
    ['bytes after the last tensor', handMade(entry('U8', '[2]', '[0,2]'), four)],
    ['metadata value not a string', handMade('{"__metadata__":{"k":1}}', [])],
  ];
  for (const [what, bytes] of cases) assert.throws(() => decodeSafetensors(bytes, 'case.safetensors'), isCode('SAFETENSORS_CORRUPT'), what);
});

test('safetensors: files write atomically and read back; a missing file is DATA_MISSING', () => {
  const dir = mkdtempSync(join(tmpdir(), 'naskit-st-'));
  try {
    const path = join(dir, 'sub', 'model.safetensors');
    writeSafetensors(path, { w: { data: Float32Array.from([1, 2, 3, 4]), shape: [2, 2] } }, { arch: '|none~0|' });
    const file = readSafetensors(path);
    assert.deepEqual(file.tensors.w.data, Float32Array.from([1, 2, 3, 4]));
    assert.equal(file.metadata.arch, '|none~0|');
    writeFileSync(path, Buffer.from([1, 2, 3]));
    assert.throws(() => readSafetensors(path), isCode('SAFETENSORS_CORRUPT'));
    assert.throws(() => readSafetensors(join(dir, 'absent.safetensors')), isCode('DATA_MISSING'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('safetensors: writing refuses a shape that does not match the data, and reserved names', () => {
  assert.throws(() => encodeSafetensors({ t: { data: new Float32Array(5), shape: [2, 2] } }), RangeError);
  assert.throws(() => encodeSafetensors({ __metadata__: { data: new Float32Array(1), shape: [1] } }), RangeError);
  assert.throws(() => encodeSafetensors({ t: { data: new Float32Array(1), shape: [1.5] } }), RangeError);
});
