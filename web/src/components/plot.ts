// A uPlot chart as a Preact component: created once per `id`, given new data in place (no
// re-creation on live updates), resized with its container.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { html } from '../html.js';

export interface PlotProps {
  /** Changes of `id` rebuild the chart (e.g. other series); data changes only update it. */
  id: string;
  options: (width: number) => uPlot.Options;
  data: uPlot.AlignedData;
  height?: number;
  testId?: string;
}

export function Plot({ id, options, data, height = 240, testId }: PlotProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const latest = useRef(data);
  latest.current = data;

  useEffect(() => {
    const el = box.current!;
    const width = Math.max(200, el.clientWidth);
    chart.current = new uPlot({ ...options(width), width, height }, latest.current, el);
    const observer = new ResizeObserver(() => chart.current?.setSize({ width: Math.max(200, el.clientWidth), height }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      chart.current?.destroy();
      chart.current = null;
    };
  }, [id]);

  useEffect(() => {
    chart.current?.setData(data);
  }, [data]);

  return html`<div class="plot" ref=${box} data-testid=${testId} data-points=${data[0]?.length ?? 0}></div>`;
}
