import { timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { NaskitError } from '../errors.js';
import type { Store } from '../experiment/store.js';
import { projectRoot } from '../util/paths.js';
import { DashboardApi, NotFound } from './api.js';
import { followLive } from './live.js';

/** Options of {@link startDashboard}. */
export interface DashboardOptions {
  /** The storage read (and only read). */
  readonly store: Store;
  /** Address to bind: 127.0.0.1 unless given (any other address needs a token). */
  readonly host?: string;
  /** Port (0: any free port). Default 8080. */
  readonly port?: number;
  /** Required for a host other than 127.0.0.1/localhost/::1; every request must carry it. */
  readonly token?: string;
  /** Milliseconds between the live streams' reads of the storage (default 1,000). */
  readonly intervalMs?: number;
  /** Folder of the built front end (default `dist/web` of the package). */
  readonly assetsDir?: string;
}

/** A running dashboard. */
export interface Dashboard {
  /** The address to open (with `?token=` when a token is set). */
  readonly url: string;
  readonly port: number;
  /** Stops the server and every live stream (the store stays open: its owner closes it). */
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

// Everything comes from this server; nothing may be loaded from elsewhere.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The built front end's folder in this package. */
export function defaultAssetsDir(): string {
  return join(projectRoot(), 'dist', 'web');
}

/**
 * Serves the dashboard: the front end's files, a read-only JSON API over `store`, and a
 * Server-Sent Events stream of changes. Only GET and HEAD are answered. Rejects with the server's
 * error (e.g. `EADDRINUSE`) when it cannot listen; a `DASHBOARD_NO_ASSETS` error when the front
 * end was not built; a `DASHBOARD_NEEDS_TOKEN` error for a non-loopback host without a token.
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? null;
  if (!LOOPBACK.has(host) && !token) {
    throw new RangeError(`dashboard: binding to ${host} exposes the storage's experiments to the network; give --token SECRET (and open the printed URL), or leave out --host for 127.0.0.1`);
  }
  const assetsDir = options.assetsDir ?? defaultAssetsDir();
  if (!existsSync(join(assetsDir, 'index.html'))) {
    throw new NaskitError('DASHBOARD_NO_ASSETS', `dashboard: the front end is not built (no ${join(assetsDir, 'index.html')}); run \`npm run build\``);
  }
  const api = new DashboardApi(options.store);
  const intervalMs = options.intervalMs ?? 1_000;
  const streams = new Set<() => void>();

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => sendJson(res, 500, { error: error instanceof Error ? error.message.split('\n')[0] : String(error) }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('content-security-policy', CSP);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
    // A page from another site that resolves its own name to this address (DNS rebinding) sends its own Host.
    const hostHeader = (req.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
    if (!LOOPBACK.has(hostHeader) && hostHeader !== host) return sendText(res, 403, `dashboard: unexpected Host ${JSON.stringify(req.headers.host)}`);
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'dashboard: read-only; only GET is served');
    if (token !== null && !authorised(req, url, token, res)) return sendText(res, 401, 'dashboard: a token is required; open the URL printed by `naskit dashboard` (…/?token=…)');

    const path = url.pathname;
    if (!path.startsWith('/api/')) return sendAsset(res, assetsDir, path);
    const sinceText = url.searchParams.get('since');
    const since = sinceText === null ? null : Number(sinceText);
    if (since !== null && !Number.isFinite(since)) return sendJson(res, 400, { error: `dashboard: since=${JSON.stringify(sinceText)} is not a number; pass the cursor of an earlier trials batch` });
    try {
      if (path === '/api/experiments') return sendJson(res, 200, { storage: options.store.url, experiments: await api.experiments() });
      if (path === '/api/events') {
        const stop = followLive(api, res, { experiment: url.searchParams.get('experiment'), since, intervalMs });
        streams.add(stop);
        req.on('close', () => {
          stop();
          streams.delete(stop);
        });
        return;
      }
      const m = /^\/api\/experiments\/([^/]+)(\/trials(?:\/(\d+))?|\/pareto)?$/.exec(path);
      if (m) {
        const name = decodeURIComponent(m[1]);
        if (m[2] === '/pareto') return sendJson(res, 200, await api.pareto(name));
        if (m[3] !== undefined) return sendJson(res, 200, await api.trial(name, Number(m[3])));
        if (m[2] !== undefined) return sendJson(res, 200, await api.trials(name, since));
        return sendJson(res, 200, await api.detail(name));
      }
      return sendJson(res, 404, { error: `dashboard: no API ${path}` });
    } catch (error) {
      if (error instanceof NotFound) return sendJson(res, 404, { error: error.message });
      // The storage is unreachable (or broken): the page shows the message and retries.
      return sendJson(res, 503, { error: error instanceof Error ? error.message.split('\n')[0] : String(error), storage: false });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/${token ? `?token=${encodeURIComponent(token)}` : ''}`,
    port,
    close: async () => {
      for (const stop of streams) stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A request carrying the token (query, cookie or bearer header); a query token is remembered in a cookie. */
function authorised(req: IncomingMessage, url: URL, token: string, res: ServerResponse): boolean {
  const given =
    url.searchParams.get('token') ??
    /(?:^|;\s*)naskit_token=([^;]*)/.exec(req.headers.cookie ?? '')?.[1] ??
    /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ??
    null;
  if (given === null) return false;
  const a = Buffer.from(decodeURIComponent(given));
  const b = Buffer.from(token);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return false;
  if (url.searchParams.has('token')) res.setHeader('set-cookie', `naskit_token=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`);
  return true;
}

function sendAsset(res: ServerResponse, dir: string, path: string): void {
  // Only plain file names of the built folder: no traversal, no sub-folders.
  const name = path === '/' ? 'index.html' : path.slice(1);
  const type = TYPES[extname(name)];
  if (!/^[\w.-]+$/.test(name) || name.startsWith('.') || !type || !existsSync(join(dir, name))) return sendText(res, 404, `dashboard: no file ${path}`);
  res.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache' });
  res.end(readFileSync(join(dir, name)));
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text + '\n');
}
