import type { Rng } from '../../util/rng.js';
import type { Regressor } from './types.js';

/** Options of {@link Mlp}. */
export interface MlpOptions {
  /** Widths of the hidden layers (ReLU). */
  readonly hidden: readonly number[];
  readonly epochs: number;
  readonly batchSize: number;
  /** Adam's step size. */
  readonly learningRate: number;
  /** L2 penalty on the weights (not the biases), added to the gradient. */
  readonly weightDecay: number;
}

/** BANANAS' predictor size, scaled down: two hidden layers of 32. */
export const DEFAULT_MLP: MlpOptions = { hidden: [32, 32], epochs: 100, batchSize: 32, learningRate: 0.01, weightDecay: 1e-4 };

/**
 * A small fully connected regression network in plain TypeScript: ReLU hidden layers, a linear
 * output, mean squared error on standardised targets, He initialisation, Adam (Kingma & Ba 2015)
 * on shuffled mini-batches. Small enough (a few thousand weights) that plain loops are fast; the
 * native engine can take its place behind {@link Regressor}.
 */
export class Mlp implements Regressor {
  private readonly sizes: number[];
  /** Per layer: weights (out × in, row-major) then biases. */
  private weights: Float64Array[] = [];
  private biases: Float64Array[] = [];
  private targetMean = 0;
  private targetStd = 1;
  private fitted = false;

  constructor(
    readonly inputSize: number,
    readonly options: MlpOptions = DEFAULT_MLP,
  ) {
    if (!Number.isInteger(inputSize) || inputSize < 1) throw new RangeError(`Mlp: inputSize must be a positive integer, got ${inputSize}`);
    for (const h of options.hidden) if (!Number.isInteger(h) || h < 1) throw new RangeError(`Mlp: hidden widths must be positive integers, got ${options.hidden.join(', ')}`);
    this.sizes = [inputSize, ...options.hidden, 1];
  }

  fit(inputs: readonly Float64Array[], targets: readonly number[], rng: Rng): void {
    const n = inputs.length;
    if (n === 0 || targets.length !== n) throw new RangeError(`Mlp.fit: need as many targets as inputs (≥ 1), got ${n} and ${targets.length}`);
    for (const x of inputs) if (x.length !== this.inputSize) throw new RangeError(`Mlp.fit: inputs must have ${this.inputSize} entries, got ${x.length}`);
    this.targetMean = targets.reduce((s, v) => s + v, 0) / n;
    const variance = targets.reduce((s, v) => s + (v - this.targetMean) ** 2, 0) / n;
    this.targetStd = variance > 0 ? Math.sqrt(variance) : 1;
    const y = targets.map((v) => (v - this.targetMean) / this.targetStd);

    const layers = this.sizes.length - 1;
    this.weights = [];
    this.biases = [];
    for (let l = 0; l < layers; l++) {
      const fanIn = this.sizes[l];
      const w = new Float64Array(this.sizes[l + 1] * fanIn);
      const scale = Math.sqrt(2 / fanIn);
      for (let i = 0; i < w.length; i++) w[i] = rng.normal() * scale;
      this.weights.push(w);
      this.biases.push(new Float64Array(this.sizes[l + 1]));
    }
    const params = [...this.weights, ...this.biases];
    const adam = new Adam(params, this.options.learningRate);
    const grads = params.map((p) => new Float64Array(p.length));
    const gW = grads.slice(0, layers);
    const gB = grads.slice(layers);
    // L2 on the weights, not the biases (the order of `params`).
    const decays = params.map((_, p) => (p < layers ? this.options.weightDecay : 0));
    const acts = this.sizes.map((s) => new Float64Array(s));
    const deltas = this.sizes.map((s) => new Float64Array(s));
    const order = Array.from({ length: n }, (_, i) => i);
    // Architecture encodings are mostly zeros (the path encoding of an NB201 cell has ≤ 4 non-zeros
    // of 84): the first layer only visits the non-zero inputs, which makes training ~3× faster.
    const nonZero = inputs.map(nonZeros);
    const batch = Math.max(1, Math.min(this.options.batchSize, n));

    for (let epoch = 0; epoch < this.options.epochs; epoch++) {
      const shuffled = rng.shuffle(order);
      for (let start = 0; start < n; start += batch) {
        const end = Math.min(start + batch, n);
        for (let b = start; b < end; b++) {
          const i = shuffled[b];
          this.forward(inputs[i], acts, nonZero[i]);
          // d(½(ŷ − y)²)/dŷ, averaged over the batch.
          deltas[layers][0] = (acts[layers][0] - y[i]) / (end - start);
          for (let l = layers - 1; l >= 0; l--) {
            const inSize = this.sizes[l];
            const outSize = this.sizes[l + 1];
            const w = this.weights[l];
            const dOut = deltas[l + 1];
            const aIn = acts[l];
            const gw = gW[l];
            const gb = gB[l];
            const dIn = deltas[l];
            if (l === 0) {
              // The input layer: no gradient to pass further down, and only non-zero inputs matter.
              const nz = nonZero[i];
              for (let o = 0; o < outSize; o++) {
                const d = dOut[o];
                if (d === 0) continue;
                gb[o] += d;
                const row = o * inSize;
                for (let t = 0; t < nz.length; t++) gw[row + nz[t]] += d * aIn[nz[t]];
              }
              continue;
            }
            dIn.fill(0);
            for (let o = 0; o < outSize; o++) {
              const d = dOut[o];
              if (d === 0) continue;
              gb[o] += d;
              const row = o * inSize;
              for (let k = 0; k < inSize; k++) {
                gw[row + k] += d * aIn[k];
                dIn[k] += d * w[row + k];
              }
            }
            // ReLU derivative of the hidden layer below.
            for (let k = 0; k < inSize; k++) if (aIn[k] <= 0) dIn[k] = 0;
          }
        }
        // Weight decay, the Adam step and the zeroing of the gradients for the next batch in one
        // pass over each array: the first layer of a wide encoding (5,600 × 32 on the DARTS path
        // encoding) is larger than the cache, and three passes over it were most of the fit's time.
        adam.stepAndClear(grads, decays);
      }
    }
    this.fitted = true;
  }

  predict(inputs: readonly Float64Array[]): Float64Array {
    if (!this.fitted) throw new Error('Mlp.predict: call fit first');
    const acts = this.sizes.map((s) => new Float64Array(s));
    const out = new Float64Array(inputs.length);
    const last = this.sizes.length - 1;
    for (let i = 0; i < inputs.length; i++) {
      this.forward(inputs[i], acts, nonZeros(inputs[i]));
      out[i] = acts[last][0] * this.targetStd + this.targetMean;
    }
    return out;
  }

  /** Fills `acts` with each layer's activations (ReLU on hidden layers, linear output); `nz` lists x's non-zeros. */
  private forward(x: Float64Array, acts: Float64Array[], nz: Int32Array): void {
    // The input is only read (at its non-zeros), so it is used in place rather than copied.
    acts[0] = x;
    const layers = this.sizes.length - 1;
    for (let l = 0; l < layers; l++) {
      const inSize = this.sizes[l];
      const outSize = this.sizes[l + 1];
      const w = this.weights[l];
      const bias = this.biases[l];
      const aIn = acts[l];
      const aOut = acts[l + 1];
      for (let o = 0; o < outSize; o++) {
        let s = bias[o];
        const row = o * inSize;
        if (l === 0) for (let t = 0; t < nz.length; t++) s += w[row + nz[t]] * aIn[nz[t]];
        else for (let k = 0; k < inSize; k++) s += w[row + k] * aIn[k];
        aOut[o] = l < layers - 1 && s < 0 ? 0 : s;
      }
    }
  }
}

/** The positions of the non-zero entries of `x`. */
function nonZeros(x: Float64Array): Int32Array {
  const out: number[] = [];
  for (let k = 0; k < x.length; k++) if (x[k] !== 0) out.push(k);
  return Int32Array.from(out);
}

/** Adam over a list of parameter arrays, updated in place (β₁ 0.9, β₂ 0.999, ε 1e-8). */
export class Adam {
  private readonly m: Float64Array[];
  private readonly v: Float64Array[];
  private t = 0;

  constructor(
    private readonly params: Float64Array[],
    private readonly learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-8,
  ) {
    this.m = params.map((p) => new Float64Array(p.length));
    this.v = params.map((p) => new Float64Array(p.length));
  }

  /** One descent step along `grads` (same shapes as the parameters). */
  step(grads: readonly Float64Array[]): void {
    this.t++;
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = 1 - this.beta2 ** this.t;
    for (let p = 0; p < this.params.length; p++) {
      const param = this.params[p];
      const g = grads[p];
      const m = this.m[p];
      const v = this.v[p];
      for (let i = 0; i < param.length; i++) {
        m[i] = this.beta1 * m[i] + (1 - this.beta1) * g[i];
        v[i] = this.beta2 * v[i] + (1 - this.beta2) * g[i] * g[i];
        param[i] -= (this.learningRate * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + this.epsilon);
      }
    }
  }

  /**
   * The same step as {@link step} with `decays[p] · param` added to parameter p's gradient first
   * (L2 weight decay; 0 adds nothing), then each gradient array set to 0 for the next
   * accumulation. One pass per array instead of three; the arithmetic is that of a separate
   * decay, step and fill, so the results are the same to the bit.
   */
  stepAndClear(grads: readonly Float64Array[], decays: readonly number[]): void {
    this.t++;
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = 1 - this.beta2 ** this.t;
    const { beta1, beta2, learningRate, epsilon } = this;
    for (let p = 0; p < this.params.length; p++) {
      const param = this.params[p];
      const g = grads[p];
      const m = this.m[p];
      const v = this.v[p];
      const decay = decays[p];
      for (let i = 0; i < param.length; i++) {
        const gi = decay === 0 ? g[i] : g[i] + decay * param[i];
        g[i] = 0;
        const mi = beta1 * m[i] + (1 - beta1) * gi;
        const vi = beta2 * v[i] + (1 - beta2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        param[i] -= (learningRate * (mi / c1)) / (Math.sqrt(vi / c2) + epsilon);
      }
    }
  }
}
