// Parallel coordinates: one axis per choice of the space (or parameter of a study), one for the
// value; each complete trial is a line through its choices, coloured by the rank of its value (the
// best drawn last, on top). Choices with a numeric range are placed by value (log scale where asked);
// a trial without a value for a choice (a conditional parameter it never suggested) has no point on
// that axis: its line breaks there.
import { html } from '../html.js';
import type { ChoiceAxis, Json, TrialRow } from '../types.js';
import { Canvas, ramp } from './canvas.js';

export function ParallelCoordinates({ trials, choices, direction = 'maximize' }: { trials: readonly TrialRow[]; choices: ChoiceAxis[]; direction?: 'maximize' | 'minimize' }) {
  const done = trials.filter((t) => t.state === 'complete' && t.value !== null);
  const axes = choices.filter((c) => c.values.length > 0 || c.range !== undefined);
  const sign = direction === 'minimize' ? -1 : 1;
  const draw = (ctx: CanvasRenderingContext2D, width: number, height: number) => {
    if (!done.length || !axes.length) {
      ctx.fillStyle = '#888';
      ctx.fillText('no complete trial yet', 12, 20);
      return;
    }
    const left = 16;
    const right = 60;
    const top = 34;
    const bottom = 16;
    const n = axes.length + 1;
    const gap = (width - left - right) / (n - 1);
    const x = (i: number) => left + i * gap;
    let lo = Infinity;
    let hi = -Infinity;
    for (const t of done) {
      lo = Math.min(lo, t.value!);
      hi = Math.max(hi, t.value!);
    }
    const span = hi - lo || 1;
    // Each axis's position of each value, looked up by the value's JSON text.
    const h = height - top - bottom;
    const positions = axes.map((a) => new Map(a.values.map((v, k) => [JSON.stringify(v), a.values.length === 1 ? top + h / 2 : top + (h * k) / (a.values.length - 1)])));
    const scale = (a: ChoiceAxis, v: number): number => {
      const [low, high] = a.range!;
      const f = a.log && low > 0 && v > 0 ? Math.log(v / low) / Math.log(high / low) : (v - low) / (high - low || 1);
      return top + h * (1 - Math.min(1, Math.max(0, f)));
    };
    const yOf = (axis: number, v: Json | undefined): number | null => {
      const a = axes[axis];
      if (a.range) return typeof v === 'number' ? scale(a, v) : null;
      return v === undefined ? null : (positions[axis].get(JSON.stringify(v)) ?? null);
    };
    const yValue = (v: number) => top + h * (1 - (v - lo) / span);
    // Coloured by rank, not by value: one poor outlier would otherwise paint every other line alike.
    // Lines are drawn in BUCKETS paths of one colour each, worst first: thousands of trials stay cheap.
    const BUCKETS = 24;
    const ranked = [...done].sort((a, b) => sign * (a.value! - b.value!));
    ctx.lineWidth = 1;
    for (let b = 0; b < BUCKETS; b++) {
      const from = Math.floor((b * ranked.length) / BUCKETS);
      const to = Math.floor(((b + 1) * ranked.length) / BUCKETS);
      if (from === to) continue;
      const c = (b + 0.5) / BUCKETS;
      ctx.strokeStyle = ramp(c, 0.08 + 0.6 * c * c);
      ctx.beginPath();
      for (let r = from; r < to; r++) {
        const t = ranked[r];
        let drawing = false;
        const point = (px: number, py: number | null) => {
          if (py === null) drawing = false;
          else if (drawing) ctx.lineTo(px, py);
          else {
            ctx.moveTo(px, py);
            drawing = true;
          }
        };
        axes.forEach((a, i) => point(x(i), yOf(i, t.choices[a.label])));
        point(x(n - 1), yValue(t.value!));
      }
      ctx.stroke();
    }
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillStyle = '#222';
    ctx.strokeStyle = '#444';
    axes.forEach((a, i) => {
      ctx.beginPath();
      ctx.moveTo(x(i), top);
      ctx.lineTo(x(i), height - bottom);
      ctx.stroke();
      ctx.textAlign = i === 0 ? 'left' : 'center';
      ctx.fillText(a.label.length > 18 ? `…${a.label.slice(-17)}` : a.label, x(i), 12);
      if (gap > 70 && a.range) {
        ctx.fillText(String(a.range[1]), x(i), top - 3);
        ctx.fillText(String(a.range[0]), x(i), height - bottom + 12);
      } else if (gap > 70) a.values.forEach((v) => ctx.fillText(String(v), x(i), (yOf(i, v) ?? top) - 3));
    });
    ctx.beginPath();
    ctx.moveTo(x(n - 1), top);
    ctx.lineTo(x(n - 1), height - bottom);
    ctx.stroke();
    ctx.textAlign = 'left';
    ctx.fillText('value', x(n - 1) - 14, 12);
    ctx.fillText(hi.toFixed(2), x(n - 1) + 4, top + 4);
    ctx.fillText(lo.toFixed(2), x(n - 1) + 4, height - bottom);
  };
  return html`<section class="card">
    <header class="card-head"><h3>Choices against value</h3><span class="muted">${done.length} complete trials</span></header>
    <${Canvas} draw=${draw} height=${300} deps=${[trials, choices]} testId="parallel-coordinates" />
  </section>`;
}
