import { DARTS_CELLS, DARTS_NODES, dartsInputLabel, dartsOpLabel } from '../space/darts/space.js';
import { NB101_VERTICES } from '../space/nb101/space.js';
import { pruneSpec } from '../space/nb101/graph.js';
import { NB201_EDGES } from '../space/nb201/space.js';
import type { Json } from '../util/json.js';

/** A node of an architecture graph. `kind` tells the renderer how to draw it. */
export interface GraphNode {
  readonly id: string;
  readonly label: string;
  readonly kind: 'input' | 'output' | 'node' | 'op';
}

/** An edge; `label` is the operation on it (cells), `muted` an edge that carries nothing (`none`). */
export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly label?: string;
  readonly muted?: boolean;
}

/** One drawing: a cell (DARTS has two, normal and reduce) or a whole network. */
export interface GraphPart {
  readonly title: string;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

/**
 * An architecture as graphs for the dashboard, computed on the server so that the front end only
 * lays out and draws: `cell` = operations on edges (NB201, DARTS), `dag` = operations on nodes
 * (NB101), `column` = a chain or layer-wise network drawn as a column of blocks.
 */
export interface ArchGraph {
  readonly layout: 'cell' | 'dag' | 'column';
  readonly parts: readonly GraphPart[];
}

type Choices = Readonly<Record<string, Json>>;

/** The graph of `sample`, an architecture of the space named `space`; any unknown space is drawn as a column of its choices. */
export function archGraph(space: string, sample: Json): ArchGraph {
  const choices: Choices = sample !== null && typeof sample === 'object' && !Array.isArray(sample) ? sample : {};
  switch (space) {
    case 'nb201':
      return { layout: 'cell', parts: [nb201Cell(choices)] };
    case 'darts':
      return { layout: 'cell', parts: DARTS_CELLS.map((cell) => dartsCell(choices, cell)) };
    case 'nb101':
      return { layout: 'dag', parts: [nb101Cell(choices)] };
    case 'chain':
      return { layout: 'column', parts: [chainNetwork(choices)] };
    default:
      return { layout: 'column', parts: [column(space, Object.entries(choices).map(([label, value]) => `${label}: ${String(value)}`))] };
  }
}

function nb201Cell(choices: Choices): GraphPart {
  const nodes: GraphNode[] = [0, 1, 2, 3].map((i) => ({ id: String(i), label: String(i), kind: i === 0 ? 'input' : i === 3 ? 'output' : 'node' }));
  const edges = NB201_EDGES.map(([to, from]) => {
    const op = String(choices[`edge_${to}_${from}`]);
    return { from: String(from), to: String(to), label: op, muted: op === 'none' };
  });
  return { title: 'cell', nodes, edges };
}

function dartsCell(choices: Choices, cell: (typeof DARTS_CELLS)[number]): GraphPart {
  const name = (i: number) => (i === 0 ? 'c_{k-2}' : i === 1 ? 'c_{k-1}' : String(i - 2));
  const nodes: GraphNode[] = [
    { id: '0', label: name(0), kind: 'input' },
    { id: '1', label: name(1), kind: 'input' },
    ...DARTS_NODES.map((n): GraphNode => ({ id: String(n), label: name(n), kind: 'node' })),
    { id: 'out', label: 'c_{k}', kind: 'output' },
  ];
  const edges: GraphEdge[] = [];
  for (const node of DARTS_NODES) {
    for (const slot of [0, 1]) {
      edges.push({ from: String(choices[dartsInputLabel(cell, node, slot)]), to: String(node), label: String(choices[dartsOpLabel(cell, node, slot)]) });
    }
    // The cell's output concatenates every intermediate node.
    edges.push({ from: String(node), to: 'out' });
  }
  return { title: `${cell} cell`, nodes, edges };
}

function nb101Cell(choices: Choices): GraphPart {
  const n = NB101_VERTICES;
  const matrix = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (j > i && choices[`edge_${i}_${j}`] === 1 ? 1 : 0)));
  const ops = Array.from({ length: n }, (_, v) => (v === 0 ? 'input' : v === n - 1 ? 'output' : String(choices[`op_${v}`])));
  // Drawn as the network is built: vertices off every input→output path are dropped (the benchmark's pruning).
  const spec = pruneSpec({ matrix, ops }) ?? { matrix, ops };
  const m = spec.matrix.length;
  const nodes: GraphNode[] = spec.ops.map((op, v) => ({ id: String(v), label: op, kind: v === 0 ? 'input' : v === m - 1 ? 'output' : 'op' }));
  const edges: GraphEdge[] = [];
  for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) if (spec.matrix[i][j]) edges.push({ from: String(i), to: String(j) });
  return { title: 'cell', nodes, edges };
}

function chainNetwork(choices: Choices): GraphPart {
  const layers: string[] = [];
  for (let j = 0; choices[`layer_${j}.op`] !== undefined; j++) layers.push(String(choices[`layer_${j}.op`]));
  const part = column('network', layers);
  const skips: GraphEdge[] = [];
  for (let j = 2; j < layers.length; j++) {
    for (let i = 0; i < j - 1; i++) if (choices[`layer_${j}.skip_${i}`] === true) skips.push({ from: `b${i + 1}`, to: `b${j + 1}`, label: 'skip' });
  }
  return { ...part, edges: [...part.edges, ...skips] };
}

/** Blocks in sequence between an input and an output. */
function column(title: string, blocks: readonly string[]): GraphPart {
  const nodes: GraphNode[] = [{ id: 'b0', label: 'input', kind: 'input' }, ...blocks.map((label, i): GraphNode => ({ id: `b${i + 1}`, label, kind: 'op' })), { id: `b${blocks.length + 1}`, label: 'output', kind: 'output' }];
  const edges: GraphEdge[] = nodes.slice(1).map((n, i) => ({ from: nodes[i].id, to: n.id }));
  return { title, nodes, edges };
}
