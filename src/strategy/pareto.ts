/**
 * Pareto tools for several objectives, all maximised (naskit orients every objective so that
 * larger is better: accuracy as is, latency/params/FLOPs negated).
 *
 * - {@link dominates}: Pareto dominance.
 * - {@link nonDominatedSort}: the fast non-dominated sort of NSGA-II (Deb et al. 2002, §III-A).
 * - {@link crowdingDistance}: NSGA-II's crowding distance (§III-B), objectives normalised by their range in the front.
 * - {@link hypervolume}: the volume dominated by a set and bounded by a reference point; exact
 *   (a sweep in 2-D, slicing on the last objective above that: HSO, While et al. 2006).
 */

/** Whether `a` Pareto-dominates `b`: at least as good everywhere (maximising) and better somewhere. */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] < b[i]) return false;
    if (a[i] > b[i]) better = true;
  }
  return better;
}

/**
 * Fronts of indices into `points`: front 0 is the non-dominated set, front 1 is non-dominated once
 * front 0 is removed, and so on. Equal points share a front. O(M·N²) as in the paper.
 */
export function nonDominatedSort(points: readonly (readonly number[])[]): number[][] {
  const n = points.length;
  const dominatedBy: number[][] = Array.from({ length: n }, () => []);
  const count = new Array<number>(n).fill(0);
  const fronts: number[][] = [[]];
  for (let p = 0; p < n; p++) {
    for (let q = p + 1; q < n; q++) {
      if (dominates(points[p], points[q])) {
        dominatedBy[p].push(q);
        count[q]++;
      } else if (dominates(points[q], points[p])) {
        dominatedBy[q].push(p);
        count[p]++;
      }
    }
  }
  for (let p = 0; p < n; p++) if (count[p] === 0) fronts[0].push(p);
  for (let f = 0; fronts[f].length > 0; f++) {
    const next: number[] = [];
    for (const p of fronts[f]) {
      for (const q of dominatedBy[p]) if (--count[q] === 0) next.push(q);
    }
    fronts.push(next);
  }
  fronts.pop(); // the empty sentinel
  return fronts;
}

/**
 * Indices (ascending) of the non-dominated points (front 0 of {@link nonDominatedSort}, equal points
 * all kept), in O(N·F) for F front members: after sorting best-first lexicographically, a point
 * can only be dominated by one before it, and by transitivity by a kept one.
 */
export function paretoFront(points: readonly (readonly number[])[]): number[] {
  const order = points.map((_, i) => i).sort((i, j) => {
    for (let k = 0; k < points[i].length; k++) if (points[i][k] !== points[j][k]) return points[j][k] - points[i][k];
    return i - j;
  });
  const kept: number[] = [];
  for (const i of order) if (!kept.some((j) => dominates(points[j], points[i]))) kept.push(i);
  return kept.sort((a, b) => a - b);
}

/**
 * Crowding distance of each member of one front (same order as `front`, indices into `points`).
 * Boundary points of every objective get +Infinity; interior points the sum over objectives of the
 * gap between their neighbours divided by the objective's range in the front.
 */
export function crowdingDistance(points: readonly (readonly number[])[], front: readonly number[]): number[] {
  const m = front.length;
  const distance = new Array<number>(m).fill(0);
  if (m === 0) return distance;
  const objectives = points[front[0]].length;
  for (let k = 0; k < objectives; k++) {
    // Ties broken by position so the result does not depend on the sort's stability.
    const order = front.map((_, i) => i).sort((i, j) => points[front[i]][k] - points[front[j]][k] || i - j);
    const lo = points[front[order[0]]][k];
    const hi = points[front[order[m - 1]]][k];
    distance[order[0]] = Infinity;
    distance[order[m - 1]] = Infinity;
    if (hi === lo) continue;
    for (let i = 1; i < m - 1; i++) {
      distance[order[i]] += (points[front[order[i + 1]]][k] - points[front[order[i - 1]]][k]) / (hi - lo);
    }
  }
  return distance;
}

/**
 * The hypervolume (Lebesgue measure) of the region dominated by `points` and dominating
 * `reference` (all objectives maximised). Points that do not strictly beat the reference in every
 * objective add nothing. Exact; fine for the fronts NAS produces (hundreds of points, 2–4 objectives).
 */
export function hypervolume(points: readonly (readonly number[])[], reference: readonly number[]): number {
  const d = reference.length;
  for (const p of points) {
    if (p.length !== d) throw new RangeError(`hypervolume: a point has ${p.length} objectives, the reference ${d}`);
  }
  const inside = points.filter((p) => p.every((v, i) => v > reference[i]));
  return volume(inside.map((p) => p.slice()), reference.slice());
}

function volume(points: number[][], ref: number[]): number {
  const d = ref.length;
  if (points.length === 0) return 0;
  if (d === 1) return Math.max(...points.map((p) => p[0])) - ref[0];
  if (d === 2) {
    // Sweep by the first objective, best first; each point adds the strip it raises the second by.
    const sorted = points.slice().sort((a, b) => b[0] - a[0] || b[1] - a[1]);
    let area = 0;
    let top = ref[1];
    for (const p of sorted) {
      if (p[1] > top) {
        area += (p[0] - ref[0]) * (p[1] - top);
        top = p[1];
      }
    }
    return area;
  }
  // Slice along the last objective: between consecutive levels, the (d−1)-volume of the points at or above.
  const last = d - 1;
  const sorted = points.slice().sort((a, b) => b[last] - a[last]);
  let total = 0;
  for (let i = 0; i < sorted.length; i++) {
    const upper = sorted[i][last];
    const lower = i + 1 < sorted.length ? sorted[i + 1][last] : ref[last];
    if (upper === lower) continue;
    const slice = sorted.slice(0, i + 1).map((p) => p.slice(0, last));
    const front = paretoFront(slice).map((j) => slice[j]);
    total += volume(front, ref.slice(0, last)) * (upper - lower);
  }
  return total;
}
