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

  /** The rows of the Cholesky factor L of R + λI, as typed arrays. */
  private lowerRows(): Float64Array[] {
    this.lowerCache ??= this.chol.lowerTriangularMatrix.to2DArray().map((row) => Float64Array.from(row));
    return this.lowerCache;
  }

  /** Posterior mean and standard deviation of the latent function (noise excluded) at each point. */
  predict(points: readonly Float64Array[]): { mean: Float64Array; std: Float64Array } {
    const n = this.inputs.length;
    const m = points.length;
    const mean = new Float64Array(m);
    const std = new Float64Array(m);
    if (m === 0) return { mean, std };
    // v = L⁻¹k* by forward substitution on the Cholesky factor: σ²(1 − vᵀv) is the posterior
    // variance. Done here on typed arrays because it runs for every candidate of every ask.
    const lower = this.lowerRows();
    const k = new Float64Array(n);
    const v = new Float64Array(n);
    for (let j = 0; j < m; j++) {
      let mu = 0;
      for (let i = 0; i < n; i++) {
        k[i] = this.kernelFn.correlation(this.kernelFn.distance(this.inputs[i], points[j]), this.hyper.lengthscale);
        mu += k[i] * this.alpha[i];
      }
      let explained = 0;
      for (let i = 0; i < n; i++) {
        const row = lower[i];
        let s = k[i];
        for (let c = 0; c < i; c++) s -= row[c] * v[c];
        v[i] = s / row[i];
        explained += v[i] * v[i];
      }
      mean[j] = this.hyper.mean + mu;
      std[j] = Math.sqrt(Math.max(this.hyper.variance * (1 - explained), 0));
    }
    return { mean, std };
  }
}
