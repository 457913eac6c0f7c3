import { scope } from '../../engine/memory.js';
import type { ArchParameters } from '../arch.js';
import type { CellSpec } from '../cell-spec.js';
import { edgeNormalization, OneShotMethod } from './method.js';

/**
 * PC-DARTS (Xu et al.: "PC-DARTS: Partial Channel Connections for Memory-Efficient Architecture
 * Search", ICLR 2020): first-order DARTS where each mixed operation sees 1/K of the channels (the
 * rest bypass it, then channels are shuffled), and each node's inputs are weighted by a softmax of
 * edge parameters β (edge normalisation), which steadies the search against the sampling of channels.
 * On NAS-Bench-201 every edge is kept, so β shapes the search but not the derived cell.
 */
export class PcDarts extends OneShotMethod {
  override readonly edgeNormalization = true;
  constructor(
    spec: CellSpec,
    override readonly partial = 4,
  ) {
    super('pcdarts', spec);
  }

  /** softmax(α) of each edge times its normalised β, as PC-DARTS derives its cells. */
  override strengths(arch: ArchParameters): Record<string, number[][]> {
    const probabilities = this.probabilities(arch);
    return scope(() => {
      const out: Record<string, number[][]> = {};
      for (const [kind, rows] of Object.entries(probabilities)) {
        const scale = edgeNormalization(this.spec, arch.beta!.get(kind)!.detach()).map((t) => t.item());
        out[kind] = rows.map((row, e) => row.map((p) => p * scale[e]));
      }
      return out;
    });
  }
}
