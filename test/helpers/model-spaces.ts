import { ModelSpace } from '../../src/space/model-space.js';
import { avgPool, cell, conv, dropout, graph, identity, inputChoice, layerChoice, maxPool, mbconv, repeat, sepConv, sequential, valueChoice, zero } from '../../src/space/primitives.js';

/** A model space with every choice primitive and module type, shared by the network and export tests. */
export const allPrimitivesSpace = (): ModelSpace =>
  new ModelSpace(
    'all-primitives',
    sequential({
      stem: conv({ out: valueChoice([4, 8]), stride: valueChoice([1, 2]) }),
      body: repeat(() => layerChoice({ mb: mbconv({ kernel: valueChoice([3, 5]), expansion: valueChoice([1, 3]) }), sep: sepConv({ kernel: 5 }), avg: avgPool() }), [0, 1, 2]),
      cell: cell({ nodes: 3, inputs: 1, ops: { skip: identity(), conv: conv({ kernel: 3, dilation: 2 }), none: zero(), pool: maxPool() }, output: 'concat' }),
      graph: graph([
        { name: 'a', inputs: [0], op: dropout(0.1) },
        { name: 'b', inputs: inputChoice([0, 1], 2), op: conv({ kernel: 1 }) },
      ], 'sum'),
      head: conv({ out: valueChoice([6, 12]), kernel: 1 }),
    }),
  );
