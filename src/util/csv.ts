import { readFileSync } from 'node:fs';
import { DataError } from '../errors.js';

/** A parsed CSV file of plain comma-separated fields (no quoting), as naskit's data tables are. */
export interface CsvTable {
  readonly path: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/**
 * Reads a header-first CSV file. Every failure is a `DataError` naming the file (and the line):
 * missing file, empty file, a row with the wrong number of fields, missing required columns.
 */
export function readCsv(path: string, required: readonly string[] = []): CsvTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new DataError('DATA_MISSING', `cannot read ${path}: ${(error as Error).message}; set NASKIT_DATA to the folder holding naskit's data (see ../shared/data/README.md)`, { cause: error });
  }
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new DataError('DATA_CORRUPT', `${path} is empty; expected a header line and data rows`);
  const header = lines[0].split(',');
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length > 0) throw new DataError('DATA_CORRUPT', `${path}:1: missing column(s) ${missing.join(', ')}; the file is not the expected table`);
  const rows: string[][] = [];
  for (let i = 1; i < lines.length; i++) {
    const fields = lines[i].split(',');
    if (fields.length !== header.length) {
      throw new DataError('DATA_CORRUPT', `${path}:${i + 1}: ${fields.length} fields where the header has ${header.length}; the file is truncated or corrupt`);
    }
    rows.push(fields);
  }
  return { path, header, rows };
}

/** The numeric value of a field, or a `DataError` naming file, line and column. */
export function numberField(table: CsvTable, row: number, column: number): number {
  const raw = table.rows[row][column];
  const value = Number(raw);
  if (raw === '' || !Number.isFinite(value)) {
    throw new DataError('DATA_CORRUPT', `${table.path}:${row + 2}: column ${table.header[column]} holds ${JSON.stringify(raw)}, not a number`);
  }
  return value;
}
