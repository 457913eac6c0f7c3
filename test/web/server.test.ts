// The dashboard's server without a browser: the JSON API over a store, live updates, read-only and
// token rules, a storage that goes away and returns, and the CLI's one-line errors.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { get, request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { MemoryStore } from '../../src/experiment/memory-store.js';
import { SqliteStore } from '../../src/experiment/sqlite-store.js';
import type { Store, TrialOutcome, WorkerInfo } from '../../src/experiment/store.js';
import { Nb201Space } from '../../src/space/nb201/space.js';
import { projectRoot } from '../../src/util/paths.js';
import { Rng } from '../../src/util/rng.js';
import type { Json } from '../../src/util/json.js';
import { startDashboard, type Dashboard } from '../../src/web/index.js';
import { naskit, sleep, tempDir } from '../experiment/helpers.js';

const A: WorkerInfo = { id: 'host-a:1:1' };
const B: WorkerInfo = { id: 'host-b:2:2' };
const space = new Nb201Space();
const rng = new Rng(11);
const CONFIG = { name: 'x', space: 'nb201', strategy: { name: 'random' }, estimator: { name: 'tabular' }, budget: { trials: 10 }, seed: 0, workers: { heartbeat_seconds: 10, stale_seconds: 60 } };

async function ask(store: Store, experimentId: number, worker: WorkerInfo) {
  const sample = space.random(rng);
  const made = await store.askTrial(experimentId, -1, worker, () => ({ sample: sample as Json, key: space.key(sample), fidelity: null, params: {}, userAttrs: {}, seed: 1, codeVersion: 'naskit@test' }));
  return made!.trial;
}

function complete(value: number): TrialOutcome {
  return { state: 'complete', value, userAttrs: { cost_seconds: 10 }, observation: { value } };
}

async function getJson(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Record<string, unknown> }> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* plain text */
  }
  return { status: res.status, body, headers: Object.fromEntries(res.headers) };
}

/** Reads a Server-Sent Events stream, collecting `{event, data}` until `until` holds or the time is up. */
function readEvents(url: string, until: (events: { event: string; data: any }[]) => boolean, timeoutMs = 10_000): Promise<{ event: string; data: any }[]> {
  return new Promise((resolve, reject) => {
    const events: { event: string; data: any }[] = [];
    let buffer = '';
    const req = get(url, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
        }
        if (until(events)) {
          clearTimeout(timer);
          req.destroy();
          resolve(events);
        }
      });
    });
    req.on('error', () => {});
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`SSE: condition not met in ${timeoutMs} ms; got ${events.map((e) => e.event).join(', ')}`));
    }, timeoutMs);
  });
}

const open: Dashboard[] = [];
after(async () => {
  for (const d of open) await d.close();
});

test('API: experiments with progress, best and live workers; detail, trials, changes since a cursor, one trial with its graph', async () => {
  const store = new MemoryStore();
  const e = await store.createExperiment({ name: 'api', config: CONFIG, seed: 0 });
  const t0 = await ask(store, e.id, A);
  await ask(store, e.id, A);
  await ask(store, e.id, B);
  await store.finishTrial(t0.id, A, complete(71.5));
  const d = await startDashboard({ store, port: 0 });
  open.push(d);
  const base = d.url.replace(/\/$/, '');

  const list = await getJson(`${base}/api/experiments`);
  assert.equal(list.status, 200);
  const o = list.body.experiments[0];
  assert.equal(o.name, 'api');
  assert.deepEqual([o.counts.running, o.counts.complete, o.total, o.best, o.progress, o.workers_alive], [2, 1, 3, 71.5, 0.1, 2]);

  const detail = await getJson(`${base}/api/experiments/api`);
  assert.equal(detail.body.choices.length, 6);
  assert.equal(detail.body.choices[0].values.length, 5);

  const all = await getJson(`${base}/api/experiments/api/trials`);
  assert.deepEqual(all.body.trials.map((t: { number: number }) => t.number), [0, 1, 2]);
  assert.match(all.body.trials[0].arch, /^\|[a-z_0-9]+~0\|\+/, 'the official NB201 arch string');
  // Nothing finished since the cursor: only the open trials come back; then a finished one does too.
  const unchanged = await getJson(`${base}/api/experiments/api/trials?since=${all.body.cursor + 60_000}`);
  assert.deepEqual(unchanged.body.trials.map((t: { number: number }) => t.number), [1, 2]);
  await store.reportIntermediate(t0.id + 1, 1, 33);
  const later = await getJson(`${base}/api/experiments/api/trials?since=${all.body.cursor}`);
  assert.deepEqual(later.body.trials.find((t: { number: number }) => t.number === 1).curve, [[1, 33]]);

  const one = await getJson(`${base}/api/experiments/api/trials/0`);
  assert.equal(one.body.value, 71.5);
  assert.equal(one.body.graph.layout, 'cell');
  assert.equal(one.body.graph.parts[0].edges.length, 6);

  const missing = await getJson(`${base}/api/experiments/nope`);
  assert.equal(missing.status, 404);
  assert.match(missing.body.error, /no experiment "nope" in memory:; experiments there: api/);
  assert.equal((await getJson(`${base}/api/experiments/api/trials/99`)).status, 404);
  assert.equal((await getJson(`${base}/api/experiments/api/trials?since=yesterday`)).status, 400);
});

test('read-only and local: GET only, a foreign Host refused, no file outside the bundle, a CSP that allows only this server', async () => {
  const d = await startDashboard({ store: new MemoryStore(), port: 0 });
  open.push(d);
  const base = d.url.replace(/\/$/, '');
  const post = await fetch(`${base}/api/experiments`, { method: 'POST', body: '{}' });
  assert.equal(post.status, 405);
  const page = await getJson(`${base}/`);
  assert.equal(page.status, 200);
  assert.match(String(page.headers['content-security-policy']), /default-src 'self'/);
  assert.match(String(page.body), /<script type="module" src="\/app.js">/);
  assert.equal((await getJson(`${base}/app.js`)).status, 200);
  for (const path of ['/..%2Fpackage.json', '/%2e%2e/package.json', '/.tsbuildinfo', '/nothing.js']) assert.equal((await getJson(base + path)).status, 404, path);
  const foreign = await new Promise<number>((resolve) => {
    request(`${base}/api/experiments`, { headers: { host: 'evil.example:80' } }, (res) => resolve(res.statusCode ?? 0)).end();
  });
  assert.equal(foreign, 403);
});

test('a token: refused without it, a host beyond loopback needs one, accepted from the URL (then a cookie) or a bearer header', async () => {
  await assert.rejects(startDashboard({ store: new MemoryStore(), host: '0.0.0.0', port: 0 }), RangeError);
  const d = await startDashboard({ store: new MemoryStore(), port: 0, token: 's3cret-token' });
  open.push(d);
  assert.match(d.url, /\?token=s3cret-token$/);
  const base = d.url.replace(/\/\?token=.*$/, '');
  assert.equal((await getJson(`${base}/api/experiments`)).status, 401);
  assert.equal((await getJson(`${base}/api/experiments?token=wrong-token!`)).status, 401);
  const first = await getJson(`${base}/?token=s3cret-token`);
  assert.equal(first.status, 200);
  const cookie = String(first.headers['set-cookie']).split(';')[0];
  assert.equal((await getJson(`${base}/api/experiments`, { cookie })).status, 200);
  assert.equal((await getJson(`${base}/api/experiments`, { authorization: 'Bearer s3cret-token' })).status, 200);
});

test('live: the stream sends a finished trial; a storage that goes away is reported and the stream recovers when it returns', async () => {
  const dir = tempDir('naskit-dash-');
  const url = `sqlite://${join(dir, 'live.db')}`;
  const store = SqliteStore.open(url);
  const e = await store.createExperiment({ name: 'live', config: CONFIG, seed: 0 });
  const t0 = await ask(store, e.id, A);
  const d = await startDashboard({ store, port: 0, intervalMs: 100 });
  open.push(d);
  const base = d.url.replace(/\/$/, '');
  const { cursor } = (await getJson(`${base}/api/experiments/live/trials`)).body;
  setTimeout(() => void store.finishTrial(t0.id, A, complete(80)), 300);
  const events = await readEvents(`${base}/api/events?experiment=live&since=${cursor}`, (ev) => ev.some((x) => x.event === 'trials' && x.data.trials.some((t: { state: string }) => t.state === 'complete')));
  assert.ok(events.some((x) => x.event === 'storage' && x.data.ok === true));
  assert.ok(events.some((x) => x.event === 'overview' && x.data.best === 80));

  // "Goes away": the trials table disappears under the dashboard (as a dropped schema or a lost server would), then returns.
  const other = new Database(join(dir, 'live.db'));
  const stream = readEvents(`${base}/api/events?experiment=live`, (ev) => {
    const storage = ev.filter((x) => x.event === 'storage').map((x) => x.data.ok);
    return storage.includes(false) && storage.lastIndexOf(true) > storage.indexOf(false);
  });
  await sleep(250);
  other.exec('ALTER TABLE trials RENAME TO trials_away');
  await sleep(400);
  const down = await getJson(`${base}/api/experiments`);
  assert.equal(down.status, 503);
  assert.match(down.body.error, /no such table/);
  other.exec('ALTER TABLE trials_away RENAME TO trials');
  const seen = await stream;
  assert.ok(seen.some((x) => x.event === 'storage' && x.data.ok === false && /no such table/.test(x.data.error)));
  assert.equal((await getJson(`${base}/api/experiments`)).status, 200);
  other.close();
});

test('CLI: serves until SIGTERM; bad input is one clear line each (unknown experiment, storage that cannot be opened, port in use, --host without --token)', async () => {
  const dir = tempDir('naskit-dash-cli-');
  const url = `sqlite://${join(dir, 'cli.db')}`;
  const store = SqliteStore.open(url);
  await store.createExperiment({ name: 'known', config: CONFIG, seed: 0 });
  await store.close();

  const child = spawn(process.execPath, [join(projectRoot(), 'bin', 'naskit.js'), 'dashboard', 'known', '--storage', url, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const printed = await new Promise<string>((resolve) => child.stdout.once('data', (b: Buffer) => resolve(b.toString())));
  assert.match(printed, /^http:\/\/127\.0\.0\.1:\d+\/#\/e\/known\n$/);
  assert.equal((await getJson(printed.replace(/#.*\n$/, 'api/experiments'))).body.experiments[0].name, 'known');
  child.kill('SIGTERM');
  assert.equal(await new Promise((resolve) => child.once('exit', resolve)), 0);

  const oneLine = (r: { stderr: string }) => assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  const unknown = naskit(['dashboard', 'unknown', '--storage', url, '--port', '0'], dir);
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /^naskit: no experiment "unknown" in sqlite:.*experiments there: known/);
  oneLine(unknown);

  const unopenable = naskit(['dashboard', '--storage', 'postgresql://nobody@127.0.0.1:1/none', '--port', '0'], dir);
  assert.equal(unopenable.status, 1);
  assert.match(unopenable.stderr, /^naskit: postgresql:\/\/nobody@127\.0\.0\.1:1\/none: cannot connect to PostgreSQL/);
  oneLine(unopenable);
  const badScheme = naskit(['dashboard', '--storage', 'mysql://x/y'], dir);
  assert.equal(badScheme.status, 1);
  oneLine(badScheme);

  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const port = (holder.address() as { port: number }).port;
  const busy = naskit(['dashboard', '--storage', url, '--port', String(port)], dir);
  holder.close();
  assert.equal(busy.status, 2);
  assert.match(busy.stderr, new RegExp(`^naskit: port ${port} on 127\\.0\\.0\\.1 is in use .*--port`));
  oneLine(busy);

  const open = naskit(['dashboard', '--storage', url, '--host', '0.0.0.0', '--port', '0'], dir);
  assert.equal(open.status, 2);
  assert.match(open.stderr, /^naskit: dashboard: binding to 0\.0\.0\.0 .* --token/);
  oneLine(open);
  assert.equal(naskit(['dashboard', '--port', 'eighty'], dir).status, 2);
});
