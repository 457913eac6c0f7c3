// Small display helpers.

/** A number with `digits` decimals, or an em dash. */
export function num(x: number | null | undefined, digits = 2): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(digits);
}

/** Epoch ms → local time of day. */
export function clock(ms: number | null): string {
  return ms === null ? '—' : new Date(ms).toLocaleTimeString();
}

/** Seconds as `1h 02m`, `3m 05s` or `4.2s`. */
export function duration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m ${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** A route of the single page (hash based, so a reload keeps the view). */
export function experimentHref(name: string, trial?: number): string {
  return `#/e/${encodeURIComponent(name)}${trial === undefined ? '' : `/t/${trial}`}`;
}
