// The Pareto front of a multi-objective run: every complete trial by its first two objectives
// (naskit orients all of them so that larger is better), the front (computed by the server) joined
// and highlighted.
import { html } from '../html.js';
import type { Pareto } from '../types.js';
import { Canvas } from './canvas.js';

export function ParetoFront({ pareto, onSelect }: { pareto: Pareto; onSelect: (n: number) => void }) {
  const front = new Set(pareto.front);
  const draw = (ctx: CanvasRenderingContext2D, width: number, height: number) => {
    const pad = 44;
    const xs = pareto.points.map((p) => p.values[0]);
    const ys = pareto.points.map((p) => p.values[1]);
    const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
    const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
    const px = (v: number) => pad + ((v - x0) / (x1 - x0 || 1)) * (width - 2 * pad);
    const py = (v: number) => height - pad + -((v - y0) / (y1 - y0 || 1)) * (height - 2 * pad);
    ctx.strokeStyle = '#999';
    ctx.strokeRect(pad, pad / 2, width - 2 * pad, height - pad * 1.5);
    ctx.fillStyle = 'rgba(90,110,160,0.35)';
    for (const p of pareto.points) if (!front.has(p.number)) ctx.fillRect(px(p.values[0]) - 2, py(p.values[1]) - 2, 4, 4);
    const members = pareto.points.filter((p) => front.has(p.number)).sort((a, b) => a.values[0] - b.values[0]);
    ctx.strokeStyle = '#d9480f';
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    members.forEach((p, i) => (i === 0 ? ctx.moveTo(px(p.values[0]), py(p.values[1])) : ctx.lineTo(px(p.values[0]), py(p.values[1]))));
    ctx.stroke();
    ctx.fillStyle = '#d9480f';
    for (const p of members) {
      ctx.beginPath();
      ctx.arc(px(p.values[0]), py(p.values[1]), 4, 0, 2 * Math.PI);
      ctx.fill();
    }
    ctx.fillStyle = '#222';
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillText(`objective 1 (${x0.toFixed(2)} … ${x1.toFixed(2)})`, pad, height - 8);
    ctx.save();
    ctx.translate(12, height - pad);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText(`objective 2 (${y0.toFixed(2)} … ${y1.toFixed(2)})`, 0, 0);
    ctx.restore();
  };
  return html`<section class="card">
    <header class="card-head"><h3>Pareto front</h3><span class="muted">${pareto.front.length} of ${pareto.points.length} complete trials on the front; larger is better on both axes</span></header>
    <${Canvas} draw=${draw} height=${300} deps=${[pareto]} testId="pareto-front" />
    <p class="front-list">front: ${pareto.front.slice(0, 40).map((n) => html`<button class="link" onClick=${() => onSelect(n)}>#${n}</button> `)}${pareto.front.length > 40 ? '…' : ''}</p>
  </section>`;
}
