/**
 * Handlers of the recurrent modules of `engine/nn/recurrent.ts` (what strategy controllers use).
 * Exported with a zero initial state, each gives what its `forward` gives from a zero state: the
 * output sequence (LSTM), the next hidden state h (LSTMCell), the looked-up vectors (Embedding).
 */
import { Embedding, LSTM, LSTMCell } from '../../engine/nn/recurrent.js';
import type { Tensor } from '../../engine/tensor.js';
import { attr, ExportError, type Dim, type GraphBuilder, type Value } from '../graph.js';
import { childPath, handler, type HandlerEntry } from '../handler.js';

/** PyTorch stacks the gates i, f, g, o; ONNX's LSTM wants i, o, f, c (c is PyTorch's g). */
const ONNX_GATE_ORDER = [0, 3, 1, 2];

/** A [4H, ...] gate-stacked weight reordered to ONNX's gate order, as a [1, 4H, ...] float array. */
function gates(t: Tensor | null, hidden: number, rowSize: number): Float32Array {
  const out = new Float32Array(4 * hidden * rowSize);
  if (!t) return out;
  const data = t.toFloat32Array();
  const block = hidden * rowSize;
  ONNX_GATE_ORDER.forEach((from, to) => out.set(data.subarray(from * block, (from + 1) * block), to * block));
  return out;
}

/** One ONNX LSTM layer over x [T, N, I] from a zero state; returns the output sequence [T, N, H]. */
function lstmLayer(graph: GraphBuilder, x: Value, path: string, suffix: string, w: { ih: Tensor; hh: Tensor; bIh: Tensor | null; bHh: Tensor | null }, hidden: number): Value {
  const input = w.ih.shape[1]!;
  const W = graph.floats(childPath(path, `weight_ih${suffix}`), gates(w.ih, hidden, input), [1, 4 * hidden, input]);
  const R = graph.floats(childPath(path, `weight_hh${suffix}`), gates(w.hh, hidden, hidden), [1, 4 * hidden, hidden]);
  const bias = new Float32Array(8 * hidden);
  bias.set(gates(w.bIh, hidden, 1), 0);
  bias.set(gates(w.bHh, hidden, 1), 4 * hidden);
  const B = graph.floats(childPath(path, `bias${suffix}`), bias, [1, 8 * hidden]);
  const [t, n] = x.shape;
  const y = graph.node('LSTM', [x.name, W, R, B], [t!, 1, n!, hidden], path, { hidden_size: attr.int(hidden) });
  return graph.node('Squeeze', [y.name, graph.int64s(`${path}/axes`, [1])], [t!, n!, hidden], path);
}

function parameter(m: LSTM, name: string): Tensor | null {
  return m.stateDict().get(name) ?? null;
}

/** Rows for the recurrent modules of engine/nn. */
export const RECURRENT_HANDLERS: readonly HandlerEntry[] = [
  handler(Embedding, (m, x, path, { graph }) => graph.node('Gather', [graph.weight(childPath(path, 'weight'), m.weight), x.name], [...x.shape, m.dim], path, { axis: attr.int(0) })),

  handler(LSTM, (m, x, path, { graph }) => {
    if (x.shape.length !== 3 || x.shape[2] !== m.inputSize) throw new ExportError('EXPORT_SHAPE', `${path}: LSTM takes a [T, N, ${m.inputSize}] sequence, got [${x.shape.join(', ')}]`);
    let y = x;
    for (let k = 0; k < m.numLayers; k++) {
      const w = { ih: parameter(m, `weight_ih_l${k}`)!, hh: parameter(m, `weight_hh_l${k}`)!, bIh: parameter(m, `bias_ih_l${k}`), bHh: parameter(m, `bias_hh_l${k}`) };
      y = lstmLayer(graph, y, path, `_l${k}`, w, m.hiddenSize);
    }
    return y;
  }),

  handler(LSTMCell, (m, x, path, { graph }) => {
    if (x.shape.length !== 2 || x.shape[1] !== m.inputSize) throw new ExportError('EXPORT_SHAPE', `${path}: LSTMCell takes an [N, ${m.inputSize}] input, got [${x.shape.join(', ')}]`);
    const n: Dim = x.shape[0]!;
    const sequence = graph.node('Unsqueeze', [x.name, graph.int64s(`${path}/axes`, [0])], [1, n, m.inputSize], path);
    const y = lstmLayer(graph, sequence, path, '', { ih: m.weightIh, hh: m.weightHh, bIh: m.biasIh, bHh: m.biasHh }, m.hiddenSize);
    return graph.node('Squeeze', [y.name, graph.int64s(`${path}/step`, [0])], [n, m.hiddenSize], path);
  }),
];
