import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createRequire } from 'node:module';
import { NaskitError } from '../errors.js';

/** One point of a series; `spread` draws a shaded band y ± spread (e.g. a standard deviation). */
export interface PlotPoint {
  readonly x: number;
  readonly y: number;
  readonly spread?: number;
}

/** A named series: a polyline, a staircase (a Pareto front), or unconnected markers. */
export interface PlotSeries {
  readonly name: string;
  readonly kind: 'line' | 'step' | 'scatter';
  readonly points: readonly PlotPoint[];
  /** Any SVG colour; default: the next colour of a colour-blind-safe palette. */
  readonly color?: string;
  /** Marker radius in px for scatter (default 3) and line/step markers (default 0: none). */
  readonly marker?: number;
}

/** A whole figure. Sizes in px; ranges default to the data's with a margin. */
export interface PlotSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly PlotSeries[];
  readonly width?: number;
  readonly height?: number;
  readonly xRange?: readonly [number, number];
  readonly yRange?: readonly [number, number];
  /** A second line under the title (e.g. the reference point or the number of seeds). */
  readonly subtitle?: string;
}

/** Okabe–Ito palette (distinguishable with the common colour-vision deficiencies), then greys. */
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000', '#777777', '#AA4499', '#332288', '#88CCEE'];

const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** About `count` round tick values covering [lo, hi] (1, 2 or 5 times a power of ten apart). */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

function extent(values: number[], fallback: readonly [number, number]): [number, number] {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return [fallback[0], fallback[1]];
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (lo === hi) {
    lo -= 1;
    hi += 1;
  }
  const pad = (hi - lo) * 0.04;
  return [lo - pad, hi + pad];
}

const fmt = (v: number): string => (Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(1) : String(Number(v.toPrecision(6))));

/** The figure as a standalone SVG document (fonts: sans-serif; no scripts, no external references). */
export function renderSvg(spec: PlotSpec): string {
  const width = spec.width ?? 860;
  const height = spec.height ?? 500;
  // About 7 px per character at the legend's 12 px font, so long names are not cut off.
  const legendWidth = Math.max(120, 40 + 7 * Math.max(0, ...spec.series.map((s) => s.name.length)));
  const left = 70;
  const right = legendWidth + 20;
  const top = spec.subtitle ? 58 : 40;
  const bottom = 55;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const xs = spec.series.flatMap((s) => s.points.map((p) => p.x));
  const ys = spec.series.flatMap((s) => s.points.flatMap((p) => (p.spread ? [p.y - p.spread, p.y + p.spread] : [p.y])));
  const [x0, x1] = spec.xRange ? [spec.xRange[0], spec.xRange[1]] : extent(xs, [0, 1]);
  const [y0, y1] = spec.yRange ? [spec.yRange[0], spec.yRange[1]] : extent(ys, [0, 1]);
  const X = (x: number): number => left + ((x - x0) / (x1 - x0)) * plotW;
  const Y = (y: number): number => top + plotH - ((y - y0) / (y1 - y0)) * plotH;
  const r2 = (v: number): string => v.toFixed(2);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, sans-serif">`);
  out.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  out.push(`<text x="${left + plotW / 2}" y="24" font-size="16" text-anchor="middle" font-weight="bold">${escapeXml(spec.title)}</text>`);
  if (spec.subtitle) out.push(`<text x="${left + plotW / 2}" y="44" font-size="12" text-anchor="middle" fill="#444">${escapeXml(spec.subtitle)}</text>`);
  // Grid and ticks.
  for (const t of niceTicks(x0, x1)) {
    out.push(`<line x1="${r2(X(t))}" y1="${top}" x2="${r2(X(t))}" y2="${top + plotH}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${r2(X(t))}" y="${top + plotH + 18}" font-size="11" text-anchor="middle">${fmt(t)}</text>`);
  }
  for (const t of niceTicks(y0, y1)) {
    out.push(`<line x1="${left}" y1="${r2(Y(t))}" x2="${left + plotW}" y2="${r2(Y(t))}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${left - 6}" y="${r2(Y(t) + 4)}" font-size="11" text-anchor="end">${fmt(t)}</text>`);
  }
  out.push(`<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${left + plotW / 2}" y="${height - 14}" font-size="13" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`);
  out.push(`<text x="18" y="${top + plotH / 2}" font-size="13" text-anchor="middle" transform="rotate(-90 18 ${top + plotH / 2})">${escapeXml(spec.yLabel)}</text>`);
  // Series, clipped to the plot area.
  out.push(`<defs><clipPath id="plot-area"><rect x="${left}" y="${top}" width="${plotW}" height="${plotH}"/></clipPath></defs>`);
  out.push('<g clip-path="url(#plot-area)">');
  spec.series.forEach((s, k) => {
    const color = s.color ?? PALETTE[k % PALETTE.length];
    const pts = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
    if (s.kind !== 'scatter' && pts.some((p) => p.spread)) {
      const upper = pts.map((p) => `${r2(X(p.x))},${r2(Y(p.y + (p.spread ?? 0)))}`);
      const lower = pts.map((p) => `${r2(X(p.x))},${r2(Y(p.y - (p.spread ?? 0)))}`).reverse();
      out.push(`<polygon points="${[...upper, ...lower].join(' ')}" fill="${color}" fill-opacity="0.15" stroke="none"/>`);
    }
    if (s.kind === 'line' && pts.length > 1) {
      out.push(`<polyline points="${pts.map((p) => `${r2(X(p.x))},${r2(Y(p.y))}`).join(' ')}" fill="none" stroke="${color}" stroke-width="2"/>`);
    }
    if (s.kind === 'step' && pts.length > 0) {
      // A staircase through the points sorted by x, holding y until the next point (a Pareto front's attainment line).
      const sorted = pts.slice().sort((a, b) => a.x - b.x);
      const path: string[] = [`M${r2(X(sorted[0].x))},${r2(Y(sorted[0].y))}`];
      for (let i = 1; i < sorted.length; i++) path.push(`H${r2(X(sorted[i].x))}`, `V${r2(Y(sorted[i].y))}`);
      out.push(`<path d="${path.join(' ')}" fill="none" stroke="${color}" stroke-width="2"/>`);
    }
    const radius = s.marker ?? (s.kind === 'scatter' ? 3 : 0);
    if (radius > 0) {
      for (const p of pts) out.push(`<circle cx="${r2(X(p.x))}" cy="${r2(Y(p.y))}" r="${radius}" fill="${color}" fill-opacity="0.8"/>`);
    }
  });
  out.push('</g>');
  // Legend.
  const lx = left + plotW + 16;
  spec.series.forEach((s, k) => {
    const color = s.color ?? PALETTE[k % PALETTE.length];
    const ly = top + 10 + k * 20;
    if (s.kind === 'scatter') out.push(`<circle cx="${lx + 10}" cy="${ly}" r="4" fill="${color}"/>`);
    else out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 20}" y2="${ly}" stroke="${color}" stroke-width="3"/>`);
    out.push(`<text x="${lx + 28}" y="${ly + 4}" font-size="12">${escapeXml(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

/** The part of `@resvg/resvg-js` used here. */
interface ResvgModule {
  Resvg: new (svg: string, options: { background?: string; font?: { loadSystemFonts?: boolean; defaultFontFamily?: string } }) => { render(): { asPng(): Buffer } };
}

let resvg: ResvgModule | null = null;

/** `@resvg/resvg-js`, loaded on the first PNG (its native binary comes prebuilt in the npm package). */
function loadResvg(): ResvgModule {
  if (resvg) return resvg;
  try {
    resvg = createRequire(import.meta.url)('@resvg/resvg-js') as ResvgModule;
    return resvg;
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new NaskitError('PLOT_CONVERTER_MISSING', `plot: the PNG renderer @resvg/resvg-js does not load (${why}); reinstall naskit's dependencies with 'npm ci'`, { cause: error });
  }
}

/**
 * Writes the figure as SVG (`<path without .png>.svg`) and PNG (`path`). The PNG is rendered from
 * the SVG by `@resvg/resvg-js` (a dependency whose prebuilt binary comes with the npm package), so
 * the SVG is the single drawing and the PNG only a rasterisation of it. The SVG is written first; a
 * renderer that does not load is a `NaskitError` with code `PLOT_CONVERTER_MISSING` that says how
 * to fix it.
 */
export function writePlot(spec: PlotSpec, pngPath: string): { svg: string; png: string } {
  if (!pngPath.endsWith('.png')) throw new RangeError(`writePlot: the output path must end in .png, got ${pngPath}`);
  const svgPath = pngPath.replace(/\.png$/, '.svg');
  mkdirSync(dirname(pngPath), { recursive: true });
  const svg = renderSvg(spec);
  writeFileSync(svgPath, svg);
  const { Resvg } = loadResvg();
  // System fonts when present (DejaVu Sans, as the SVG asks); without any, text is left out but the figure is drawn.
  const png = new Resvg(svg, { background: 'white', font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
  writeFileSync(pngPath, png);
  return { svg: svgPath, png: pngPath };
}
