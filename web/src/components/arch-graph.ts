// An architecture drawn as SVG: the server says what the nodes and edges are (src/web/arch-graph.ts),
// dagre lays them out top to bottom. Cells carry their operations on the edges (NB201, DARTS);
// NB101 on the nodes; chains and layer-wise networks are a column of blocks.
import dagre from '@dagrejs/dagre';
import { html } from '../html.js';
import type { ArchGraph, GraphPart } from '../types.js';

const CHAR = 6.6;
const FONT = 11;

interface Laid {
  width: number;
  height: number;
  nodes: { id: string; label: string; kind: string; x: number; y: number; w: number; h: number }[];
  edges: { label?: string; muted?: boolean; points: { x: number; y: number }[]; lx: number; ly: number }[];
}

function layout(part: GraphPart, opsOnEdges: boolean): Laid {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: opsOnEdges ? 40 : 24, ranksep: opsOnEdges ? 46 : 28, edgesep: 16, marginx: 8, marginy: 8 });
  for (const n of part.nodes) {
    const w = Math.max(opsOnEdges ? 44 : 70, n.label.length * CHAR + 18);
    g.setNode(n.id, { width: w, height: 26 });
  }
  part.edges.forEach((e, i) => {
    const label = e.label ? { width: e.label.length * CHAR + 8, height: 16, labelpos: 'c' as const } : {};
    g.setEdge(e.from, e.to, { ...label, minlen: 1 }, `e${i}`);
  });
  dagre.layout(g);
  const meta = new Map(part.nodes.map((n) => [n.id, n]));
  const info = g.graph() as { width?: number; height?: number };
  return {
    width: info.width ?? 100,
    height: info.height ?? 100,
    nodes: g.nodes().map((id: string) => {
      const n = g.node(id) as { x: number; y: number; width: number; height: number };
      const m = meta.get(id)!;
      return { id, label: m.label, kind: m.kind, x: n.x, y: n.y, w: n.width, h: n.height };
    }),
    edges: part.edges.map((e, i) => {
      const laid = g.edge({ v: e.from, w: e.to, name: `e${i}` }) as { points: { x: number; y: number }[]; x?: number; y?: number };
      const mid = laid.points[Math.floor(laid.points.length / 2)];
      return { label: e.label, muted: e.muted, points: laid.points, lx: laid.x ?? mid.x, ly: laid.y ?? mid.y };
    }),
  };
}

function Part({ part, opsOnEdges }: { part: GraphPart; opsOnEdges: boolean }) {
  const g = layout(part, opsOnEdges);
  return html`<figure class="graph-part">
    <figcaption>${part.title}</figcaption>
    <svg viewBox=${`0 0 ${g.width} ${g.height}`} width=${g.width} height=${g.height} role="img" aria-label=${`${part.title}: ${part.edges.length} edges`} data-testid="arch-graph">
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#667" /></marker>
      </defs>
      ${g.edges.map(
        (e) => html`<g class=${`edge${e.muted ? ' muted' : ''}`}>
          <polyline points=${e.points.map((p) => `${p.x},${p.y}`).join(' ')} fill="none" marker-end="url(#arrow)" />
          ${e.label
            ? html`<rect x=${e.lx - (e.label.length * CHAR + 8) / 2} y=${e.ly - 8} width=${e.label.length * CHAR + 8} height="16" rx="3" class="edge-label-bg" />
                <text x=${e.lx} y=${e.ly + 4} text-anchor="middle" font-size=${FONT}>${e.label}</text>`
            : null}
        </g>`,
      )}
      ${g.nodes.map(
        (n) => html`<g class=${`node kind-${n.kind}`}>
          <rect x=${n.x - n.w / 2} y=${n.y - n.h / 2} width=${n.w} height=${n.h} rx=${n.kind === 'op' ? 4 : 13} />
          <text x=${n.x} y=${n.y + 4} text-anchor="middle" font-size=${FONT}>${n.label}</text>
        </g>`,
      )}
    </svg>
  </figure>`;
}

export function ArchGraphView({ graph }: { graph: ArchGraph }) {
  return html`<div class=${`graph layout-${graph.layout}`}>
    ${graph.parts.map((p) => html`<${Part} part=${p} opsOnEdges=${graph.layout === 'cell'} />`)}
  </div>`;
}
