import { EigenvalueDecomposition, LuDecomposition, Matrix } from 'ml-matrix';

/** A square matrix [n, n] from row-major values. */
function square(values: ArrayLike<number>, n: number): Matrix {
  const m = new Matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m.set(i, j, values[i * n + j]);
  return m;
}

/** log |det A| of a square matrix (row-major), by LU with partial pivoting; -Infinity when singular. */
export function logAbsDet(values: ArrayLike<number>, n: number): number {
  const lu = new LuDecomposition(square(values, n));
  const u = lu.upperTriangularMatrix;
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(Math.abs(u.get(i, i)));
  return s;
}

/** Eigenvalues of a symmetric matrix (row-major). */
export function symmetricEigenvalues(values: ArrayLike<number>, n: number): number[] {
  return new EigenvalueDecomposition(square(values, n), { assumeSymmetric: true }).realEigenvalues;
}
