// A canvas sized to its container at the screen's pixel density, redrawn when data or size change
// (at most once per animation frame).
import { useEffect, useRef } from 'preact/hooks';
import { html } from '../html.js';

export type Draw = (ctx: CanvasRenderingContext2D, width: number, height: number) => void;

export function Canvas({ draw, height, deps, testId }: { draw: Draw; height: number; deps: unknown[]; testId?: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const latest = useRef(draw);
  latest.current = draw;
  const frame = useRef<number | null>(null);

  const paint = () => {
    if (frame.current !== null) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = null;
      const canvas = ref.current;
      if (!canvas) return;
      const width = canvas.parentElement!.clientWidth;
      const ratio = window.devicePixelRatio || 1;
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
      canvas.style.width = `${width}px`;
      canvas.style.height = `${height}px`;
      const ctx = canvas.getContext('2d')!;
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, width, height);
      latest.current(ctx, width, height);
    });
  };

  useEffect(() => {
    const observer = new ResizeObserver(paint);
    observer.observe(ref.current!.parentElement!);
    return () => observer.disconnect();
  }, []);
  useEffect(paint, deps);
  return html`<div class="canvas-box"><canvas ref=${ref} data-testid=${testId}></canvas></div>`;
}

/** A colour from low (slate blue) to high (orange) for t in [0, 1]. */
export function ramp(t: number, alpha = 1): string {
  const c = Math.max(0, Math.min(1, t));
  const r = Math.round(70 + c * (230 - 70));
  const g = Math.round(90 + c * (110 - 90));
  const b = Math.round(160 + c * (20 - 160));
  return `rgba(${r},${g},${b},${alpha})`;
}
