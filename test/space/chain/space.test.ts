import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SampleError } from '../../../src/errors.js';
import { ChainSpace } from '../../../src/space/chain/space.js';
import { Rng } from '../../../src/util/rng.js';

function assertSampleError(fn: () => unknown, code: string, path?: string): void {
  assert.throws(fn, (error: unknown) => error instanceof SampleError && error.code === code && (path === undefined || error.path === path));
}

test('chain: labels, size and the layer option', () => {
  const space = new ChainSpace();
  assert.equal(space.layers, 12);
  assert.equal(space.leaves().length, 12 + 66);
  assert.equal(space.leaves()[0].label, 'layer_0.op');
  assert.deepEqual(space.leaves().slice(1, 4).map((l) => l.label), ['layer_1.op', 'layer_1.skip_0', 'layer_2.op']);
  assert.equal(space.exactSize(), 6n ** 12n * 2n ** 66n);
  const small = new ChainSpace({ layers: 3 });
  assert.equal(small.size(), 6 ** 3 * 2 ** 3);
  assert.throws(() => new ChainSpace({ layers: 0 }), RangeError);
});

test('chain: the compact string round-trips and reads skips bit by bit', () => {
  const space = new ChainSpace({ layers: 4 });
  const text = 'conv3x3 sepconv5x5:1 maxpool3x3:01 avgpool3x3:100';
  const sample = space.parse(text);
  assert.equal(space.format(sample), text);
  assert.equal(space.op(sample, 1), 'sepconv5x5');
  assert.equal(space.skip(sample, 2, 0), false);
  assert.equal(space.skip(sample, 2, 1), true);
  assert.equal(space.skip(sample, 3, 0), true);
  const rng = new Rng(3);
  const big = new ChainSpace();
  for (let i = 0; i < 100; i++) {
    const s = big.random(rng);
    assert.deepEqual(big.parse(big.format(s)), s);
  }
});

test('chain: bad strings name the layer', () => {
  const space = new ChainSpace({ layers: 3 });
  assertSampleError(() => space.parse('conv3x3 conv7x7:1 conv3x3:00'), 'SAMPLE_INVALID_VALUE', 'layer_1.op');
  assertSampleError(() => space.parse('conv3x3 conv3x3:1 conv3x3:0'), 'SAMPLE_BAD_STRING', 'layer_2.skip_0');
  assertSampleError(() => space.parse('conv3x3 conv3x3:1'), 'SAMPLE_BAD_STRING');
  assertSampleError(() => space.parse('conv3x3 conv3x3:2 conv3x3:00'), 'SAMPLE_BAD_STRING', 'layer_1.skip_0');
});
