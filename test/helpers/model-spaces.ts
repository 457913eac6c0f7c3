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

/** Every built-in trainable space at a small size (options as a config gives them), for the network, input-size and memory tests. */
export const SMALL_SPACE_OPTIONS: Readonly<Record<string, Readonly<Record<string, number | boolean>>>> = {
  nb201: { channels: 4, cells: 1 },
  darts: { channels: 4, layers: 5, auxiliary: true, drop_path: 0.2 },
  nb101: { channels: 4, stacks: 3, cells_per_stack: 1 },
  chain: { layers: 6, channels: 4 },
  'nats-size': {},
  mbconv: { depth_mult: 0.35, width_mult: 0.25 },
  fbnet: { depth_mult: 0.35, width_mult: 0.25, resolution_mult: 0.5 },
};
