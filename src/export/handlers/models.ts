/** Handlers of the networks of `engine/models`: they wire their children as the models' forward does. */
import { Nb201Cell, Nb201Network } from '../../space/nb201/network.js';
import { SmallCnn } from '../../engine/models/cnn.js';
import { Zero } from '../../engine/nn/nas-ops.js';
import { NB201_EDGES } from '../../space/nb201/space.js';
import type { Value } from '../graph.js';
import { childPath, handler, type HandlerEntry } from '../handler.js';

/** Rows for the networks of engine/models. */
export const MODEL_HANDLERS: readonly HandlerEntry[] = [
  // Node j is the sum over edges i→j of op(node i); `none` edges (Zero) add zeros and are skipped, as in forward.
  handler(Nb201Cell, (m, x, path, { graph, emit }) => {
    const nodes: Value[] = [x];
    for (let to = 1; to <= 3; to++) {
      let sum: Value | null = null;
      NB201_EDGES.forEach(([t, from], k) => {
        const edge = m.edges.at(k);
        if (t !== to || edge instanceof Zero) return;
        const y = emit(edge, nodes[from], childPath(path, `layers.${k}`));
        sum = sum === null ? y : graph.node('Add', [sum.name, y.name], y.shape, `${path}/node${to}`);
      });
      nodes.push(sum ?? graph.node('Mul', [x.name, graph.floats(`${path}/zero`, new Float32Array([0]), [])], x.shape, `${path}/node${to}`));
    }
    return nodes[3];
  }),

  handler(Nb201Network, (m, x, path, { emit }) => {
    let y = emit(m.stem, x, childPath(path, 'stem'));
    [...m.cells].forEach((cell, i) => (y = emit(cell, y, childPath(path, `cells.${i}`))));
    y = emit(m.lastact, y, childPath(path, 'lastact'));
    y = emit(m.pool, y, childPath(path, 'global_pooling'));
    return emit(m.classifier, y, childPath(path, 'classifier'));
  }),

  handler(SmallCnn, (m, x, path, { emit }) => emit(m.head, emit(m.features, x, childPath(path, 'features')), childPath(path, 'head'))),
];
