// The trials table: sortable by any column, filtered by text and state, virtualised
// (@tanstack/virtual-core) so that only the visible rows exist in the page, whatever the count.
import { elementScroll, observeElementOffset, observeElementRect, Virtualizer, type VirtualizerOptions } from '@tanstack/virtual-core';
import { useLayoutEffect, useMemo, useReducer, useRef, useState } from 'preact/hooks';
import { clock, duration, num } from '../format.js';
import { html } from '../html.js';
import type { TrialRow, TrialState } from '../types.js';

const ROW_HEIGHT = 28;

interface Column {
  key: string;
  title: string;
  sort: (t: TrialRow) => number | string | null;
  cell: (t: TrialRow) => string;
}

const runSeconds = (t: TrialRow) => (t.started === null ? null : ((t.finished ?? Date.now()) - t.started) / 1000);

const COLUMNS: Column[] = [
  { key: 'number', title: '#', sort: (t) => t.number, cell: (t) => String(t.number) },
  { key: 'state', title: 'state', sort: (t) => t.state, cell: (t) => t.state },
  { key: 'arch', title: 'architecture', sort: (t) => t.arch, cell: (t) => t.arch },
  { key: 'value', title: 'value', sort: (t) => t.value, cell: (t) => num(t.value, 3) },
  { key: 'cost', title: 'cost (s)', sort: (t) => t.cost, cell: (t) => num(t.cost, 1) },
  { key: 'worker', title: 'worker', sort: (t) => t.worker, cell: (t) => t.worker ?? '—' },
  { key: 'started', title: 'started', sort: (t) => t.started, cell: (t) => clock(t.started) },
  { key: 'time', title: 'run time', sort: runSeconds, cell: (t) => duration(runSeconds(t)) },
];

/** Nulls last in both directions; numbers as numbers, text as text. */
function compare(a: number | string | null, b: number | string | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  return typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
}

export interface TrialsTableProps {
  trials: readonly TrialRow[];
  selected: number | null;
  checked: ReadonlySet<number>;
  onSelect: (n: number) => void;
  onCheck: (n: number) => void;
}

export function TrialsTable({ trials, selected, checked, onSelect, onCheck }: TrialsTableProps) {
  const [sortKey, setSortKey] = useState('number');
  const [descending, setDescending] = useState(false);
  const [text, setText] = useState('');
  const [state, setState] = useState<TrialState | ''>('');

  const rows = useMemo(() => {
    const needle = text.trim().toLowerCase();
    const column = COLUMNS.find((c) => c.key === sortKey)!;
    const kept = trials.filter((t) => (state === '' || t.state === state) && (needle === '' || t.arch.toLowerCase().includes(needle) || (t.worker ?? '').toLowerCase().includes(needle) || String(t.number) === needle));
    const sign = descending ? -1 : 1;
    // Nulls stay last whichever the direction.
    return kept.sort((a, b) => {
      const x = column.sort(a);
      const y = column.sort(b);
      if (x === null || y === null) return compare(x, y) || a.number - b.number;
      return sign * compare(x, y) || a.number - b.number;
    });
  }, [trials, sortKey, descending, text, state]);

  const scroller = useRef<HTMLDivElement>(null);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const options: VirtualizerOptions<HTMLDivElement, Element> = {
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    scrollToFn: elementScroll,
    observeElementRect,
    observeElementOffset,
    onChange: () => rerender(0),
  };
  const [virtualizer] = useState(() => new Virtualizer(options));
  virtualizer.setOptions(options);
  useLayoutEffect(() => virtualizer._didMount(), []);
  useLayoutEffect(() => virtualizer._willUpdate());

  const sortBy = (key: string) => {
    if (key === sortKey) setDescending(!descending);
    else {
      setSortKey(key);
      setDescending(key === 'value');
    }
  };

  return html`<section class="card trials">
    <header class="card-head">
      <h3>Trials <span class="muted" data-testid="trial-count">${rows.length} of ${trials.length}</span></h3>
      <div class="filters">
        <input type="search" placeholder="filter: architecture, worker or #" value=${text} onInput=${(e: Event) => setText((e.target as HTMLInputElement).value)} data-testid="trial-filter" />
        <select value=${state} onChange=${(e: Event) => setState((e.target as HTMLSelectElement).value as TrialState | '')} data-testid="state-filter">
          <option value="">every state</option>
          ${['queued', 'running', 'complete', 'failed', 'pruned'].map((s) => html`<option value=${s}>${s}</option>`)}
        </select>
      </div>
    </header>
    <div class="table-head row">
      <span class="check" title="tick trials to overlay their curves; two to compare them"></span>
      ${COLUMNS.map(
        (c) => html`<button class=${`cell col-${c.key}`} onClick=${() => sortBy(c.key)} data-testid=${`sort-${c.key}`}>
          ${c.title}${sortKey === c.key ? (descending ? ' ▼' : ' ▲') : ''}
        </button>`,
      )}
    </div>
    <div class="table-body" ref=${scroller} data-testid="trials-table">
      <div style=${{ height: `${virtualizer.getTotalSize()}px`, position: 'relative' }}>
        ${virtualizer.getVirtualItems().map((item) => {
          const t = rows[item.index];
          // Unkeyed on purpose: Preact then reuses the row elements in place while scrolling
          // (new text, same nodes) instead of building every row anew.
          return html`<div
            class=${`row${t.number === selected ? ' selected' : ''}`}
            style=${{ transform: `translateY(${item.start}px)`, height: `${ROW_HEIGHT}px` }}
            data-testid="trial-row"
            data-number=${t.number}
            onClick=${() => onSelect(t.number)}
          >
            <span class="check"><input type="checkbox" checked=${checked.has(t.number)} onClick=${(e: Event) => e.stopPropagation()} onChange=${() => onCheck(t.number)} aria-label=${`tick trial ${t.number}`} /></span>
            ${COLUMNS.map((c) => html`<span class=${`cell col-${c.key}${c.key === 'state' ? ` state-${t.state}` : ''}`} title=${c.key === 'arch' || c.key === 'worker' ? c.cell(t) : undefined}>${c.cell(t)}</span>`)}
          </div>`;
        })}
      </div>
    </div>
  </section>`;
}
