import { accessSync, constants, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { openStore } from '../experiment/open-store.js';
import { sqlitePath } from '../experiment/sqlite-store.js';
import type { CliContext } from './context.js';
import type { DoctorCheck } from './doctor.js';
import { storageUrl } from './experiment-session.js';

/** The nearest existing folder of a path (where a new database file would be created). */
function existingAncestor(path: string): string {
  let dir = dirname(path);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/**
 * `naskit doctor`'s storage check: the configured storage opens (PostgreSQL answers, the SQLite
 * file opens at a schema this code knows). A SQLite file that does not exist yet is not created:
 * the check only says whether its folder is writable.
 */
export async function storageProbe(context: CliContext): Promise<DoctorCheck[]> {
  const url = storageUrl(context, undefined);
  const name = 'storage';
  try {
    if (url.startsWith('sqlite:') && !existsSync(sqlitePath(url))) {
      const dir = existingAncestor(sqlitePath(url));
      accessSync(dir, constants.W_OK);
      return [{ name, ok: true, detail: `${url} (will be created on the first search)`, fix: null }];
    }
    const store = await openStore(url);
    const count = (await store.listExperiments()).length;
    await store.close();
    return [{ name, ok: true, detail: `${store.url} (${count} experiments)`, fix: null }];
  } catch (error) {
    return [{ name, ok: false, detail: `${url}: ${(error as Error).message}`, fix: 'set NASKIT_STORAGE (or --storage) to a reachable sqlite:///path.db or postgresql://user@host:5432/db' }];
  }
}
