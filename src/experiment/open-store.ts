import { join } from 'node:path';
import { StorageError } from '../errors.js';
import { MemoryStore } from './memory-store.js';
import { PostgresStore } from './postgres-store.js';
import { SqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

/** The default storage URL: `sqlite:///<cwd>/.naskit/naskit.db`. */
export function defaultStorageUrl(cwd: string): string {
  return `sqlite://${join(cwd, '.naskit', 'naskit.db')}`;
}

/**
 * Opens the store a URL names: `sqlite:///path.db`, `postgresql://user@host:port/db[?schema=S]`,
 * or `memory:` (this process only). Unknown schemes and unreachable storage → `StorageError`.
 */
export async function openStore(url: string): Promise<Store> {
  if (url === 'memory:') return new MemoryStore();
  if (url.startsWith('sqlite:')) return SqliteStore.open(url);
  if (url.startsWith('postgresql:') || url.startsWith('postgres:')) return PostgresStore.open(url);
  throw new StorageError('BAD_STORAGE_URL', `storage URL ${JSON.stringify(url)} has an unknown scheme; use sqlite:///path/to/file.db or postgresql://user@host:5432/database (--storage or NASKIT_STORAGE)`);
}
