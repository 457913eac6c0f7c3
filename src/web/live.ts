import type { ServerResponse } from 'node:http';
import { NotFound, type DashboardApi } from './api.js';

/** What a live connection follows: the experiments list, and one experiment's trials when named. */
export interface LiveOptions {
  readonly experiment: string | null;
  /** Cursor of the trials the page already has (from `/trials`); null to start with every trial. */
  readonly since: number | null;
  /** Milliseconds between reads of the storage. */
  readonly intervalMs: number;
}

/**
 * One Server-Sent Events stream. It reads the storage every `intervalMs` (the next read starts only
 * after the last one ended) and sends:
 * - `experiments`: every experiment's overview;
 * - `overview` and `trials` (`{cursor, trials}`, changed trials only) for the followed experiment;
 * - `missing` when that experiment does not exist (yet);
 * - `storage`: `{ok:false, error}` when a read fails and `{ok:true}` once one succeeds again;
 *   the stream stays open meanwhile, so the page recovers by itself.
 * Nothing is written to the storage.
 */
export function followLive(api: DashboardApi, res: ServerResponse, options: LiveOptions): () => void {
  let since = options.since;
  let down: boolean | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  const send = (event: string, data: unknown) => {
    if (!stopped) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };

  const tick = async () => {
    try {
      send('experiments', await api.experiments());
      if (options.experiment !== null) {
        try {
          send('overview', await api.overview(options.experiment));
          const batch = await api.trials(options.experiment, since);
          if (batch.trials.length || since === null) send('trials', batch);
          since = batch.cursor;
        } catch (error) {
          if (!(error instanceof NotFound)) throw error;
          send('missing', { error: error.message });
        }
      }
      if (down !== false) send('storage', { ok: true });
      down = false;
    } catch (error) {
      send('storage', { ok: false, error: error instanceof Error ? error.message.split('\n')[0] : String(error) });
      down = true;
    }
    if (!stopped) timer = setTimeout(() => void tick(), options.intervalMs);
  };

  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
  // Tells EventSource how soon to reconnect if the connection itself drops.
  res.write('retry: 2000\n\n');
  void tick();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
