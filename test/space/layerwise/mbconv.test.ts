import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SampleError } from '../../../src/errors.js';
import { MbconvSpace } from '../../../src/space/layerwise/mbconv.js';

test('mbconv: sizes, options and errors', () => {
  const mbconv = new MbconvSpace();
  assert.equal(mbconv.leaves().length, 21);
  assert.equal(mbconv.exactSize(), 7n ** 21n);
  assert.equal(new MbconvSpace({ layers: 4 }).size(), 7 ** 4);
  const text = 'k3_e3 k7_e6 skip k5_e3';
  assert.equal(new MbconvSpace({ layers: 4 }).format(new MbconvSpace({ layers: 4 }).parse(text)), text);
  assert.throws(() => mbconv.parse(text), (e: unknown) => e instanceof SampleError && e.code === 'SAMPLE_BAD_STRING');
  assert.throws(() => new MbconvSpace({ layers: 4 }).parse('k3_e3 k9_e6 skip k5_e3'), (e: unknown) => e instanceof SampleError && e.code === 'SAMPLE_INVALID_VALUE' && e.path === 'layer_1');
  assert.throws(() => new MbconvSpace({ layers: 1.5 }), RangeError);
});
