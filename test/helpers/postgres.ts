// A PostgreSQL for the storage tests on any machine: the configured server when it answers, else a
// throw-away server started from the PostgreSQL binaries when they are installed (initdb, pg_ctl),
// else a reason to skip. CI sets NASKIT_REQUIRE_POSTGRES=1, which turns the skip into a failure.
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import { test, describe, type TestContext } from 'node:test';
import pg from 'pg';

/** A server the tests may use, or why there is none. */
export type PostgresFound = { readonly url: string } | { readonly missing: string };

/** Whether `url` accepts a connection and a query within a few seconds; the error message if not. */
async function reachable(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

/** The directory holding `initdb` and `pg_ctl`: on the PATH, or Debian's /usr/lib/postgresql/N/bin (newest first). */
function postgresBinaries(): string | null {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    for (const v of readdirSync(debian).sort((a, b) => Number(b) - Number(a))) dirs.push(join(debian, v, 'bin'));
  }
  return dirs.find((d) => existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl'))) ?? null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a throw-away PostgreSQL (trust authentication, 127.0.0.1 on a free port, fsync off) in a
 * temporary folder, with a database `test`; it is stopped and deleted when this process exits.
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres` user (runuser).
 */
async function startOwn(): Promise<PostgresFound> {
  const bin = postgresBinaries();
  if (!bin) return { missing: 'no PostgreSQL server answers and no initdb/pg_ctl is installed to start one' };
  const asRoot = userInfo().uid === 0;
  let uid = -1;
  let gid = -1;
  if (asRoot) {
    const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const group = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (id.status !== 0 || !existsSync('/usr/sbin/runuser')) return { missing: 'running as root without a postgres user (or runuser) to start a server as' };
    uid = Number(id.stdout.trim());
    gid = Number(group.stdout.trim());
  }
  const dir = mkdtempSync(join(tmpdir(), 'naskit-pg-'));
  if (asRoot) chownSync(dir, uid, gid);
  const run = (tool: string, args: readonly string[]) => {
    const command = asRoot ? ['/usr/sbin/runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] as const : [join(bin, tool), args] as const;
    return spawnSync(command[0], command[1], { encoding: 'utf8', cwd: dir, timeout: 60_000 });
  };
  const data = join(dir, 'data');
  const init = run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return { missing: `no PostgreSQL server answers and initdb failed: ${(init.stderr || String(init.error)).trim().split('\n')[0]}` };
  }
  const port = await freePort();
  const start = run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`, 'start']);
  const stop = (): void => {
    run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
    rmSync(dir, { recursive: true, force: true });
  };
  if (start.status !== 0) {
    stop();
    return { missing: `no PostgreSQL server answers and pg_ctl start failed: ${(start.stderr || start.stdout).trim().split('\n')[0]}` };
  }
  process.once('exit', stop);
  const admin = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:${port}/postgres` });
  await admin.connect();
  await admin.query('CREATE DATABASE test');
  await admin.end();
  return { url: `postgresql://postgres@127.0.0.1:${port}/test` };
}

/** The configured server (`base`) when it answers, else one started here, else why there is none. */
export async function findPostgres(base: string): Promise<PostgresFound> {
  const why = await reachable(base);
  if (why === null) return { url: base };
  const own = await startOwn();
  return 'missing' in own ? { missing: `${own.missing} (${base}: ${why})` } : own;
}

const REQUIRE = 'NASKIT_REQUIRE_POSTGRES';

/**
 * A test that needs PostgreSQL, given why it is missing (null: present): skipped with one line
 * saying why, except with NASKIT_REQUIRE_POSTGRES=1 (CI), where a missing server fails it.
 */
export function postgresTest(name: string, missing: string | null, options: { timeout?: number }, fn: (t: TestContext) => void | Promise<void>): void {
  if (missing === null) test(name, options, fn);
  else if (process.env[REQUIRE] === '1') test(name, () => assert(`${REQUIRE}=1 but there is no PostgreSQL: ${missing}`));
  else test(name, { skip: `no PostgreSQL: ${missing}; set ${REQUIRE}=1 to make this a failure` }, fn);
}

/** A suite that needs PostgreSQL: as {@link postgresTest}, skipped as one line. */
export function postgresDescribe(name: string, missing: string | null, fn: () => void): void {
  if (missing === null) describe(name, fn);
  else if (process.env[REQUIRE] === '1') describe(name, () => test('PostgreSQL is required', () => assert(`${REQUIRE}=1 but there is no PostgreSQL: ${missing}`)));
  else describe(name, { skip: `no PostgreSQL: ${missing}; set ${REQUIRE}=1 to make this a failure` }, fn);
}

function assert(message: string): never {
  throw new Error(message);
}
