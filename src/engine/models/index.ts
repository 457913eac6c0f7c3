/** The models naskit trains: a small CNN and the NAS-Bench-201 network. */
export { SmallCnn, type SmallCnnOptions } from './cnn.js';
export { Nb201Network, Nb201Cell, nb201Operation, type Nb201NetworkOptions } from './nb201.js';
