// One trial in full (learning curve, architecture graph, fields), the learning curves of ticked
// trials overlaid, and two ticked trials side by side.
import { useEffect, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import { fetchTrial } from '../data.js';
import { clock, duration, num } from '../format.js';
import { html } from '../html.js';
import type { TrialDetail, TrialRow } from '../types.js';
import { ArchGraphView } from './arch-graph.js';
import { Plot } from './plot.js';

const PALETTE = ['#d9480f', '#1c7ed6', '#2b8a3e', '#862e9c', '#e67700', '#0b7285', '#c2255c', '#5c940d'];

/** A trial's full record, read again whenever its row changes (a new curve point, its end). */
function useTrial(experiment: string, row: TrialRow | undefined): TrialDetail | null {
  const [trial, setTrial] = useState<TrialDetail | null>(null);
  useEffect(() => {
    if (!row) return;
    let live = true;
    fetchTrial<TrialDetail>(experiment, row.number).then(
      (t) => live && setTrial(t),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [experiment, row?.number, row?.state, row?.curve.length]);
  return trial && row && trial.number === row.number ? trial : null;
}

/** Learning curves of several trials on one chart (steps on x). */
export function Curves({ rows, testId = 'curves' }: { rows: readonly TrialRow[]; testId?: string }) {
  const withCurve = rows.filter((r) => r.curve.length > 0);
  if (!withCurve.length) return html`<p class="muted" data-testid=${`${testId}-empty`}>no learning curve recorded${rows.length === 1 ? ' for this trial' : ''} (tabular look-ups have none; the train estimator records one point per epoch)</p>`;
  const steps = [...new Set(withCurve.flatMap((r) => r.curve.map(([s]) => s)))].sort((a, b) => a - b);
  const data: uPlot.AlignedData = [steps, ...withCurve.map((r) => {
    const at = new Map(r.curve);
    return steps.map((s) => at.get(s) ?? null);
  })];
  const options = (width: number): uPlot.Options => ({
    width,
    height: 220,
    scales: { x: { time: false } },
    axes: [{ label: 'step (epoch)' }, { label: 'value' }],
    series: [{}, ...withCurve.map((r, i) => ({ label: `#${r.number}`, stroke: PALETTE[i % PALETTE.length], width: 2, spanGaps: true }))],
  });
  return html`<${Plot} id=${withCurve.map((r) => r.number).join(',')} options=${options} data=${data} height=${220} testId=${testId} />`;
}

function Fields({ t }: { t: TrialDetail }) {
  const run = t.started === null ? null : ((t.finished ?? Date.now()) - t.started) / 1000;
  return html`<dl class="fields">
    <dt>state</dt><dd class=${`state-${t.state}`}>${t.state}</dd>
    <dt>value</dt><dd>${num(t.value, 3)}</dd>
    ${t.values ? html`<dt>objectives</dt><dd>${t.values.map((v) => num(v, 3)).join(', ')}</dd>` : null}
    <dt>fidelity</dt><dd>${t.fidelity ?? '—'}</dd>
    <dt>cost</dt><dd>${t.cost === null ? "—" : `${num(t.cost, 1)} s`}</dd>
    <dt>worker</dt><dd>${t.worker ?? '—'}</dd>
    <dt>started</dt><dd>${clock(t.started)}</dd>
    <dt>run time</dt><dd>${duration(run)}</dd>
    <dt>seed</dt><dd>${t.seed}</dd>
    <dt>attempts</dt><dd>${t.attempts}</dd>
    ${t.error ? html`<dt>error</dt><dd class="error">${t.error}</dd>` : null}
  </dl>`;
}

/** The trial clicked in the table. */
export function TrialPanel({ experiment, row }: { experiment: string; row: TrialRow }) {
  const t = useTrial(experiment, row);
  return html`<section class="card trial-panel" data-testid="trial-panel" data-number=${row.number}>
    <header class="card-head"><h3>Trial #${row.number}</h3><code class="arch">${row.arch}</code></header>
    <div class="trial-grid">
      <div>
        <h4>Learning curve</h4>
        <${Curves} rows=${[row]} testId="trial-curve" />
        ${t ? html`<${Fields} t=${t} />` : html`<p class="muted">reading…</p>`}
        ${t ? html`<details><summary>params and attributes</summary><pre>${JSON.stringify({ params: t.params, user_attrs: t.user_attrs }, null, 2)}</pre></details>` : null}
      </div>
      <div>
        <h4>Architecture</h4>
        ${t ? html`<${ArchGraphView} graph=${t.graph} />` : null}
      </div>
    </div>
  </section>`;
}

/** Two trials side by side: their choices (differences marked), fields and graphs. */
export function Compare({ experiment, a, b }: { experiment: string; a: TrialRow; b: TrialRow }) {
  const ta = useTrial(experiment, a);
  const tb = useTrial(experiment, b);
  const labels = [...new Set([...Object.keys(a.choices), ...Object.keys(b.choices)])];
  const differing = labels.filter((l) => JSON.stringify(a.choices[l]) !== JSON.stringify(b.choices[l]));
  return html`<section class="card compare" data-testid="compare">
    <header class="card-head"><h3>Trial #${a.number} vs #${b.number}</h3><span class="muted">${differing.length} of ${labels.length} choices differ</span></header>
    <table class="choices">
      <thead><tr><th>choice</th><th>#${a.number}</th><th>#${b.number}</th></tr></thead>
      <tbody>
        ${labels.map((l) => html`<tr class=${differing.includes(l) ? 'differs' : ''}><td>${l}</td><td>${String(a.choices[l])}</td><td>${String(b.choices[l])}</td></tr>`)}
      </tbody>
    </table>
    <div class="side-by-side">
      ${[ta, tb].map((t, i) => html`<div>
        <h4>#${[a, b][i].number} <code class="arch">${[a, b][i].arch}</code></h4>
        ${t ? html`<${Fields} t=${t} /><${ArchGraphView} graph=${t.graph} />` : html`<p class="muted">reading…</p>`}
      </div>`)}
    </div>
    <h4>Learning curves</h4>
    <${Curves} rows=${[a, b]} testId="compare-curves" />
  </section>`;
}
