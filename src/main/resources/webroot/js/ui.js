// Small shared pieces: the html tag, formatting, data hooks and a few presentational components.
import { h } from 'preact';
import { useEffect, useRef, useState, useCallback } from 'preact/hooks';
import htm from 'htm';

export const html = htm.bind(h);

export function navigate(hash) {
  if (location.hash !== hash) location.hash = hash;
}

const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const count = new Intl.NumberFormat('en-US');

export const fmt = {
  money: (v) => (v === null || v === undefined ? '—' : money.format(Number(v))),
  count: (v) => (v === null || v === undefined ? '—' : count.format(Number(v))),
  percent: (v) => (v === null || v === undefined ? '—' : `${(Number(v) * 100).toFixed(1)}%`),
  time: (t) => (t ? new Date(t).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }) + ' UTC' : '—'),
  clock: (t) => (t ? new Date(t).toLocaleTimeString('en-GB', { timeZone: 'UTC' }) : ''),
  ago(t) {
    if (!t) return '—';
    const s = Math.round((Date.now() - new Date(t).getTime()) / 1000);
    if (s < 60) return `${Math.max(s, 0)} s ago`;
    if (s < 3600) return `${Math.round(s / 60)} min ago`;
    if (s < 86400) return `${Math.round(s / 3600)} h ago`;
    return `${Math.round(s / 86400)} d ago`;
  },
  name: (c) => (c ? [c.first_name, c.last_name].filter(Boolean).join(' ') || c.email || c.phone || c.id : ''),
};

/**
 * Runs an async loader when its dependencies change (and every `every` ms when given); answers
 * {data, error, loading, reload}. A slower answer to an older call never overwrites a newer one.
 */
export function useData(load, deps, every) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const generation = useRef(0);
  const reload = useCallback(() => {
    const mine = ++generation.current;
    return Promise.resolve().then(load).then(
      (data) => { if (mine === generation.current) setState({ data, error: null, loading: false }); },
      (error) => { if (mine === generation.current) setState((s) => ({ data: s.data, error, loading: false })); },
    );
  }, deps);
  useEffect(() => {
    reload();
    if (!every) return () => { generation.current++; };
    const timer = setInterval(() => { if (!document.hidden) reload(); }, every);
    return () => { clearInterval(timer); generation.current++; };
  }, [reload, every]);
  return { ...state, reload };
}

/** A value that follows `value` once it has stopped changing for `ms`. */
export function useDebounced(value, ms) {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export function ErrorBox({ error }) {
  if (!error) return null;
  const code = error.body?.error?.code;
  return html`<div class="error" role="alert">${error.message}${code ? html` <code>${code}</code>` : ''}</div>`;
}

export function Loading() {
  return html`<p class="muted loading" aria-live="polite">Loading…</p>`;
}

export function Badge({ kind, children }) {
  return html`<span class=${`badge badge-${kind || 'plain'}`}>${children}</span>`;
}

export function Stat({ label, value, id, hint }) {
  return html`<div class="stat" title=${hint || ''}>
    <div class="stat-value" id=${id}>${value}</div>
    <div class="stat-label">${label}</div>
  </div>`;
}

export function Page({ title, actions, children, subtitle }) {
  return html`<section class="page">
    <header class="page-head">
      <div><h1>${title}</h1>${subtitle ? html`<p class="muted subtitle">${subtitle}</p>` : ''}</div>
      ${actions ? html`<div class="actions">${actions}</div>` : ''}
    </header>
    ${children}
  </section>`;
}

export function Card({ title, children, id, wide }) {
  return html`<section class=${`card${wide ? ' card-wide' : ''}`} id=${id}>
    ${title ? html`<h2>${title}</h2>` : ''}
    ${children}
  </section>`;
}

/** A horizontal bar funnel: each step's count against the first one's. */
export function Funnel({ steps, id }) {
  const top = Math.max(1, ...steps.map((s) => Number(s.value) || 0));
  return html`<ol class="funnel" id=${id}>
    ${steps.map((s) => html`<li>
      <span class="funnel-label">${s.label}</span>
      <span class="funnel-bar"><span style=${`width:${(100 * (Number(s.value) || 0)) / top}%`}></span></span>
      <span class="funnel-value" data-step=${s.key || s.label}>${s.text ?? fmt.count(s.value)}</span>
    </li>`)}
  </ol>`;
}
