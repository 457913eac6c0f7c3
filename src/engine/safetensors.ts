/**
 * The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
 * header length, a JSON header mapping each tensor name to `{dtype, shape, data_offsets}` (plus an
 * optional `__metadata__` of strings), then the tensors' raw little-endian bytes. Used for
 * checkpoints and exported weights; works on plain typed arrays, not on native tensors.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataError } from '../errors.js';

/** The element types naskit reads and writes. */
export type SafetensorsDtype = 'F32' | 'F64' | 'I32' | 'I64' | 'U8';

/** The typed array that holds each dtype. */
export type SafetensorsArray = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

/** One named tensor: its values (row-major) and its shape (`[]` for a scalar). */
export interface SafetensorsTensor {
  readonly data: SafetensorsArray;
  readonly shape: readonly number[];
}

/** A decoded file: tensors by name, in the file's header order, and the free-form string metadata. */
export interface SafetensorsFile {
  readonly tensors: Record<string, SafetensorsTensor>;
  readonly metadata: Record<string, string>;
}

interface DtypeInfo {
  readonly bytes: number;
  readonly make: (length: number) => SafetensorsArray;
}

const DTYPES: Readonly<Record<SafetensorsDtype, DtypeInfo>> = {
  F32: { bytes: 4, make: (n) => new Float32Array(n) },
  F64: { bytes: 8, make: (n) => new Float64Array(n) },
  I32: { bytes: 4, make: (n) => new Int32Array(n) },
  I64: { bytes: 8, make: (n) => new BigInt64Array(n) },
  U8: { bytes: 1, make: (n) => new Uint8Array(n) },
};

/** Headers past this size are refused, as the reference implementation does (100 MB). */
const MAX_HEADER_BYTES = 100_000_000;

// Raw bytes are copied as they lie in memory: that is the file's little-endian order on every
// platform Node.js supports for naskit (x86-64, arm64).

/** The dtype of a typed array. */
export function dtypeOf(data: SafetensorsArray): SafetensorsDtype {
  if (data instanceof Float32Array) return 'F32';
  if (data instanceof Float64Array) return 'F64';
  if (data instanceof Int32Array) return 'I32';
  if (data instanceof BigInt64Array) return 'I64';
  if (data instanceof Uint8Array) return 'U8';
  throw new TypeError('safetensors: data must be a Float32Array, Float64Array, Int32Array, BigInt64Array or Uint8Array');
}

/**
 * Encodes tensors (in the record's key order) and optional string metadata into safetensors
 * bytes. The header is padded with spaces to a multiple of 8 bytes so the data is aligned.
 * Throws `RangeError` when a shape does not match its data's length, or a name is empty or reserved.
 */
export function encodeSafetensors(tensors: Readonly<Record<string, SafetensorsTensor>>, metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string') throw new TypeError(`safetensors: metadata ${JSON.stringify(key)} must be a string, got ${typeof value}`);
    }
    header.__metadata__ = { ...metadata };
  }
  let offset = 0;
  const parts: Uint8Array[] = [];
  for (const [name, tensor] of Object.entries(tensors)) {
    if (name === '' || name === '__metadata__') throw new RangeError(`safetensors: tensor name ${JSON.stringify(name)} is empty or reserved`);
    const dtype = dtypeOf(tensor.data);
    const count = elementCount(tensor.shape, `tensor ${JSON.stringify(name)}`);
    if (count !== tensor.data.length) {
      throw new RangeError(`safetensors: tensor ${JSON.stringify(name)} has shape [${tensor.shape.join(', ')}] (${count} elements) but ${tensor.data.length} values`);
    }
    const bytes = new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
    header[name] = { dtype, shape: [...tensor.shape], data_offsets: [offset, offset + bytes.length] };
    parts.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((Buffer.byteLength(json) + 8) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Decodes safetensors bytes, validating everything: the header length, the JSON, each entry's
 * dtype, shape and offsets (in range, matching the shape, covering the data with no gap or
 * overlap) and the metadata. Any fault is a `DataError` (`SAFETENSORS_CORRUPT`) naming `source`.
 * Tensors are copied into fresh, aligned typed arrays.
 */
export function decodeSafetensors(bytes: Uint8Array, source = '<buffer>'): SafetensorsFile {
  const fail = (what: string): DataError => new DataError('SAFETENSORS_CORRUPT', `${source}: ${what}; the file is not valid safetensors (truncated or written by something else): re-export it`);
  if (bytes.length < 8) throw fail(`${bytes.length} bytes, shorter than the 8-byte header length`);
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (headerLength > BigInt(Math.min(MAX_HEADER_BYTES, bytes.length - 8))) {
    throw fail(`header length ${headerLength} at offset 0 exceeds the ${bytes.length - 8} bytes that follow (or the 100 MB limit)`);
  }
  const dataStart = 8 + Number(headerLength);
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 8, Number(headerLength)).toString('utf8'));
  } catch (error) {
    throw fail(`header at offset 8 is not JSON (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw fail('header is not a JSON object');
  const metadata: Record<string, string> = {};
  const entries: { name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail('__metadata__ is not an object');
      for (const [key, text] of Object.entries(value as Record<string, unknown>)) {
        if (typeof text !== 'string') throw fail(`__metadata__.${key} is not a string`);
        metadata[key] = text;
      }
      continue;
    }
    const entry = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    if (typeof entry !== 'object' || entry === null) throw fail(`tensor ${JSON.stringify(name)} is not an object`);
    const dtype = entry.dtype;
    if (typeof dtype !== 'string' || !Object.hasOwn(DTYPES, dtype)) {
      throw fail(`tensor ${JSON.stringify(name)} has dtype ${JSON.stringify(dtype)}; naskit reads ${Object.keys(DTYPES).join(', ')}`);
    }
    const shape = entry.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw fail(`tensor ${JSON.stringify(name)} has shape ${JSON.stringify(shape)}, not a list of non-negative integers`);
    const offsets = entry.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      throw fail(`tensor ${JSON.stringify(name)} has data_offsets ${JSON.stringify(offsets)}, not [begin, end]`);
    }
    const [begin, end] = offsets as number[];
    const info = DTYPES[dtype as SafetensorsDtype];
    const expected = (shape as number[]).reduce((a, b) => a * b, 1) * info.bytes;
    if (end < begin || end - begin !== expected) throw fail(`tensor ${JSON.stringify(name)} spans bytes [${begin}, ${end}) but shape [${shape.join(', ')}] of ${dtype} needs ${expected}`);
    if (dataStart + end > bytes.length) throw fail(`tensor ${JSON.stringify(name)} ends at data offset ${end}, past the ${bytes.length - dataStart} data bytes (truncated)`);
    entries.push({ name, dtype: dtype as SafetensorsDtype, shape: shape as number[], begin, end });
  }
  // The data must be exactly covered, as the format requires: no holes, no overlaps, no tail.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin);
  let covered = 0;
  for (const entry of sorted) {
    if (entry.begin !== covered) throw fail(`tensor ${JSON.stringify(entry.name)} starts at data offset ${entry.begin}, expected ${covered} (a gap or an overlap)`);
    covered = entry.end;
  }
  if (dataStart + covered !== bytes.length) throw fail(`${bytes.length - dataStart - covered} bytes after the last tensor at data offset ${covered}`);
  const tensors: Record<string, SafetensorsTensor> = {};
  for (const entry of entries) {
    const info = DTYPES[entry.dtype];
    const data = info.make((entry.end - entry.begin) / info.bytes);
    new Uint8Array(data.buffer).set(bytes.subarray(dataStart + entry.begin, dataStart + entry.end));
    tensors[entry.name] = { data, shape: entry.shape };
  }
  return { tensors, metadata };
}

/** Writes a safetensors file atomically (temporary file, then rename). */
export function writeSafetensors(path: string, tensors: Readonly<Record<string, SafetensorsTensor>>, metadata: Readonly<Record<string, string>> = {}): void {
  const bytes = encodeSafetensors(tensors, metadata);
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    writeFileSync(temp, bytes);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** Reads and validates a safetensors file; a missing file is a `DataError` (`DATA_MISSING`). */
export function readSafetensors(path: string): SafetensorsFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new DataError('DATA_MISSING', `cannot read ${path}: ${(error as Error).message}; check the path of the checkpoint`, { cause: error });
  }
  return decodeSafetensors(bytes, path);
}

function elementCount(shape: readonly number[], what: string): number {
  let count = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new RangeError(`safetensors: ${what} has shape [${shape.join(', ')}]; dimensions must be non-negative integers`);
    count *= d;
  }
  return count;
}
