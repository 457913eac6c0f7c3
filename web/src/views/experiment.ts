// One experiment: its header, best so far, the trials table, the clicked trial, the ticked trials'
// curves and comparison, choices against value, and the Pareto front of multi-objective runs.
import { useState } from 'preact/hooks';
import { BestSoFar } from '../components/best-so-far.js';
import { ParallelCoordinates } from '../components/parallel.js';
import { ParetoFront } from '../components/pareto.js';
import { Compare, Curves, TrialPanel } from '../components/trial-views.js';
import { TrialsTable } from '../components/trials-table.js';
import { detail, missing, multiObjective, overview, pareto, trials } from '../data.js';
import { duration, experimentHref, num } from '../format.js';
import { html } from '../html.js';
import { budgetText, describe, Progress } from './experiments.js';

export function ExperimentView({ name, selected }: { name: string; selected: number | null }) {
  const [checked, setChecked] = useState<ReadonlySet<number>>(new Set());
  if (missing.value) return html`<main class="page"><p class="error" data-testid="missing">${missing.value}</p><a href="#/">all experiments</a></main>`;
  const o = overview.value;
  const d = detail.value;
  if (!o || !d) return html`<main class="page"><p class="muted">reading ${name}…</p></main>`;
  const rows = trials.value;
  const byNumber = new Map(rows.map((t) => [t.number, t]));
  const select = (n: number) => (location.hash = experimentHref(name, n));
  const toggle = (n: number) => {
    const next = new Set(checked);
    if (next.has(n)) next.delete(n);
    else next.add(n);
    setChecked(next);
  };
  const ticked = [...checked].map((n) => byNumber.get(n)).filter((t) => t !== undefined);
  const row = selected === null ? undefined : byNumber.get(selected);

  return html`<main class="page">
    <header class="exp-head" data-testid="experiment-head">
      <h2>${o.name} <span class=${`status status-${o.status}`}>${o.status}</span></h2>
      <div class="facts">
        <span data-testid="experiment-kind">${describe(o)}</span>
        <${Progress} o=${o} />
        <span>best <b data-testid="best-value">${num(o.best, 3)}</b></span>
        <span>${o.counts.complete} complete · ${o.counts.failed} failed · ${o.counts.pruned} pruned · ${o.counts.running} running · ${o.counts.queued} queued</span>
        <span title=${o.workers.map((w) => `${w.id}${w.alive ? '' : ' (stale)'}`).join('\n')}>workers alive ${o.workers_alive}</span>
        <span>cost ${duration(o.cost_seconds)} · budget ${budgetText(o)}</span>
      </div>
    </header>
    <${BestSoFar} trials=${rows} created=${o.created} direction=${o.direction} />
    <${TrialsTable} trials=${rows} selected=${selected} checked=${checked} onSelect=${select} onCheck=${toggle} />
    ${row ? html`<${TrialPanel} experiment=${name} row=${row} />` : html`<p class="muted hint">click a trial for its learning curve and architecture; tick trials to overlay their curves, two to compare them</p>`}
    ${ticked.length === 2 ? html`<${Compare} experiment=${name} a=${ticked[0]} b=${ticked[1]} />` : null}
    ${ticked.length > 0 && ticked.length !== 2
      ? html`<section class="card"><header class="card-head"><h3>Learning curves of ticked trials</h3><button onClick=${() => setChecked(new Set())}>clear</button></header><${Curves} rows=${ticked} /></section>`
      : null}
    <${ParallelCoordinates} trials=${rows} choices=${d.choices} direction=${o.direction} />
    ${multiObjective.value && pareto.value ? html`<${ParetoFront} pareto=${pareto.value} onSelect=${select} />` : null}
    ${/* One-shot runs' α / sampling-probability histories will take their place here, read through the same store API. */ null}
  </main>`;
}
