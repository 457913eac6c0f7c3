import { createHash } from 'node:crypto';

/**
 * Graph helpers of the NAS-Bench-101 space, faithful to the benchmark's own code (`model_spec.py`
 * `_prune` and `graph_util.hash_module`) so that keys agree with the published data set's hashes.
 * A matrix is square, upper-triangular, of 0/1; vertex 0 is the input and the last the output.
 */

/** A NAS-Bench-101 cell as the benchmark's API takes it (`ModelSpec`): adjacency and vertex ops. */
export interface Nb101Spec {
  readonly matrix: readonly (readonly number[])[];
  readonly ops: readonly string[];
}

/** Number of edges (ones) of a matrix. */
export function edgeCount(matrix: readonly (readonly number[])[]): number {
  let n = 0;
  for (const row of matrix) for (const x of row) n += x;
  return n;
}

/**
 * Removes every vertex not on an input→output path (`ModelSpec._prune`); null when the input does
 * not reach the output (the benchmark's "disconnected, invalid spec").
 */
export function pruneSpec(spec: Nb101Spec): Nb101Spec | null {
  const { matrix, ops } = spec;
  const n = matrix.length;
  const fromInput = new Set<number>([0]);
  const stack = [0];
  while (stack.length > 0) {
    const top = stack.pop() as number;
    for (let v = top + 1; v < n; v++) {
      if (matrix[top][v] && !fromInput.has(v)) {
        fromInput.add(v);
        stack.push(v);
      }
    }
  }
  const toOutput = new Set<number>([n - 1]);
  stack.push(n - 1);
  while (stack.length > 0) {
    const top = stack.pop() as number;
    for (let v = 0; v < top; v++) {
      if (matrix[v][top] && !toOutput.has(v)) {
        toOutput.add(v);
        stack.push(v);
      }
    }
  }
  const kept: number[] = [];
  for (let v = 0; v < n; v++) if (fromInput.has(v) && toOutput.has(v)) kept.push(v);
  // The benchmark's test: fewer than two vertices left means input and output are not connected.
  if (kept.length < 2 || !fromInput.has(n - 1)) return null;
  return {
    matrix: kept.map((r) => kept.map((c) => matrix[r][c])),
    ops: kept.map((v) => ops[v]),
  };
}

const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

/**
 * `graph_util.hash_module`: a Weisfeiler–Lehman style fingerprint. Each vertex starts as
 * md5 of the Python tuple text `(out_degree, in_degree, label)`; then, as many rounds as vertices,
 * md5 of its sorted in-neighbour hashes, `|`, sorted out-neighbour hashes, `|`, its own hash;
 * the result is md5 of the Python list text of the sorted vertex hashes. Isomorphic graphs with the
 * same labels get the same fingerprint; `labeling` is -1 for input, -2 for output, else the op index.
 */
export function hashModule(matrix: readonly (readonly number[])[], labeling: readonly number[]): string {
  const n = matrix.length;
  const inDeg = new Array<number>(n).fill(0);
  const outDeg = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (matrix[i][j]) {
        outDeg[i] += 1;
        inDeg[j] += 1;
      }
    }
  }
  let hashes = labeling.map((label, v) => md5(`(${outDeg[v]}, ${inDeg[v]}, ${label})`));
  for (let round = 0; round < n; round++) {
    const next: string[] = [];
    for (let v = 0; v < n; v++) {
      const ins: string[] = [];
      const outs: string[] = [];
      for (let w = 0; w < n; w++) {
        if (matrix[w][v]) ins.push(hashes[w]);
        if (matrix[v][w]) outs.push(hashes[w]);
      }
      next.push(md5(`${ins.sort().join('')}|${outs.sort().join('')}|${hashes[v]}`));
    }
    hashes = next;
  }
  return md5(`[${hashes.sort().map((h) => `'${h}'`).join(', ')}]`);
}

/** Every input→output path of a DAG as the list of the intermediate vertices it passes. */
export function inputOutputPaths(matrix: readonly (readonly number[])[]): number[][] {
  const n = matrix.length;
  const out: number[][] = [];
  const walk = (v: number, trail: number[]): void => {
    if (v === n - 1) {
      out.push(trail.slice(0, -1));
      return;
    }
    for (let w = v + 1; w < n; w++) {
      if (matrix[v][w]) {
        trail.push(w);
        walk(w, trail);
        trail.pop();
      }
    }
  };
  walk(0, []);
  return out;
}
