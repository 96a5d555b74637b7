// Charts with uPlot: a time series of one or more lines and bars, sized to its container.
import uPlot from 'uplot';
import { useEffect, useRef } from 'preact/hooks';
import { html } from './ui.js';

const COLORS = ['#2563eb', '#16a34a', '#dc2626', '#d97706', '#7c3aed', '#0891b2'];

/**
 * series: [{label, values, bars?, color?}], x: seconds since the epoch. Rebuilt when the data
 * changes (charts here are small), resized with its container.
 */
export function TimeChart({ x, series, height = 220, label, id, step = 86400 }) {
  const box = useRef(null);
  useEffect(() => {
    const el = box.current;
    if (!el || !x || x.length === 0) return undefined;
    const bars = uPlot.paths.bars({ size: [0.6, 40] });
    const opts = {
      width: Math.max(el.clientWidth, 200),
      height,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      // one point alone would be drawn across years: show a step either side of it
      scales: { x: { time: true, range: x.length === 1 ? () => [x[0] - step, x[0] + step] : undefined } },
      axes: [{}, { size: 50 }],
      series: [{}, ...series.map((s, i) => ({
        label: s.label,
        stroke: s.color || COLORS[i % COLORS.length],
        fill: s.bars ? `${s.color || COLORS[i % COLORS.length]}88` : undefined,
        width: s.bars ? 0 : 2,
        paths: s.bars ? bars : undefined,
        points: { show: !s.bars && x.length < 8 },
        spanGaps: false,
      }))],
    };
    const plot = new uPlot(opts, [x, ...series.map((s) => s.values)], el);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(el.clientWidth, 200), height }));
    resize.observe(el);
    return () => { resize.disconnect(); plot.destroy(); };
  }, [JSON.stringify(x), JSON.stringify(series), height]);
  if (!x || x.length === 0) return html`<p class="muted">No data yet.</p>`;
  return html`<div class="chart" ref=${box} id=${id} role="img" aria-label=${label}></div>`;
}

/** "2026-12-03" -> seconds at that UTC midnight. */
export const daySeconds = (d) => Date.parse(`${d}T00:00:00Z`) / 1000;
