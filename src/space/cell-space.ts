import { ProductSpace } from './product-space.js';
import type { EncodingName, Sample } from './types.js';

/**
 * The base of the cell spaces (NAS-Bench-101, NAS-Bench-201, DARTS): a product space whose samples
 * are small DAGs, so besides the one-hot encoding it offers the two graph encodings that
 * predictor-based strategies use (BANANAS' path encoding and the adjacency encoding). A concrete
 * cell space says how its DAG reads as an adjacency vector and as paths.
 */
export abstract class CellSpace extends ProductSpace {
  /** The DAG as a fixed-length vector of its edges and their operations (each space says its layout). */
  protected abstract adjacency(sample: Sample): number[];
  /** One entry per possible input-to-output path (by its operations): 1 where the cell has it. */
  protected abstract paths(sample: Sample): number[];

  override encodings(): readonly EncodingName[] {
    return ['onehot', 'adjacency', 'path'];
  }

  override encode(sample: Sample, encoding: EncodingName): number[] {
    if (encoding === 'adjacency') return this.adjacency(sample);
    if (encoding === 'path') return this.paths(sample);
    return super.encode(sample, encoding);
  }
}
