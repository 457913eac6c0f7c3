/**
 * Handlers of the networks of `engine/models` beyond NB201 and the small CNN: DARTS, NAS-Bench-101,
 * the chain macro network, NATS size and the layer-wise (MBConv/FBNet) networks. Each wires its
 * children as the model's evaluation forward does.
 */
import { ChainLayer, ChainNetwork } from '../../space/chain/network.js';
import { DartsCell, DartsNetwork } from '../../space/darts/network.js';
import { LayerwiseNetwork } from '../../space/layerwise/network.js';
import { NatsSizeNetwork } from '../../space/nats-size/network.js';
import { Nb101Cell, Nb101Network } from '../../space/nb101/network.js';
import { attr, ExportError, nchw, windowOutput, type Value } from '../graph.js';
import { childPath, handler, type ExportContext, type HandlerEntry } from '../handler.js';
import { addValues, concatChannels } from './blocks.js';

/**
 * A DARTS cell on its two inputs (`forwardPair`): both preprocessed, each node the sum of two
 * operations on earlier states (drop-path is the identity in evaluation), the nodes concatenated.
 */
function dartsCell(m: DartsCell, s0: Value, s1: Value, path: string, { graph, emit }: ExportContext): Value {
  const states = [emit(m.preprocess0, s0, childPath(path, 'preprocess0')), emit(m.preprocess1, s1, childPath(path, 'preprocess1'))];
  const inputs = m.inputs;
  for (let k = 0; k < inputs.length; k += 2) {
    const [a, b] = [k, k + 1].map((j) => emit(m.ops.at(j), states[inputs[j]], childPath(path, `_ops.${j}`)));
    states.push(addValues(graph, a, b, `${path}/node${k / 2}`));
  }
  return concatChannels(graph, states.slice(2), `${path}/concat`);
}

/** A chain layer (`forwardWith`): its operation on the last output, plus its skip inputs, then BN. */
function chainLayer(m: ChainLayer, previous: readonly Value[], path: string, { graph, emit }: ExportContext): Value {
  let y = emit(m.op, previous[previous.length - 1], childPath(path, 'op'));
  for (const i of m.skips) y = addValues(graph, y, previous[i + 1], `${path}/skip${i}`);
  return emit(m.bn, y, childPath(path, 'bn'));
}

/** 2x2 average pooling, stride 2 (the chain network's reductions). */
function halve(x: Value, path: string, { graph }: ExportContext): Value {
  const [n, c, h, w] = nchw(x, path);
  return graph.node('AveragePool', [x.name], [n, c, windowOutput(h, 2, 2, 0), windowOutput(w, 2, 2, 0)], path, { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) });
}

/** Rows for the networks of engine/models other than NB201 and the small CNN. */
export const NETWORK_HANDLERS: readonly HandlerEntry[] = [
  // Alone, a DARTS cell's forward gives its input to both sides.
  handler(DartsCell, (m, x, path, context) => dartsCell(m, x, x, path, context)),

  // The auxiliary head only computes in training: the evaluation forward, and so the export, leaves it out.
  handler(DartsNetwork, (m, x, path, context) => {
    const { emit } = context;
    let s0 = emit(m.stem, x, childPath(path, 'stem'));
    let s1 = s0;
    [...m.cells].forEach((cell, i) => ([s0, s1] = [s1, dartsCell(cell, s0, s1, childPath(path, `cells.${i}`), context)]));
    return emit(m.classifier, emit(m.pool, s1, childPath(path, 'global_pooling')), childPath(path, 'classifier'));
  }),

  // Vertex t: the sum of its inputs (earlier vertices cut to its channels, then the input's projection), then its op; the output concatenates, plus the input's projection.
  handler(Nb101Cell, (m, x, path, { graph, emit }) => {
    const { matrix } = m.spec;
    const channels = m.vertexChannels;
    const n = matrix.length;
    const tensors: Value[] = [x];
    const concat: Value[] = [];
    for (let t = 1; t < n - 1; t++) {
      const c = channels[t];
      const inputs: Value[] = [];
      for (let src = 1; src < t; src++) {
        if (!matrix[src][t]) continue;
        const v = tensors[src];
        const [b, cv, h, w] = nchw(v, path);
        inputs.push(cv > c ? graph.node('Slice', [v.name, graph.int64s(`${path}/starts`, [0]), graph.int64s(`${path}/ends`, [c]), graph.int64s(`${path}/axes`, [1])], [b, c, h, w], `${path}/vertex${t}`) : v);
      }
      if (matrix[0][t]) inputs.push(emit(m.projections.at(t - 1), x, childPath(path, `projections.${t - 1}`)));
      const sum = inputs.reduce((a, b) => addValues(graph, a, b, `${path}/vertex${t}`));
      tensors.push(emit(m.vertexOps.at(t - 1), sum, childPath(path, `ops.${t - 1}`)));
      if (matrix[t][n - 1]) concat.push(tensors[t]);
    }
    const projection = m.outputProjection ? emit(m.outputProjection, x, childPath(path, 'output_projection')) : null;
    if (concat.length === 0) {
      if (!projection) throw new ExportError('EXPORT_SHAPE', `${path}: the cell has no path from its input to its output`);
      return projection;
    }
    const out = concatChannels(graph, concat, `${path}/concat`);
    return projection ? addValues(graph, out, projection, `${path}/output`) : out;
  }),

  handler(Nb101Network, (m, x, path, { emit }) => {
    let y = emit(m.stem, x, childPath(path, 'stem'));
    [...m.layers].forEach((layer, i) => (y = emit(layer, y, childPath(path, `layers.${i}`))));
    return emit(m.classifier, emit(m.pool, y, childPath(path, 'global_pooling')), childPath(path, 'classifier'));
  }),

  // Alone, a chain layer has no earlier outputs: only a layer without skips runs (as its forward).
  handler(ChainLayer, (m, x, path, context) => {
    if (m.skips.length > 0) throw new ExportError('EXPORT_UNSUPPORTED', `${path}: a chain layer with skip connections reads earlier layers' outputs and exports only inside its ChainNetwork`);
    return chainLayer(m, [x], path, context);
  }),

  // After the pooling layers every kept output is halved; each output is pooled only when a later layer reads it (the same values, no dead nodes).
  handler(ChainNetwork, (m, x, path, context) => {
    const { emit } = context;
    const outputs: { value: Value; pools: number }[] = [{ value: emit(m.stem, x, childPath(path, 'stem')), pools: 0 }];
    let pools = 0;
    const at = (k: number): Value => {
      const o = outputs[k];
      for (; o.pools < pools; o.pools++) o.value = halve(o.value, `${path}/pool${o.pools}/output${k}`, context);
      return o.value;
    };
    [...m.layers].forEach((layer, j) => {
      const previous = outputs.map((_, k) => (k === j || layer.skips.includes(k - 1) ? at(k) : outputs[k].value));
      outputs.push({ value: chainLayer(layer, previous, childPath(path, `layers.${j}`), context), pools });
      if (m.poolAfter.includes(j)) pools++;
    });
    const last = at(outputs.length - 1);
    return emit(m.classifier, emit(m.pool, last, childPath(path, 'global_pooling')), childPath(path, 'classifier'));
  }),

  handler(NatsSizeNetwork, (m, x, path, { emit }) => {
    let y = emit(m.stem, x, childPath(path, 'stem'));
    [...m.cells].forEach((cell, i) => (y = emit(cell, y, childPath(path, `cells.${i}`))));
    y = emit(m.lastact, y, childPath(path, 'lastact'));
    return emit(m.classifier, emit(m.pool, y, childPath(path, 'global_pooling')), childPath(path, 'classifier'));
  }),

  handler(LayerwiseNetwork, (m, x, path, { emit }) => {
    let y = emit(m.stem, m.resize ? emit(m.resize, x, childPath(path, 'resize')) : x, childPath(path, 'stem'));
    [...m.blocks].forEach((block, i) => (y = emit(block, y, childPath(path, `blocks.${i}`))));
    y = emit(m.head, y, childPath(path, 'head'));
    return emit(m.classifier, emit(m.pool, y, childPath(path, 'global_pooling')), childPath(path, 'classifier'));
  }),
];
