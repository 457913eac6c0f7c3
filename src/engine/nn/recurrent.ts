import { zeros } from '../ops/creation.js';
import type { Generator } from '../ops/creation.js';
import { embedding, lstmCell } from '../ops/nn.js';
import { select, stack } from '../ops/shape.js';
import type { Tensor } from '../tensor.js';
import { defaultUniform, normal } from './init.js';
import type { InitOptions } from './linear.js';
import { Module } from './module.js';

/** Hidden and cell state of an LSTM. */
export interface LstmState {
  h: Tensor;
  c: Tensor;
}

/** One LSTM step (PyTorch's LSTMCell: gates i, f, g, o; weights U(-1/sqrt(hidden), 1/sqrt(hidden))). */
export class LSTMCell extends Module {
  readonly weightIh: Tensor;
  readonly weightHh: Tensor;
  readonly biasIh: Tensor | null;
  readonly biasHh: Tensor | null;

  constructor(
    readonly inputSize: number,
    readonly hiddenSize: number,
    options: InitOptions & { bias?: boolean } = {},
  ) {
    super();
    if (!Number.isInteger(inputSize) || inputSize < 1 || !Number.isInteger(hiddenSize) || hiddenSize < 1) {
      throw new RangeError(`LSTMCell: sizes must be positive integers, got ${inputSize}, ${hiddenSize}`);
    }
    const dtype = options.dtype ?? 'float32';
    this.weightIh = this.registerParameter('weight_ih', zeros([4 * hiddenSize, inputSize], dtype))!;
    this.weightHh = this.registerParameter('weight_hh', zeros([4 * hiddenSize, hiddenSize], dtype))!;
    const bias = options.bias !== false;
    this.biasIh = this.registerParameter('bias_ih', bias ? zeros([4 * hiddenSize], dtype) : null);
    this.biasHh = this.registerParameter('bias_hh', bias ? zeros([4 * hiddenSize], dtype) : null);
    this.resetParameters(options.generator ?? null);
  }

  resetParameters(generator: Generator | null = null): void {
    for (const p of this.parameters()) defaultUniform(p, this.hiddenSize, generator);
  }

  /** A zero state for a batch. */
  initialState(batch: number): LstmState {
    return { h: zeros([batch, this.hiddenSize], this.weightIh.dtype), c: zeros([batch, this.hiddenSize], this.weightIh.dtype) };
  }

  forward(x: Tensor, state: LstmState): LstmState {
    return lstmCell(x, state, this.weightIh, this.weightHh, this.biasIh, this.biasHh);
  }
}

/** A table of `num` vectors of size `dim`, looked up by integer index (weights N(0, 1) as PyTorch). */
export class Embedding extends Module {
  readonly weight: Tensor;
  constructor(
    readonly num: number,
    readonly dim: number,
    options: InitOptions = {},
  ) {
    super();
    if (!Number.isInteger(num) || num < 1 || !Number.isInteger(dim) || dim < 1) throw new RangeError(`Embedding: sizes must be positive integers, got ${num}, ${dim}`);
    this.weight = this.registerParameter('weight', zeros([num, dim], options.dtype ?? 'float32'))!;
    normal(this.weight, 0, 1, options.generator ?? null);
  }

  forward(indices: Tensor): Tensor {
    return embedding(this.weight, indices);
  }
}

/** A one-layer LSTM over a sequence [T, N, input]: the cell stepped over time (members as PyTorch's `weight_ih_l0` via `cell.`). */
export class LSTM extends Module {
  readonly cell: LSTMCell;
  constructor(inputSize: number, hiddenSize: number, options: InitOptions & { bias?: boolean } = {}) {
    super();
    this.cell = this.registerModule('cell', new LSTMCell(inputSize, hiddenSize, options));
  }

  /** Outputs [T, N, hidden] (the hidden state at every step) and the final state. */
  forward(sequence: Tensor, state?: LstmState): { output: Tensor; state: LstmState } {
    if (sequence.ndim !== 3) throw new RangeError(`LSTM: the sequence must be [T, N, ${this.cell.inputSize}], got [${sequence.shape.join(', ')}]`);
    let s = state ?? this.cell.initialState(sequence.shape[1]);
    const outputs: Tensor[] = [];
    for (let t = 0; t < sequence.shape[0]; t++) {
      s = this.cell.forward(select(sequence, 0, t), s);
      outputs.push(s.h);
    }
    return { output: stack(outputs, 0), state: s };
  }
}
