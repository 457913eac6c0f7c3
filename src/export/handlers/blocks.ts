/** Handlers of the building blocks of `engine/nn` that the newer spaces use: MBConv, drop-path, the auxiliary head, DAG cells. */
import { AuxiliaryHead } from '../../engine/nn/auxiliary-head.js';
import { DagCell } from '../../engine/nn/dag.js';
import { DropPath } from '../../engine/nn/drop-path.js';
import { MBConv } from '../../engine/nn/mbconv.js';
import { attr, nchw, type Dim, type GraphBuilder, type Value } from '../graph.js';
import { childPath, handler, type HandlerEntry } from '../handler.js';

/** `a + b` (same shape). */
export function addValues(graph: GraphBuilder, a: Value, b: Value, hint: string): Value {
  return graph.node('Add', [a.name, b.name], a.shape, hint);
}

/** The values concatenated along channels (one value passes through). */
export function concatChannels(graph: GraphBuilder, values: readonly Value[], hint: string): Value {
  if (values.length === 1) return values[0];
  const [n, , h, w] = nchw(values[0], hint);
  const channels = values.reduce((sum, v) => sum + nchw(v, hint)[1], 0);
  return graph.node('Concat', values.map((v) => v.name), [n, channels, h, w], hint, { axis: attr.int(1) });
}

/**
 * Adaptive average pooling to `out`×`out` (as libtorch's adaptive_avg_pool2d: window i spans
 * ⌊i·H/out⌋ to ⌈(i+1)·H/out⌉, so windows may overlap when H is not a multiple of `out`): each
 * window a `Slice` and a `ReduceMean`, the windows joined by `Concat`.
 */
function adaptiveAvgPool(graph: GraphBuilder, x: Value, out: number, path: string): Value {
  const [n, c, h, w] = nchw(x, path);
  const bounds = (size: number, i: number): [number, number] => [Math.floor((i * size) / out), Math.ceil(((i + 1) * size) / out)];
  const rows: Value[] = [];
  for (let i = 0; i < out; i++) {
    const cells: Value[] = [];
    for (let j = 0; j < out; j++) {
      const [h0, h1] = bounds(h, i);
      const [w0, w1] = bounds(w, j);
      const window = graph.node('Slice', [x.name, graph.int64s(`${path}/starts`, [h0, w0]), graph.int64s(`${path}/ends`, [h1, w1]), graph.int64s(`${path}/axes`, [2, 3])], [n, c, h1 - h0, w1 - w0], path);
      cells.push(graph.node('ReduceMean', [window.name], [n, c, 1, 1], path, { axes: attr.ints([2, 3]), keepdims: attr.int(1) }));
    }
    rows.push(cells.length === 1 ? cells[0] : graph.node('Concat', cells.map((v) => v.name), [n, c, 1, out], path, { axis: attr.int(3) }));
  }
  return rows.length === 1 ? rows[0] : graph.node('Concat', rows.map((v) => v.name), [n, c, out, out], path, { axis: attr.int(2) });
}

/** Rows for MBConv, DropPath, AuxiliaryHead and DagCell. */
export const BLOCK_HANDLERS: readonly HandlerEntry[] = [
  handler(MBConv, (m, x, path, { graph, emit }) => {
    const hidden = m.expand ? emit(m.expand, x, childPath(path, 'expand')) : x;
    const y = emit(m.project, emit(m.depthwise, hidden, childPath(path, 'depthwise')), childPath(path, 'project'));
    return m.residual ? addValues(graph, x, y, path) : y;
  }),

  // Drop-path drops only while training; an exported model only evaluates.
  handler(DropPath, (_m, x) => x),

  // Exported alone it is a classifier of its own; a network's export leaves it out, as the network's evaluation forward does.
  handler(AuxiliaryHead, (m, x, path, { graph, emit }) => {
    const r = graph.node('Relu', [x.name], x.shape, path);
    const features = emit(m.features, adaptiveAvgPool(graph, r, 2, path), childPath(path, 'features'));
    const [n, c, h, w] = nchw(features, path);
    const flat = graph.node('Flatten', [features.name], [n, c * h * w] as Dim[], path, { axis: attr.int(1) });
    return emit(m.classifier, flat, childPath(path, 'classifier'));
  }),

  // Vertex k: its op on the sum of its edges (each edge's op on the state it reads); the cell gives the last vertex, their sum or their concatenation.
  handler(DagCell, (m, x, path, { graph, emit }) => {
    const states: Value[] = [x];
    let edge = 0;
    m.sources.forEach((froms, k) => {
      let sum: Value | null = null;
      for (const from of froms) {
        const y = emit(m.edges.at(edge), states[from], childPath(path, `edges.${edge}`));
        edge++;
        sum = sum === null ? y : addValues(graph, sum, y, `${path}/vertex${k + 1}`);
      }
      states.push(emit(m.ops.at(k), sum!, childPath(path, `ops.${k}`)));
    });
    const outs = states.slice(1);
    if (m.output === 'last') return outs[outs.length - 1];
    if (m.output === 'sum') return outs.reduce((a, b) => addValues(graph, a, b, `${path}/sum`));
    return concatChannels(graph, outs, `${path}/concat`);
  }),
];
