import { DataError } from '../../errors.js';
import { DATA_FIX } from './files.js';

/** One entry of a tar archive; `data` is a view into the archive buffer. */
export interface TarEntry {
  /** Path inside the archive (ustar prefix joined, or a GNU / pax long name). */
  readonly name: string;
  /** Type flag: `'0'` file, `'5'` directory, etc. */
  readonly type: string;
  /** The entry's content. */
  readonly data: Uint8Array;
  /** Byte offset of the entry's header in the archive (for error messages). */
  readonly offset: number;
}

const BLOCK = 512;

/**
 * Lists the entries of an uncompressed tar archive (ustar, with GNU `L` and pax `x` long names).
 * The format is small enough that a dependency would be larger than this parser. Every header's
 * checksum is verified; a bad checksum or an entry running past the end is a `DataError`
 * (`DATA_CORRUPT`) naming `path` and the offset.
 */
export function readTar(archive: Uint8Array, path: string): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  let longName: string | null = null;
  while (offset + BLOCK <= archive.length) {
    const headerOffset = offset;
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) return entries; // end-of-archive marker
    verifyChecksum(header, path, offset);
    const size = octal(header.subarray(124, 136), path, offset);
    const type = header[156] === 0 ? '0' : String.fromCharCode(header[156]);
    const start = offset + BLOCK;
    if (start + size > archive.length) {
      throw corrupt(path, `entry at offset ${offset} declares ${size} bytes but the archive ends ${archive.length - start} bytes later (truncated)`);
    }
    const data = archive.subarray(start, start + size);
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'L') {
      longName = text(data);
      continue;
    }
    if (type === 'x') {
      longName = paxPath(data) ?? longName;
      continue;
    }
    if (type === 'g') continue; // global pax header: nothing naskit needs
    const prefix = text(header.subarray(345, 500));
    const short = text(header.subarray(0, 100));
    const name = longName ?? (prefix && isUstar(header) ? `${prefix}/${short}` : short);
    longName = null;
    entries.push({ name, type, data, offset: headerOffset });
  }
  if (offset !== archive.length) throw corrupt(path, `${archive.length - offset} stray bytes at offset ${offset}, less than a 512-byte header (truncated)`);
  // An archive without the end marker: tolerated, as GNU tar does, when the last entry is whole.
  return entries;
}

function isUstar(header: Uint8Array): boolean {
  return text(header.subarray(257, 263)).startsWith('ustar');
}

function text(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  // A view, not a copy: this runs a few times for each of CIFAR-10's 60,000 entries.
  return Buffer.from(bytes.buffer, bytes.byteOffset, end === -1 ? bytes.length : end).toString('utf8');
}

function octal(bytes: Uint8Array, path: string, offset: number): number {
  const raw = text(bytes).trim();
  if (!/^[0-7]+$/.test(raw)) throw corrupt(path, `header at offset ${offset} has size field ${JSON.stringify(raw)}, not an octal number`);
  return parseInt(raw, 8);
}

function verifyChecksum(header: Uint8Array, path: string, offset: number): void {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : header[i];
  const stored = text(header.subarray(148, 156)).trim();
  if (!/^[0-7]+$/.test(stored) || parseInt(stored, 8) !== sum) {
    throw corrupt(path, `header at offset ${offset} fails its checksum (stored ${JSON.stringify(stored)}, computed ${sum.toString(8)})`);
  }
}

/** The `path` record of a pax extended header (`"<len> path=<value>\n"` records). */
function paxPath(data: Uint8Array): string | null {
  const records = Buffer.from(data).toString('utf8').split('\n');
  for (const record of records) {
    const match = /^\d+ path=(.*)$/.exec(record);
    if (match) return match[1];
  }
  return null;
}

function corrupt(path: string, what: string): DataError {
  return new DataError('DATA_CORRUPT', `${path}: ${what}; the archive is corrupt: ${DATA_FIX}`);
}
