import { NativeError } from '../../errors.js';
import { zeros } from '../ops/creation.js';
import type { Generator } from '../ops/creation.js';
import { embedding, lstmCell } from '../ops/nn.js';
import { select, stack } from '../ops/shape.js';
import type { Tensor } from '../tensor.js';
import { defaultUniform, normal } from './init.js';
import type { InitOptions } from './linear.js';
import { Module } from './module.js';

/** Hidden and cell state: [N, hidden] each for an LSTMCell, [numLayers, N, hidden] each for an LSTM. */
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

/** Options of {@link LSTM}. */
export interface LstmOptions extends InitOptions {
  /** Stacked layers; layer k > 0 reads layer k-1's hidden states (default 1). */
  numLayers?: number;
  bias?: boolean;
}

/** The weights of one LSTM layer. */
interface LstmLayerWeights {
  wIh: Tensor;
  wHh: Tensor;
  bIh: Tensor | null;
  bHh: Tensor | null;
}

/**
 * PyTorch's nn.LSTM over a sequence [T, N, input] (not batch-first), with `numLayers` stacked layers.
 * Parameters have PyTorch's names and order (`weight_ih_l{k}`, `weight_hh_l{k}`, `bias_ih_l{k}`,
 * `bias_hh_l{k}`), so state dicts map one to one; the state is `{ h, c }` of [numLayers, N, hidden]
 * each, as PyTorch's (h_n, c_n). Weights U(-1/sqrt(hidden), 1/sqrt(hidden)) as PyTorch's.
 */
export class LSTM extends Module {
  readonly numLayers: number;
  readonly #layers: LstmLayerWeights[] = [];

  constructor(
    readonly inputSize: number,
    readonly hiddenSize: number,
    options: LstmOptions = {},
  ) {
    super();
    this.numLayers = options.numLayers ?? 1;
    for (const [name, v] of [['inputSize', inputSize], ['hiddenSize', hiddenSize], ['numLayers', this.numLayers]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`LSTM: ${name} must be a positive integer, got ${v}`);
    }
    const dtype = options.dtype ?? 'float32';
    const bias = options.bias !== false;
    for (let k = 0; k < this.numLayers; k++) {
      this.#layers.push({
        wIh: this.registerParameter(`weight_ih_l${k}`, zeros([4 * hiddenSize, k === 0 ? inputSize : hiddenSize], dtype))!,
        wHh: this.registerParameter(`weight_hh_l${k}`, zeros([4 * hiddenSize, hiddenSize], dtype))!,
        bIh: this.registerParameter(`bias_ih_l${k}`, bias ? zeros([4 * hiddenSize], dtype) : null),
        bHh: this.registerParameter(`bias_hh_l${k}`, bias ? zeros([4 * hiddenSize], dtype) : null),
      });
    }
    this.resetParameters(options.generator ?? null);
  }

  resetParameters(generator: Generator | null = null): void {
    for (const p of this.parameters()) defaultUniform(p, this.hiddenSize, generator);
  }

  /** A zero state for a batch: h and c of [numLayers, batch, hidden]. */
  initialState(batch: number): LstmState {
    const dtype = this.#layers[0].wIh.dtype;
    return { h: zeros([this.numLayers, batch, this.hiddenSize], dtype), c: zeros([this.numLayers, batch, this.hiddenSize], dtype) };
  }

  /** Outputs [T, N, hidden] (the last layer's hidden state at every step) and the final state of every layer. */
  forward(sequence: Tensor, state?: LstmState): { output: Tensor; state: LstmState } {
    if (sequence.ndim !== 3 || sequence.shape[0] < 1 || sequence.shape[2] !== this.inputSize) {
      throw new NativeError('SHAPE_MISMATCH', `LSTM: the sequence must be [T >= 1, N, ${this.inputSize}], got [${sequence.shape.join(', ')}]`);
    }
    const batch = sequence.shape[1];
    const s = state ?? this.initialState(batch);
    const expected = [this.numLayers, batch, this.hiddenSize];
    for (const [name, t] of [['h', s.h], ['c', s.c]] as const) {
      if (t.shape.join() !== expected.join()) throw new NativeError('SHAPE_MISMATCH', `LSTM: state.${name} must be [${expected.join(', ')}], got [${t.shape.join(', ')}]`);
    }
    let inputs: Tensor[] = [];
    for (let t = 0; t < sequence.shape[0]; t++) inputs.push(select(sequence, 0, t));
    const finalH: Tensor[] = [];
    const finalC: Tensor[] = [];
    this.#layers.forEach((w, k) => {
      let layerState: LstmState = { h: select(s.h, 0, k), c: select(s.c, 0, k) };
      const outputs: Tensor[] = [];
      for (const x of inputs) {
        layerState = lstmCell(x, layerState, w.wIh, w.wHh, w.bIh, w.bHh);
        outputs.push(layerState.h);
      }
      finalH.push(layerState.h);
      finalC.push(layerState.c);
      inputs = outputs;
    });
    return { output: stack(inputs, 0), state: { h: stack(finalH, 0), c: stack(finalC, 0) } };
  }
}
