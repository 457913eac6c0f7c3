import { CholeskyDecomposition, Matrix } from 'ml-matrix';

/** The stationary kernels the GP offers, on a distance between encodings. */
export const KERNELS = ['exponential', 'rbf'] as const;
export type KernelName = (typeof KERNELS)[number];

/**
 * A correlation function of two encodings with a length-scale: `exponential` is exp(−‖a−b‖₁/ℓ)
 * (on a one-hot encoding this is the Hamming kernel exp(−2·edits/ℓ)); `rbf` is exp(−‖a−b‖²/2ℓ²).
 * Both are positive definite for any encoding.
 */
export interface Kernel {
  readonly name: KernelName;
  /** The distance the kernel decays with (L1 for `exponential`, squared L2 for `rbf`). */
  distance(a: Float64Array, b: Float64Array): number;
  /** One coordinate's share of the distance (|a − b| or (a − b)²): the distance is their sum. */
  term(a: number, b: number): number;
  /** The correlation at distance `d` with length-scale `lengthscale`. */
  correlation(d: number, lengthscale: number): number;
  /** The distance that a length-scale of 1 "means", to scale the grid (median distance for `exponential`, its root for `rbf`). */
  scale(medianDistance: number): number;
}

/** The kernel of that name. */
export function kernel(name: KernelName): Kernel {
  if (name === 'exponential') {
    return {
      name,
      distance: (a, b) => {
        let d = 0;
        for (let i = 0; i < a.length; i++) d += Math.abs(a[i] - b[i]);
        return d;
      },
      term: (a, b) => Math.abs(a - b),
      correlation: (d, l) => Math.exp(-d / l),
      scale: (m) => m,
    };
  }
  return {
    name,
    distance: (a, b) => {
      let d = 0;
      for (let i = 0; i < a.length; i++) d += (a[i] - b[i]) ** 2;
      return d;
    },
    term: (a, b) => (a - b) ** 2,
    correlation: (d, l) => Math.exp(-d / (2 * l * l)),
    scale: (m) => Math.sqrt(m),
  };
}

/** The hyper-parameters of a fitted GP. */
export interface GpHyperparameters {
  /** Constant prior mean (the mean of the targets). */
  readonly mean: number;
  /** Signal variance σ², at its maximum-likelihood value given the rest. */
  readonly variance: number;
  readonly lengthscale: number;
  /** The length-scale as the multiple of the median-distance scale that the grid gave it. */
  readonly lengthscaleFactor: number;
  /** Noise variance as a fraction of σ². */
  readonly noise: number;
  /** Log marginal likelihood of the targets under these hyper-parameters. */
  readonly logLikelihood: number;
}

/** The grid the hyper-parameters are chosen from by marginal likelihood. */
export interface GpGrid {
  /** Length-scales as multiples of the kernel's scale of the median pairwise distance. */
  readonly lengthscales: readonly number[];
  /** Noise variances as fractions of the signal variance. */
  readonly noises: readonly number[];
}

/** A small grid that is enough for architecture encodings (20 Cholesky factorisations per fit). */
export const DEFAULT_GRID: GpGrid = { lengthscales: [0.25, 0.5, 1, 2, 4], noises: [1e-3, 1e-2, 0.05, 0.2] };

/**
 * Gaussian-process regression (Rasmussen & Williams 2006, algorithm 2.1) with a constant mean,
 * one stationary kernel, Gaussian noise, and hyper-parameters chosen on a grid by marginal
 * likelihood. The signal variance is not on the grid: for a given correlation matrix R and noise
 * fraction λ its maximum-likelihood value is (y−m)ᵀ(R+λI)⁻¹(y−m)/n in closed form.
 */
export class GaussianProcess {
  private constructor(
    private readonly kernelFn: Kernel,
    private readonly inputs: readonly Float64Array[],
    private readonly chol: CholeskyDecomposition,
    /** (R + λI)⁻¹ (y − m). */
    private readonly alpha: Float64Array,
    readonly hyper: GpHyperparameters,
  ) {}

  /** Fits a GP to (inputs, targets), choosing length-scale and noise on `grid`. */
  static fit(kernelFn: Kernel, inputs: readonly Float64Array[], targets: readonly number[], grid: GpGrid = DEFAULT_GRID): GaussianProcess {
    const n = inputs.length;
    if (n === 0 || targets.length !== n) throw new RangeError(`GaussianProcess.fit: need as many targets as inputs (≥ 1), got ${n} inputs and ${targets.length} targets`);
    const mean = targets.reduce((s, v) => s + v, 0) / n;
    const centred = Matrix.columnVector(targets.map((v) => v - mean));
    const distance: Float64Array[] = inputs.map(() => new Float64Array(n));
    const off: number[] = [];
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const d = kernelFn.distance(inputs[i], inputs[j]);
        distance[i][j] = d;
        distance[j][i] = d;
        off.push(d);
      }
    }
    off.sort((a, b) => a - b);
    const median = off.length > 0 ? off[Math.floor(off.length / 2)] : 1;
    const unit = kernelFn.scale(median > 0 ? median : 1);

    let best: GaussianProcess | null = null;
    for (const factor of grid.lengthscales) {
      const lengthscale = factor * unit;
      for (const noise of grid.noises) {
        const r = new Matrix(n, n);
        for (let i = 0; i < n; i++) {
          r.set(i, i, 1 + noise);
          for (let j = 0; j < i; j++) {
            const c = kernelFn.correlation(distance[i][j], lengthscale);
            r.set(i, j, c);
            r.set(j, i, c);
          }
        }
        const chol = new CholeskyDecomposition(r);
        if (!chol.isPositiveDefinite()) continue;
        const alphaM = chol.solve(centred);
        let quad = 0;
        for (let i = 0; i < n; i++) quad += centred.get(i, 0) * alphaM.get(i, 0);
        // All targets equal: any variance fits; keep a tiny one so predictions stay finite.
        const variance = Math.max(quad / n, 1e-12);
        const l = chol.lowerTriangularMatrix;
        let logDet = 0;
        for (let i = 0; i < n; i++) logDet += 2 * Math.log(l.get(i, i));
        const logLikelihood = -0.5 * n * Math.log(variance) - 0.5 * logDet - 0.5 * n * (1 + Math.log(2 * Math.PI));
        if (best === null || logLikelihood > best.hyper.logLikelihood) {
          best = new GaussianProcess(kernelFn, inputs, chol, Float64Array.from(alphaM.getColumn(0)), { mean, variance, lengthscale, lengthscaleFactor: factor, noise, logLikelihood });
        }
      }
    }
    if (best === null) throw new RangeError('GaussianProcess.fit: no grid point gave a positive-definite covariance; add a larger noise to the grid');
    return best;
  }

  private lowerCache: Float64Array[] | null = null;
  private sparseCache: SparseInputs | null = null;

  /** The rows of the Cholesky factor L of R + λI, as typed arrays. */
  private lowerRows(): Float64Array[] {
    this.lowerCache ??= this.chol.lowerTriangularMatrix.to2DArray().map((row) => Float64Array.from(row));
    return this.lowerCache;
  }

  /**
   * The distances from `point` to every input, into `out`. Architecture encodings are sparse
   * integer vectors (a one-hot DARTS genotype: 32 ones in 168 entries), and a sum of integers is
   * exact in any order, so there the distance is taken as the point's distance to the zero vector
   * corrected at the input's non-zero entries only: the same numbers as the dense sum, with a fifth
   * of the work. Any other encoding takes the dense sum.
   */
  private distancesTo(point: Float64Array, out: Float64Array): void {
    const kernelFn = this.kernelFn;
    const sparse = (this.sparseCache ??= sparseInputs(this.inputs));
    if (!sparse.integral || !isIntegral(point)) {
      for (let i = 0; i < this.inputs.length; i++) out[i] = kernelFn.distance(this.inputs[i], point);
      return;
    }
    let toZero = 0;
    for (let t = 0; t < point.length; t++) toZero += kernelFn.term(0, point[t]);
    for (let i = 0; i < this.inputs.length; i++) {
      const index = sparse.index[i];
      const value = sparse.value[i];
      let d = toZero;
      for (let t = 0; t < index.length; t++) {
        const p = point[index[t]];
        d += kernelFn.term(value[t], p) - kernelFn.term(0, p);
      }
      out[i] = d;
    }
  }

  /** Posterior mean and standard deviation of the latent function (noise excluded) at each point. */
  predict(points: readonly Float64Array[]): { mean: Float64Array; std: Float64Array } {
    const n = this.inputs.length;
    const m = points.length;
    const mean = new Float64Array(m);
    const std = new Float64Array(m);
    if (m === 0) return { mean, std };
    // Row j of `kv` first holds the correlations k* of point j with the inputs, then, in place,
    // v = L⁻¹k* by forward substitution on the Cholesky factor: σ²(1 − vᵀv) is the posterior
    // variance. The substitution runs over blocks of points so that each row of L is read once per
    // block rather than once per point (L outgrows the cache at a few hundred results); every
    // point's arithmetic is the same, in the same order, as one point at a time.
    const lower = this.lowerRows();
    const kv = new Float64Array(m * n);
    const distance = new Float64Array(n);
    for (let j = 0; j < m; j++) {
      if (points[j].length !== this.inputs[0].length) {
        throw new RangeError(`GaussianProcess.predict: point ${j} has ${points[j].length} entries, the inputs ${this.inputs[0].length}`);
      }
      this.distancesTo(points[j], distance);
      const base = j * n;
      let mu = 0;
      for (let i = 0; i < n; i++) {
        const k = this.kernelFn.correlation(distance[i], this.hyper.lengthscale);
        kv[base + i] = k;
        mu += k * this.alpha[i];
      }
      mean[j] = this.hyper.mean + mu;
    }
    const BLOCK = 16;
    for (let j0 = 0; j0 < m; j0 += BLOCK) {
      const j1 = Math.min(j0 + BLOCK, m);
      for (let i = 0; i < n; i++) {
        const row = lower[i];
        const diagonal = row[i];
        for (let base = j0 * n; base < j1 * n; base += n) {
          let s = kv[base + i];
          for (let c = 0; c < i; c++) s -= row[c] * kv[base + c];
          kv[base + i] = s / diagonal;
        }
      }
    }
    for (let j = 0; j < m; j++) {
      let explained = 0;
      for (let i = j * n; i < (j + 1) * n; i++) explained += kv[i] * kv[i];
      std[j] = Math.sqrt(Math.max(this.hyper.variance * (1 - explained), 0));
    }
    return { mean, std };
  }
}

/** The inputs' non-zero entries, and whether every entry of every input is an integer. */
interface SparseInputs {
  readonly integral: boolean;
  readonly index: readonly Int32Array[];
  readonly value: readonly Float64Array[];
}

function sparseInputs(inputs: readonly Float64Array[]): SparseInputs {
  const index: Int32Array[] = [];
  const value: Float64Array[] = [];
  let integral = true;
  for (const x of inputs) {
    if (!isIntegral(x)) integral = false;
    const at: number[] = [];
    for (let t = 0; t < x.length; t++) if (x[t] !== 0) at.push(t);
    index.push(Int32Array.from(at));
    value.push(Float64Array.from(at, (t) => x[t]));
  }
  return { integral, index, value };
}

/** True when every entry is an integer small enough that sums of their distances stay exact. */
function isIntegral(x: Float64Array): boolean {
  for (let t = 0; t < x.length; t++) if (!Number.isInteger(x[t]) || Math.abs(x[t]) > 2 ** 20) return false;
  return true;
}
