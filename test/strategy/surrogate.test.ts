import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Matrix, determinant, inverse } from 'ml-matrix';
import { acquire, expectedImprovement, normalCdf, normalPdf, upperConfidenceBound } from '../../src/strategy/surrogate/acquisition.js';
import { GaussianProcess, kernel } from '../../src/strategy/surrogate/gp.js';
import { Rng } from '../../src/util/rng.js';

const vec = (...xs: number[]): Float64Array => Float64Array.from(xs);
const close = (a: number, b: number, tol: number, what: string): void => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('surrogate: normal cdf and pdf against tabulated values, including the far tail', () => {
  close(normalCdf(0), 0.5, 1e-15, 'Φ(0)');
  close(normalCdf(1.96), 0.9750021048517795, 1e-12, 'Φ(1.96)');
  close(normalCdf(-1), 0.15865525393145707, 1e-12, 'Φ(-1)');
  // Relative accuracy in the tail, where 1 − Φ(10) computed naively would be 0.
  close(normalCdf(-10) / 7.61985302416047e-24, 1, 1e-9, 'Φ(-10) relative');
  close(normalPdf(0.25), 0.3866681168028493, 1e-14, 'φ(0.25)');
});

test('surrogate: expected improvement of a known Gaussian equals the closed form and a Monte Carlo estimate', () => {
  // μ = 1, σ = 2, f* = 0.5: z = 0.25, EI = 0.5·Φ(0.25) + 2·φ(0.25).
  const expected = 0.5 * 0.5987063256829237 + 2 * 0.3866681168028493;
  close(expectedImprovement(1, 2, 0.5), expected, 1e-12, 'EI');
  const rng = new Rng(1);
  let sum = 0;
  const draws = 200_000;
  for (let i = 0; i < draws; i++) sum += Math.max(1 + 2 * rng.normal() - 0.5, 0);
  close(sum / draws, expected, 0.01, 'EI by Monte Carlo');
  // No uncertainty: the plain improvement, never negative.
  assert.equal(expectedImprovement(3, 0, 1), 2);
  assert.equal(expectedImprovement(0, 0, 1), 0);
  // More uncertainty never lowers EI; a higher mean never lowers it.
  assert.ok(expectedImprovement(0, 2, 1) > expectedImprovement(0, 1, 1));
  assert.ok(expectedImprovement(0.5, 1, 1) > expectedImprovement(0, 1, 1));
  assert.equal(upperConfidenceBound(1, 2, 3), 7);
  const scores = acquire('ucb', vec(1, 2), vec(1, 0), 0, rng, 2);
  assert.deepEqual([...scores], [3, 2]);
});

test('surrogate: the GP posterior equals the closed form (R+λI)⁻¹ computed by matrix inversion', () => {
  const k = kernel('exponential');
  const rng = new Rng(4);
  const xs = Array.from({ length: 12 }, () => vec(rng.float() * 4, rng.float() * 4));
  const f = (x: Float64Array): number => Math.sin(x[0]) + 0.5 * x[1];
  const ys = xs.map(f);
  const gp = GaussianProcess.fit(k, xs, ys);
  const { mean: m, variance, lengthscale, noise } = gp.hyper;
  const n = xs.length;
  const r = new Matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) r.set(i, j, Math.exp(-k.distance(xs[i], xs[j]) / lengthscale) + (i === j ? noise : 0));
  const rInv = inverse(r);
  const centred = Matrix.columnVector(ys.map((y) => y - m));
  close(m, ys.reduce((s, y) => s + y, 0) / n, 1e-12, 'constant mean');
  close(variance, centred.transpose().mmul(rInv).mmul(centred).get(0, 0) / n, 1e-9, 'σ² in closed form');
  const tests = [vec(1, 1), vec(3.5, 0.2), xs[3]];
  const { mean, std } = gp.predict(tests);
  tests.forEach((t, j) => {
    const kStar = Matrix.columnVector(xs.map((x) => Math.exp(-k.distance(x, t) / lengthscale)));
    const mu = m + kStar.transpose().mmul(rInv).mmul(centred).get(0, 0);
    const v = variance * (1 - kStar.transpose().mmul(rInv).mmul(kStar).get(0, 0));
    close(mean[j], mu, 1e-9, `mean at point ${j}`);
    close(std[j], Math.sqrt(Math.max(v, 0)), 1e-7, `std at point ${j}`);
  });
});

test('surrogate: on sparse integer encodings (the shortcut distance) the posterior still equals the closed form, in blocks or one point at a time', () => {
  // Architecture-like encodings: 60 entries, a few small integers each (as one-hot and path
  // encodings are); 40 test points, more than one block of the forward substitution.
  const rng = new Rng(9);
  const sparseInt = (): Float64Array => {
    const x = new Float64Array(60);
    for (let t = 0; t < 8; t++) x[rng.int(60)] += 1 + rng.int(2);
    return x;
  };
  const xs = Array.from({ length: 25 }, sparseInt);
  const ys = xs.map((x) => x.reduce((s, v, t) => s + v * Math.sin(t), 0));
  const tests = [...Array.from({ length: 39 }, sparseInt), xs[5]];
  for (const name of ['exponential', 'rbf'] as const) {
    const k = kernel(name);
    const gp = GaussianProcess.fit(k, xs, ys);
    const { mean: m, variance, lengthscale, noise } = gp.hyper;
    const n = xs.length;
    const r = new Matrix(n, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) r.set(i, j, k.correlation(k.distance(xs[i], xs[j]), lengthscale) + (i === j ? noise : 0));
    const rInv = inverse(r);
    const centred = Matrix.columnVector(ys.map((y) => y - m));
    const { mean, std } = gp.predict(tests);
    tests.forEach((t, j) => {
      const kStar = Matrix.columnVector(xs.map((x) => k.correlation(k.distance(x, t), lengthscale)));
      close(mean[j], m + kStar.transpose().mmul(rInv).mmul(centred).get(0, 0), 1e-9, `${name}: mean at point ${j}`);
      close(std[j], Math.sqrt(Math.max(variance * (1 - kStar.transpose().mmul(rInv).mmul(kStar).get(0, 0)), 0)), 1e-7, `${name}: std at point ${j}`);
      const alone = gp.predict([t]);
      assert.equal(alone.mean[0], mean[j], `${name}: mean at point ${j} alone`);
      assert.equal(alone.std[0], std[j], `${name}: std at point ${j} alone`);
    });
  }
});

test('surrogate: the grid point chosen has the largest log marginal likelihood, computed independently', () => {
  const k = kernel('rbf');
  const xs = [vec(0), vec(1), vec(2), vec(3), vec(4)];
  const ys = [0, 0.8, 0.9, 0.1, -0.7];
  const grid = { lengthscales: [0.1, 1, 10], noises: [1e-4, 0.1] };
  const gp = GaussianProcess.fit(k, xs, ys, grid);
  const n = xs.length;
  const mean = ys.reduce((s, y) => s + y, 0) / n;
  const d2 = xs.map((a) => xs.map((b) => k.distance(a, b)));
  const sorted = d2.flatMap((row, i) => row.filter((_, j) => j > i)).sort((a, b) => a - b);
  const unit = Math.sqrt(sorted[Math.floor(sorted.length / 2)]);
  let best = -Infinity;
  for (const l of grid.lengthscales) {
    for (const lambda of grid.noises) {
      const r = new Matrix(d2.map((row, i) => row.map((d, j) => Math.exp(-d / (2 * (l * unit) ** 2)) + (i === j ? lambda : 0))));
      const c = Matrix.columnVector(ys.map((y) => y - mean));
      const s2 = c.transpose().mmul(inverse(r)).mmul(c).get(0, 0) / n;
      const det = new Matrix(r).mul(s2);
      const logDet = Math.log(determinant(det));
      const lml = -0.5 * n - 0.5 * logDet - 0.5 * n * Math.log(2 * Math.PI);
      best = Math.max(best, lml);
    }
  }
  close(gp.hyper.logLikelihood, best, 1e-8, 'log marginal likelihood of the chosen grid point');
});

test('surrogate: with little noise the posterior interpolates the data and is uncertain far away', () => {
  const xs = [vec(0), vec(1), vec(2)];
  const gp = GaussianProcess.fit(kernel('rbf'), xs, [1, 3, 2], { lengthscales: [1], noises: [1e-8] });
  const { mean, std } = gp.predict([...xs, vec(50)]);
  [1, 3, 2].forEach((y, i) => close(mean[i], y, 1e-5, `mean at x${i}`));
  for (let i = 0; i < 3; i++) assert.ok(std[i] < 1e-3, `std at a data point: ${std[i]}`);
  close(mean[3], 2, 1e-9, 'far away: the prior mean');
  close(std[3], Math.sqrt(gp.hyper.variance), 1e-9, 'far away: the prior std');
});
