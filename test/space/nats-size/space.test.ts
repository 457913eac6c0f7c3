import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SampleError } from '../../../src/errors.js';
import { NatsSizeSpace } from '../../../src/space/nats-size/space.js';

const space = new NatsSizeSpace();

test('nats-size: 32,768 architectures, all distinct strings that round-trip', () => {
  assert.equal(space.size(), 32768);
  const seen = new Set<string>();
  const channels = [8, 16, 24, 32, 40, 48, 56, 64];
  for (let i = 0; i < 32768; i++) {
    const text = [0, 1, 2, 3, 4].map((k) => channels[Math.floor(i / 8 ** k) % 8]).join(':');
    const sample = space.parse(text);
    assert.equal(space.format(sample), text);
    seen.add(space.key(sample));
  }
  assert.equal(seen.size, 32768);
  assert.equal(space.channels(space.parse('64:32:16:8:64'), 3), 8);
});

test('nats-size: bad strings name the layer and the valid channel counts', () => {
  assert.throws(() => space.parse('64:32:16:8:65'), (e: unknown) => e instanceof SampleError && e.code === 'SAMPLE_INVALID_VALUE' && e.path === 'channels_4');
  assert.throws(() => space.parse('64:32:16:8'), (e: unknown) => e instanceof SampleError && e.code === 'SAMPLE_BAD_STRING');
  assert.throws(() => space.parse('64:32:16:8:6.4e1'), (e: unknown) => e instanceof SampleError && e.path === 'channels_4');
});
