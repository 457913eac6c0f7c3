import type { Sample } from '../types.js';
import type { Nb201Space } from './space.js';
import type { Nb201Dataset } from './table.js';

/** Classes and input side of the NB201 networks per data set. */
const NB201_SHAPES: Readonly<Record<Nb201Dataset, { classes: number; side: number }>> = {
  cifar10: { classes: 10, side: 32 },
  cifar100: { classes: 100, side: 32 },
  imagenet16: { classes: 120, side: 16 },
};

/**
 * Parameters and FLOPs (multiply-adds of convolutions and the linear classifier) of the
 * NAS-Bench-201 network for a cell, computed from the architecture alone: stem (3×3 conv 3→16 +
 * BN), three stages of N=5 cells at C = 16, 32, 64 (spatial side s, s/2, s/4) separated by two
 * ResNet basic blocks with stride 2 (3×3 conv, 3×3 conv, 2×2 average pool + 1×1 conv shortcut),
 * a final BN + ReLU, global pooling and a linear classifier. Every conv of a cell is
 * ReLU-Conv(no bias)-BN(affine). The parameter count equals the table's `params_{dataset}` for
 * all 15,625 cells (see the test), and architecture 11 gives the official 113.95 M FLOPs.
 */
export function nb201Counts(space: Nb201Space, sample: Sample, dataset: Nb201Dataset): { params: number; flops: number } {
  const { classes, side } = NB201_SHAPES[dataset];
  let params = 3 * 16 * 9 + 2 * 16;
  let flops = side * side * 3 * 16 * 9;
  let k1 = 0;
  let k3 = 0;
  for (let to = 1; to <= 3; to++) {
    for (let from = 0; from < to; from++) {
      const op = space.op(sample, to, from);
      if (op === 'nor_conv_1x1') k1++;
      if (op === 'nor_conv_3x3') k3++;
    }
  }
  const stages = [16, 32, 64];
  stages.forEach((c, s) => {
    const hw = (side >> s) * (side >> s);
    params += 5 * (k1 * (c * c + 2 * c) + k3 * (9 * c * c + 2 * c));
    flops += 5 * hw * (k1 * c * c + k3 * 9 * c * c);
    if (s + 1 < stages.length) {
      const out = stages[s + 1];
      const hwOut = hw / 4;
      params += 9 * c * out + 2 * out + 9 * out * out + 2 * out + c * out;
      flops += hwOut * (9 * c * out + 9 * out * out + c * out);
    }
  });
  params += 2 * 64 + 64 * classes + classes;
  flops += 64 * classes;
  return { params, flops };
}
