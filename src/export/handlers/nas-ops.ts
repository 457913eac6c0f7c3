/** Handlers of the cell operations of `engine/nn/nas-ops.ts` (NAS-Bench-201 and DARTS operations). */
import { DilConv, DualSepConv, FactorizedReduce, Pooling, ReLUConvBN, ResNetBasicBlock, SepConv, Zero } from '../../engine/nn/nas-ops.js';
import { attr, nchw, type Dim } from '../graph.js';
import { childPath, handler, type Handler, type HandlerEntry } from '../handler.js';

/** ReLUConvBN, SepConv and DilConv are a Sequential named `op`. */
const throughOp: Handler<ReLUConvBN | SepConv> = (m, x, path, { emit }) => emit(m.op, x, childPath(path, 'op'));

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

  handler(ResNetBasicBlock, (m, x, path, { graph, emit }) => {
    const main = emit(m.convB, emit(m.convA, x, childPath(path, 'conv_a')), childPath(path, 'conv_b'));
    const residual = m.downsample ? emit(m.downsample, x, childPath(path, 'downsample')) : x;
    return graph.node('Add', [residual.name, main.name], main.shape, path);
  }),
];
