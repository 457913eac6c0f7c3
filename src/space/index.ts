/** Search spaces: the choice primitives, the space contract and the spaces naskit ships. */
export type { EncodingName, Leaf, Sample, Space, Value } from './types.js';
export { Categorical, FloatRange, IntRange } from './choice.js';
export { ProductSpace } from './product-space.js';
export { Nb201Space, NB201_EDGES, NB201_OPS, type Nb201Op } from './nb201.js';
export { SPACES, createSpace } from './registry.js';
