import assert from 'node:assert/strict';
import * as E from '../../src/engine/index.js';
import { ModelSpace } from '../../src/space/model-space.js';
import { allPrimitivesSpace, SMALL_SPACE_OPTIONS } from '../helpers/model-spaces.js';
import { createSpace } from '../../src/space/registry.js';
import type { Space } from '../../src/space/types.js';
import { Rng } from '../../src/util/rng.js';
import { engineTest } from './helpers.js';

const SMALL = SMALL_SPACE_OPTIONS;

engineTest('networks: every trainable built-in space is covered by the small-size table', () => {
  assert.deepEqual([...E.trainableSpaceNames()].sort(), Object.keys(SMALL).sort());
});

const modelSpace = allPrimitivesSpace;

const SPACES_UNDER_TEST: [string, () => Space][] = [...Object.entries(SMALL).map(([name, options]): [string, () => Space] => [name, () => createSpace(name, options)]), ['a model space', modelSpace]];

for (const [name, make] of SPACES_UNDER_TEST) {
  engineTest(`networks: ${name} builds, runs forward and backward for 20 random architectures`, () => {
    const space = make();
    const rng = new Rng(12);
    const gen = new E.Generator(3);
    for (let i = 0; i < 20; i++) {
      const sample = space.random(rng);
      const arch = space.format(sample);
      const net = E.buildNetwork(space, sample, { inChannels: 3, numClasses: 5, generator: gen });
      E.scope(() => {
        net.train();
        const x = E.randn([2, 3, 16, 16], { generator: gen });
        const logits = net.forward(x);
        assert.deepEqual(logits.shape, [2, 5], `${name} ${arch}`);
        const loss = E.crossEntropy(logits, E.tensor(Int32Array.from([1, 4]), [2]));
        assert.ok(Number.isFinite(loss.item()), `${name} ${arch}: loss ${loss.item()}`);
        loss.backward();
        // Every parameter used in the forward pass gets a finite gradient; the classifier's bias always a non-zero one
        // (an architecture may compute a constant, e.g. a cell of 'none' edges, and leave the rest at zero).
        const params = net.namedParameters();
        const withGrad = params.filter(([, p]) => p.grad !== null);
        assert.ok(withGrad.length > 1, `${name} ${arch}: no gradients`);
        for (const [key, p] of withGrad) assert.ok(Number.isFinite(E.sum(E.abs(p.grad!)).item()), `${name} ${arch}: gradient of ${key} not finite`);
        const bias = params.at(-1)!;
        assert.ok(bias[0].endsWith('bias') && bias[1].grad !== null && E.sum(E.abs(bias[1].grad)).item() > 0, `${name} ${arch}: the classifier ${bias[0]} has no gradient`);
        net.eval();
        assert.deepEqual(net.forward(x).shape, [2, 5]);
      });
      net.zeroGrad();
      net.dispose();
    }
  });
}

engineTest('networks: a ModelSpec of any space builds the same network in another place (same weights)', () => {
  for (const [name, options] of Object.entries(SMALL)) {
    const space = createSpace(name, options);
    const sample = space.random(new Rng(5));
    const spec = E.networkSpec(space, space.format(sample), { inChannels: 3, numClasses: 5, seed: 9 });
    const cloned = structuredClone(spec);
    const a = E.buildModel(spec);
    const b = E.buildModel(cloned);
    const sa = a.stateDict();
    const sb = b.stateDict();
    assert.deepEqual([...sa.keys()], [...sb.keys()], name);
    for (const [key, t] of sa) assert.deepEqual(t.toArray(), sb.get(key)!.toArray(), `${name}: ${key}`);
    a.dispose();
    b.dispose();
  }
});
