import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as E from '../../../src/engine/index.js';
import { DartsSpace, type DartsGenotype } from '../../../src/space/darts/space.js';
import { createSpace } from '../../../src/space/registry.js';
import { projectRoot } from '../../../src/util/paths.js';
import { engineTest, maxRelativeError } from '../../engine/helpers.js';

/** DARTS (second order) from DARTS' genotypes.py. */
const DARTS_V2 =
  "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])";

engineTest('darts network: DARTS V2 at C=36, 20 cells, CIFAR-10 has 3,349,342 parameters (the 3.3 M of the DARTS paper)', () => {
  const space = createSpace('darts', { channels: 36, layers: 20, auxiliary: true });
  const sample = new DartsSpace().parse(DARTS_V2);
  const net = E.buildNetwork(space, sample, { inChannels: 3, numClasses: 10 }) as E.DartsNetwork;
  // DARTS counts parameters without the auxiliary head (utils.count_parameters_in_MB); its logs print 3.349342 MB.
  assert.equal(net.mainParameterCount(), 3_349_342);
  assert.equal(net.auxiliaryHead!.parameterCount(), 476_426);
  const profile = E.profileModel(net, [3, 32, 32]);
  assert.equal(profile.params, 3_349_342);
  assert.equal(profile.flops, 528_359_050);
  net.dispose();
});

engineTest('darts network: with the same weights, it computes what a PyTorch reference computes (all seven operations, auxiliary head)', () => {
  const ref = JSON.parse(readFileSync(join(projectRoot(), 'test', 'space', 'darts', 'fixtures', 'darts_small.json'), 'utf8')) as {
    genotype: DartsGenotype;
    channels: number;
    layers: number;
    v2_params: number;
    state: { key: string; shape: number[]; bn: boolean }[];
    input: { shape: number[]; data: number[] };
    eval: number[];
    train: number[];
    aux: number[];
  };
  // The PyTorch reference (bench/engine/darts_torch.py) counts DARTS V2 at C=36, 20 cells as we do.
  assert.equal(ref.v2_params, 3_349_342);
  const genotype = { ...ref.genotype, normal_concat: [2, 3, 4, 5], reduce_concat: [2, 3, 4, 5] };
  const net = new E.DartsNetwork(genotype, { channels: ref.channels, layers: ref.layers, auxiliary: true, dtype: 'float64' });
  E.scope(() => {
    // Tensor k of the state dict holds sin(0.7 i + k + 1) * 0.3 (+ 1 for BN scales and variances), as the reference's.
    const state = new Map(
      ref.state.map(({ key, shape, bn }, k) => {
        const n = shape.reduce((a, b) => a * b, 1);
        return [key, E.tensor(Float64Array.from({ length: n }, (_, i) => Math.sin(0.7 * i + k + 1) * 0.3 + (bn ? 1 : 0)), shape)];
      }),
    );
    net.loadStateDict(state); // strict: every member name lines up with the reference's
    const x = E.tensor(Float64Array.from(ref.input.data), ref.input.shape);
    net.eval();
    assert.ok(maxRelativeError(net.forward(x).data(), ref.eval) < 1e-10, 'evaluation mode');
    net.train();
    assert.ok(maxRelativeError(net.forward(x).data(), ref.train) < 1e-10, 'training mode');
    assert.ok(maxRelativeError(net.takeAuxiliaryLogits()!.data(), ref.aux) < 1e-10, 'auxiliary logits');
  });
  net.dispose();
});
