// The best value found so far, against finished trials or against time since the experiment began,
// with every trial's own value as a point.
import { useMemo, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import { html } from '../html.js';
import type { TrialRow } from '../types.js';
import { Plot } from './plot.js';

type Axis = 'trials' | 'time';

/** Finished trials in the order they finished: x (trial count or seconds), their value, and the best so far. */
function series(trials: readonly TrialRow[], created: number, axis: Axis, sign: 1 | -1): uPlot.AlignedData {
  const done = trials.filter((t) => t.finished !== null && t.state !== 'running' && t.state !== 'queued').sort((a, b) => a.finished! - b.finished! || a.number - b.number);
  const xs: number[] = [];
  const values: (number | null)[] = [];
  const best: (number | null)[] = [];
  let top: number | null = null;
  done.forEach((t, i) => {
    if (t.state === 'complete' && t.value !== null && (top === null || sign * t.value > sign * top)) top = t.value;
    xs.push(axis === 'trials' ? i + 1 : Math.max(0, (t.finished! - created) / 1000));
    values.push(t.state === 'complete' ? t.value : null);
    best.push(top);
  });
  return [xs, values, best];
}

export function BestSoFar({ trials, created, direction = 'maximize' }: { trials: readonly TrialRow[]; created: number; direction?: 'maximize' | 'minimize' }) {
  const [axis, setAxis] = useState<Axis>('trials');
  const data = useMemo(() => series(trials, created, axis, direction === 'minimize' ? -1 : 1), [trials, created, axis, direction]);
  const options = (width: number): uPlot.Options => ({
    width,
    height: 240,
    scales: { x: { time: false } },
    axes: [{ label: axis === 'trials' ? 'finished trials' : 'seconds since start' }, { label: 'value' }],
    series: [
      {},
      { label: 'trial value', stroke: 'rgba(90,110,160,0.55)', paths: () => null, points: { show: true, size: 3, fill: 'rgba(90,110,160,0.55)' } },
      { label: 'best so far', stroke: '#d9480f', width: 2, points: { show: false } },
    ],
    legend: { live: false },
  });
  return html`<section class="card">
    <header class="card-head">
      <h3>Best so far</h3>
      <div class="toggle" role="group">
        <button class=${axis === 'trials' ? 'on' : ''} onClick=${() => setAxis('trials')}>vs trials</button>
        <button class=${axis === 'time' ? 'on' : ''} onClick=${() => setAxis('time')}>vs time</button>
      </div>
    </header>
    <${Plot} id=${`best-${axis}`} options=${options} data=${data} testId="best-so-far" />
  </section>`;
}
