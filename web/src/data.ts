// The page's state: signals filled from the JSON API and kept current by one Server-Sent Events
// stream. Everything the views show comes from here; the views only render.
import { batch, computed, signal } from '@preact/signals';
import type { Detail, Overview, Pareto, TrialBatch, TrialRow } from './types.js';

/** Null while the storage answers; otherwise the message of its last failure (the banner). */
export const storageDown = signal<string | null>(null);
/** Every experiment of the storage. */
export const experiments = signal<Overview[] | null>(null);
/** The storage URL (password hidden). */
export const storageUrl = signal<string>('');

/** The open experiment: its header, config and the space's choices. */
export const detail = signal<Detail | null>(null);
/** The open experiment's header, refreshed live. */
export const overview = signal<Overview | null>(null);
/** An error about the open experiment (unknown name). */
export const missing = signal<string | null>(null);
/** The open experiment's trials, by number. */
export const trials = signal<TrialRow[]>([]);
/** Pareto front data of a multi-objective run (null: single objective or not read yet). */
export const pareto = signal<Pareto | null>(null);

const byNumber = new Map<number, TrialRow>();
let stream: EventSource | null = null;
let opened: string | null = null;
let paretoTimer: number | null = null;

/** Whether the open experiment has several objectives (its complete trials carry `values`). */
export const multiObjective = computed(() => trials.value.some((t) => t.values !== null && t.values.length >= 2));

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { accept: 'application/json' } });
  const body = (await res.json()) as T & { error?: string };
  if (res.status === 404) throw new MissingError(body.error ?? `not found: ${path}`);
  if (!res.ok) throw new Error(body.error ?? `${path}: HTTP ${res.status}`);
  return body;
}

class MissingError extends Error {}

function merge(rows: readonly TrialRow[]): void {
  if (!rows.length) return;
  for (const t of rows) byNumber.set(t.number, t);
  trials.value = [...byNumber.values()].sort((a, b) => a.number - b.number);
  if (multiObjective.value) schedulePareto();
}

function schedulePareto(): void {
  if (paretoTimer !== null || opened === null) return;
  const name = opened;
  // At most one read per two seconds, however fast trials arrive.
  paretoTimer = window.setTimeout(async () => {
    paretoTimer = null;
    try {
      if (opened === name) pareto.value = await getJson<Pareto>(`/api/experiments/${encodeURIComponent(name)}/pareto`);
    } catch {
      /* the banner reports storage failures */
    }
  }, 2000);
}

function listen(experiment: string | null, since: number | null): void {
  stream?.close();
  const q = new URLSearchParams();
  if (experiment !== null) q.set('experiment', experiment);
  if (since !== null) q.set('since', String(since));
  stream = new EventSource(`/api/events?${q}`);
  stream.addEventListener('experiments', (e) => (experiments.value = JSON.parse((e as MessageEvent).data) as Overview[]));
  stream.addEventListener('overview', (e) => {
    overview.value = JSON.parse((e as MessageEvent).data) as Overview;
    missing.value = null;
  });
  stream.addEventListener('trials', (e) => merge((JSON.parse((e as MessageEvent).data) as TrialBatch).trials));
  stream.addEventListener('missing', (e) => (missing.value = (JSON.parse((e as MessageEvent).data) as { error: string }).error));
  stream.addEventListener('storage', (e) => {
    const s = JSON.parse((e as MessageEvent).data) as { ok: boolean; error?: string };
    storageDown.value = s.ok ? null : (s.error ?? 'the storage does not answer');
  });
  stream.onerror = () => {
    // The dashboard process itself is gone or restarting; EventSource reconnects by itself.
    if (stream?.readyState !== EventSource.OPEN) storageDown.value = storageDown.value ?? 'lost the connection to the dashboard server; retrying';
  };
}

/** Shows the experiments list: one read, then live. */
export async function openList(): Promise<void> {
  opened = null;
  try {
    const body = await getJson<{ storage: string; experiments: Overview[] }>('/api/experiments');
    batch(() => {
      experiments.value = body.experiments;
      storageUrl.value = body.storage;
      storageDown.value = null;
    });
  } catch (error) {
    storageDown.value = (error as Error).message;
  }
  listen(null, null);
}

/** Opens one experiment: its detail and every trial, then only changes, live. Retries while the storage is down. */
export async function openExperiment(name: string): Promise<void> {
  if (opened === name) return;
  opened = name;
  byNumber.clear();
  batch(() => {
    detail.value = null;
    overview.value = null;
    missing.value = null;
    trials.value = [];
    pareto.value = null;
  });
  const path = `/api/experiments/${encodeURIComponent(name)}`;
  for (;;) {
    try {
      const [d, first] = await Promise.all([getJson<Detail>(path), getJson<TrialBatch>(`${path}/trials`)]);
      if (opened !== name) return;
      batch(() => {
        detail.value = d;
        overview.value = d.overview;
        storageDown.value = null;
        merge(first.trials);
      });
      listen(name, first.cursor);
      return;
    } catch (error) {
      if (opened !== name) return;
      if (error instanceof MissingError) {
        missing.value = error.message;
        listen(null, null);
        return;
      }
      storageDown.value = (error as Error).message;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

/** Reads one trial in full (architecture graph, params). */
export function fetchTrial<T>(name: string, number: number): Promise<T> {
  return getJson<T>(`/api/experiments/${encodeURIComponent(name)}/trials/${number}`);
}
