// The live feed: enter/leave and order events as they happen, from the store's event stream.
import { useEffect, useState } from 'preact/hooks';
import { get, stream, qs } from './api.js';
import { html, useData, fmt, Page, Badge, ErrorBox } from './ui.js';

const TYPES = [
  ['customer.segment.entered', 'entered'], ['customer.segment.left', 'left'], ['order.completed', 'order'],
  ['customer.created', 'new customer'], ['customer.updated', 'profile change'],
  ['campaign.started', 'campaign started'], ['campaign.completed', 'campaign completed'],
];
const DEFAULT_TYPES = ['customer.segment.entered', 'customer.segment.left', 'order.completed'];
const KEEP = 200;

function kindOf(type) {
  if (type.endsWith('entered')) return 'ok';
  if (type.endsWith('left')) return 'off';
  if (type.startsWith('order')) return 'order';
  return 'plain';
}

/** Names of the customers in the feed, read once each (order events carry only the id). */
const names = new Map();
function useName(id, known) {
  const [, redraw] = useState(0);
  useEffect(() => {
    if (!id || known || names.has(id)) return;
    names.set(id, null);
    get(`/customers/${encodeURIComponent(id)}`).then((c) => { names.set(id, fmt.name(c)); redraw((n) => n + 1); }, () => {});
  }, [id, known]);
  return known || names.get(id);
}

function Entry({ e }) {
  const d = e.data || {};
  const c = d.customer || {};
  const customerId = d.customer_id || c.id;
  const name = useName(customerId, fmt.name(c));
  const order = d.order || {};
  const campaign = d.campaign;
  const label = TYPES.find(([t]) => t === e.type)?.[1] || e.type;
  return html`<li class="feed-item" data-type=${e.type} data-customer=${customerId}>
    <time datetime=${e.created_at}>${fmt.clock(e.created_at)}</time>
    <${Badge} kind=${kindOf(e.type)}>${label}<//>
    ${customerId ? html`<a href=${`#/customers/${customerId}`}>${name || customerId}</a>` : ''}
    ${d.segment_name ? html`<span>${e.type.endsWith('left') ? 'left' : 'entered'} <a href=${`#/segments/${d.segment_id}`}>${d.segment_name}</a></span>` : ''}
    ${order.total !== undefined ? html`<span>ordered <span class="num">${fmt.money(order.total)}</span> ${order.currency || ''}</span>` : ''}
    ${campaign ? html`<a href=${`#/campaigns/${campaign.id}`}>${campaign.name}</a>` : ''}
  </li>`;
}

export function LiveFeed() {
  const segments = useData(() => get('/segments?limit=100'), []);
  const [segment, setSegment] = useState('');
  const [types, setTypes] = useState(DEFAULT_TYPES);
  const [events, setEvents] = useState([]);
  const [state, setState] = useState('connecting');
  const [error, setError] = useState(null);

  useEffect(() => {
    setEvents([]);
    setState('connecting');
    const filter = { types: types.join(','), segment_id: segment || undefined };
    const add = (list) => setEvents((prev) => {
      const seen = new Set(prev.map((x) => x.id));
      const fresh = list.filter((x) => !seen.has(x.id));
      return [...fresh, ...prev].sort((a, b) => (a.created_at < b.created_at ? 1 : -1)).slice(0, KEEP);
    });
    // The latest few first, then everything from now on.
    get(`/events${qs({ types: types.join(','), limit: 25 })}`).then(
      (page) => add(page.data.filter((x) => !segment || x.data?.segment_id === segment || !x.type.startsWith('customer.segment'))),
      setError,
    );
    const close = stream(`/events/stream${qs(filter)}`, { onEvent: (x) => add([x]), onState: setState });
    return close;
  }, [segment, types.join(',')]);

  const toggle = (t) => setTypes((cur) => (cur.includes(t) ? cur.filter((x) => x !== t) : [...cur, t]));
  return html`<${Page} title="Live feed" subtitle=${html`<span class=${`state state-${state}`} id="stream-state">${state}</span>`}>
    <div class="filters">
      <label>Segment <select id="feed-segment" value=${segment} onChange=${(e) => setSegment(e.target.value)}>
        <option value="">all segments</option>
        ${(segments.data?.data || []).map((s) => html`<option value=${s.id}>${s.name}</option>`)}
      </select></label>
      <fieldset class="types"><legend>Types</legend>
        ${TYPES.map(([t, label]) => html`<label class="check"><input type="checkbox" checked=${types.includes(t)}
          onChange=${() => toggle(t)}/> ${label}</label>`)}
      </fieldset>
    </div>
    <${ErrorBox} error=${error}/>
    ${types.length === 0 ? html`<p class="muted">Pick at least one type.</p>` : ''}
    <ol class="feed" id="feed" aria-live="polite">
      ${events.map((e) => html`<${Entry} key=${e.id} e=${e}/>`)}
    </ol>
    ${events.length === 0 ? html`<p class="muted empty">Waiting for events…</p>` : ''}
  <//>`;
}
