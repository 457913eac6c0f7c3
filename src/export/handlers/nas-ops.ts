/** Handlers of the cell operations of `engine/nn/nas-ops.ts` (NAS-Bench-201 and DARTS operations). */
import { DilConv, DualSepConv, FactorizedReduce, HalvingAvgPool, HalvingMaxPool, Pooling, ReLUConvBN, ResNetBasicBlock, SepConv, Zero } from '../../engine/nn/nas-ops.js';
import { attr, nchw, type Dim, type GraphBuilder, type Value } from '../graph.js';
import { childPath, handler, type Handler, type HandlerEntry } from '../handler.js';

/** ReLUConvBN, SepConv and DilConv are a Sequential named `op`. */
const throughOp: Handler<ReLUConvBN | SepConv> = (m, x, path, { emit }) => emit(m.op, x, childPath(path, 'op'));

/** 2x2 pooling with stride 2, an odd side's last row or column repeated first (as the halving pools do). */
function halvingPool(graph: GraphBuilder, op: 'AveragePool' | 'MaxPool', x: Value, path: string): Value {
  const [n, c, h, w] = nchw(x, path);
  let y = x;
  for (const [axis, size] of [[2, h], [3, w]] as const) {
    if (size % 2 === 0) continue;
    const shape = [...y.shape];
    shape[axis] = 1;
    const last = graph.node('Slice', [y.name, graph.int64s(`${path}/starts${axis}`, [size - 1]), graph.int64s(`${path}/ends${axis}`, [size]), graph.int64s(`${path}/axes${axis}`, [axis])], shape, path);
    shape[axis] = size + 1;
    y = graph.node('Concat', [y.name, last.name], shape, path, { axis: attr.int(axis) });
  }
  return graph.node(op, [y.name], [n, c, Math.ceil(h / 2), Math.ceil(w / 2)], path, { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) });
}

/** Rows for the cell operations of engine/nn/nas-ops.ts. */
export const NAS_OP_HANDLERS: readonly HandlerEntry[] = [
  handler(ReLUConvBN, throughOp),
  handler(SepConv, throughOp),
  handler(DilConv, throughOp),

  handler(DualSepConv, (m, x, path, { emit }) => emit(m.opB, emit(m.opA, x, childPath(path, 'op_a')), childPath(path, 'op_b'))),

  handler(Zero, (m, x, path, { graph }) => {
    const [n, , h, w] = nchw(x, path);
    if (m.cIn === m.cOut && m.stride === 1) return graph.node('Mul', [x.name, graph.floats(`${path}/zero`, new Float32Array([0]), [])], x.shape, path);
    // Zeros of [N, cOut, ceil(H/s), ceil(W/s)], the batch taken from the input at run time.
    const size = [m.cOut, Math.ceil(h / m.stride), Math.ceil(w / m.stride)];
    const batch = graph.node('Shape', [x.name], [1], path, { start: attr.int(0), end: attr.int(1) });
    const shape = graph.node('Concat', [batch.name, graph.int64s(`${path}/size`, size)], [4], path, { axis: attr.int(0) });
    return graph.node('ConstantOfShape', [shape.name], [n, ...size], path);
  }),

  handler(FactorizedReduce, (m, x, path, { graph, emit }) => {
    const bn = childPath(path, 'bn');
    if (m.conv) return emit(m.bn, emit(m.conv, x, childPath(path, 'conv')), bn);
    const [n, c, h, w] = nchw(x, path);
    const r = graph.node('Relu', [x.name], x.shape, path);
    const a = emit(m.convs[0], r, childPath(path, 'conv_0'));
    // The second half sees the input shifted by one pixel: pad right and bottom by one, drop the first row and column.
    const padded = graph.node('Pad', [r.name, graph.int64s(`${path}/pads`, [0, 0, 0, 0, 0, 0, 1, 1])], [n, c, h + 1, w + 1], path, { mode: { string: 'constant' } });
    const shifted = graph.node('Slice', [padded.name, graph.int64s(`${path}/starts`, [1, 1]), graph.int64s(`${path}/ends`, [h + 1, w + 1]), graph.int64s(`${path}/axes`, [2, 3])], [n, c, h, w], path);
    const b = emit(m.convs[1], shifted, childPath(path, 'conv_1'));
    const [, ca, ha, wa] = nchw(a, path);
    const [, cb] = nchw(b, path);
    const joined = graph.node('Concat', [a.name, b.name], [n, ca + cb, ha, wa] as Dim[], path, { axis: attr.int(1) });
    return emit(m.bn, joined, bn);
  }),

  handler(Pooling, (m, x, path, { emit }) => emit(m.pool, m.preprocess ? emit(m.preprocess, x, childPath(path, 'preprocess')) : x, childPath(path, 'op'))),

  handler(HalvingAvgPool, (_m, x, path, { graph }) => halvingPool(graph, 'AveragePool', x, path)),
  handler(HalvingMaxPool, (_m, x, path, { graph }) => halvingPool(graph, 'MaxPool', x, path)),

  handler(ResNetBasicBlock, (m, x, path, { graph, emit }) => {
    const main = emit(m.convB, emit(m.convA, x, childPath(path, 'conv_a')), childPath(path, 'conv_b'));
    const residual = m.downsample ? emit(m.downsample, x, childPath(path, 'downsample')) : x;
    return graph.node('Add', [residual.name, main.name], main.shape, path);
  }),
];
