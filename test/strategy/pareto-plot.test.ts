import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { niceTicks, renderSvg, writePlot, type PlotSpec } from '../../src/benchmark/plot.js';

const spec: PlotSpec = {
  title: 'fronts <a & b>',
  xLabel: 'latency (ms)',
  yLabel: 'accuracy (%)',
  series: [
    { name: 'line', kind: 'line', points: [{ x: 0, y: 1, spread: 0.5 }, { x: 10, y: 3 }] },
    { name: 'front', kind: 'step', points: [{ x: 5, y: 2 }, { x: 1, y: 1 }] },
    { name: 'dots', kind: 'scatter', points: [{ x: 2, y: 2 }, { x: NaN, y: 1 }] },
  ],
};

test('plot: round ticks covering the range', () => {
  assert.deepEqual(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(83.2, 95.1, 6), [84, 86, 88, 90, 92, 94]);
  assert.deepEqual(niceTicks(3, 3), [3]);
});

test('plot: the SVG escapes text, draws each series once (a band for the spread, a staircase for the front) and skips non-finite points', () => {
  const svg = renderSvg(spec);
  assert.ok(svg.startsWith('<svg') && svg.endsWith('</svg>'));
  assert.ok(svg.includes('fronts &lt;a &amp; b&gt;'));
  assert.equal((svg.match(/<polyline /g) ?? []).length, 1);
  assert.equal((svg.match(/<polygon /g) ?? []).length, 1);
  assert.equal((svg.match(/<path d="M/g) ?? []).length, 1);
  // One scatter marker in the plot plus one legend marker: the NaN point is dropped.
  assert.equal((svg.match(/<circle /g) ?? []).length, 2);
});

test('plot: writePlot writes the SVG and a PNG converted from it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'naskit-plot-'));
  const out = writePlot(spec, join(dir, 'sub', 'fig.png'));
  assert.ok(existsSync(out.svg));
  const png = readFileSync(out.png);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(png.readUInt32BE(16), 860); // width from the IHDR chunk
  assert.throws(() => writePlot(spec, join(dir, 'fig.jpg')), RangeError);
});
