// The experiments of the storage: state, progress against the budget, best value, live workers.
import { experiments, storageUrl } from '../data.js';
import { experimentHref, num } from '../format.js';
import { html } from '../html.js';
import type { Overview } from '../types.js';

export function budgetText(o: Overview): string {
  const b = o.budget ?? {};
  const parts = [b.trials !== undefined ? `${b.trials} trials` : null, b.seconds !== undefined ? `${b.seconds} s simulated` : null, b.wall_seconds !== undefined ? `${b.wall_seconds} s wall` : null];
  return parts.filter((p) => p !== null).join(' or ') || 'no budget';
}

/** What searched: space · strategy · estimator, or for a define-by-run study its strategy and direction. */
export function describe(o: Overview): string {
  return o.kind === 'study' ? `study · ${o.strategy ?? '?'} · ${o.direction}` : `${o.space ?? '?'} · ${o.strategy ?? '?'} · ${o.estimator ?? '?'}`;
}

export function Progress({ o }: { o: Overview }) {
  const finished = o.counts.complete + o.counts.failed + o.counts.pruned;
  const share = o.progress ?? 0;
  return html`<div class="progress" title=${budgetText(o)}>
    <div class="bar"><div class="fill" style=${{ width: `${(100 * share).toFixed(1)}%` }}></div></div>
    <span>${finished} finished${o.budget?.trials !== undefined ? ` / ${o.budget.trials}` : ''} · ${o.progress === null ? '—' : `${Math.round(100 * share)}%`}</span>
  </div>`;
}

export function ExperimentsView() {
  const list = experiments.value;
  return html`<main class="page">
    <h2>Experiments <span class="muted">${storageUrl.value}</span></h2>
    ${list === null
      ? html`<p class="muted">reading…</p>`
      : list.length === 0
        ? html`<p class="muted">no experiments in this storage yet; start one with <code>naskit search CONFIG.yaml</code> (it appears here by itself)</p>`
        : html`<table class="experiments" data-testid="experiments">
            <thead><tr><th>name</th><th>state</th><th>space · strategy · estimator</th><th>progress (budget)</th><th>best</th><th>running</th><th>workers alive</th></tr></thead>
            <tbody>
              ${list.map(
                (o) => html`<tr data-testid="experiment-row" data-name=${o.name}>
                  <td><a href=${experimentHref(o.name)}>${o.name}</a></td>
                  <td class=${`status-${o.status}`}>${o.status}</td>
                  <td>${describe(o)}</td>
                  <td><${Progress} o=${o} /></td>
                  <td>${num(o.best, 3)}</td>
                  <td>${o.counts.running}</td>
                  <td>${o.workers_alive}</td>
                </tr>`,
              )}
            </tbody>
          </table>`}
  </main>`;
}
