// Customers: search as you type, and the profile with metrics, segments, notes and timeline.
import { useState } from 'preact/hooks';
import { get, post, qs } from './api.js';
import { html, useData, useDebounced, fmt, ErrorBox, Loading, Page, Card, Badge, Stat } from './ui.js';

export function CustomerList() {
  const [query, setQuery] = useState(new URLSearchParams(location.hash.split('?')[1] || '').get('q') || '');
  const q = useDebounced(query.trim(), 250);
  const [sort, setSort] = useState('created_at');
  const { data, error, loading } = useData(
    () => get(`/customers${qs({ search: q, sort, order: 'desc', limit: 50 })}`), [q, sort]);
  return html`<${Page} title="Customers">
    <div class="filters">
      <label class="grow">Search<input id="customer-search" type="search" placeholder="name, email or phone"
        value=${query} onInput=${(e) => setQuery(e.target.value)} autofocus/></label>
      <label>Sort by <select value=${sort} onChange=${(e) => setSort(e.target.value)}>
        <option value="created_at">newest</option><option value="last_order_at">last order</option>
        <option value="total_spent">total spent</option><option value="total_orders">orders</option>
      </select></label>
    </div>
    <${ErrorBox} error=${error}/>
    ${!data ? html`<${Loading}/>` : data.data.length === 0 ? html`<p class="muted empty">No customer matches.</p>` : html`
    <div class=${`table-wrap${loading ? ' stale' : ''}`}><table class="customers-table">
      <thead><tr><th>Name</th><th>Email</th><th class="num">Orders</th><th class="num">Spent</th><th>Last order</th></tr></thead>
      <tbody>${data.data.map((c) => html`<tr>
        <td><a href=${`#/customers/${c.id}`}>${fmt.name(c)}</a></td>
        <td>${c.email || '—'}</td>
        <td class="num">${fmt.count(c.total_orders)}</td>
        <td class="num">${fmt.money(c.total_spent)}</td>
        <td>${fmt.ago(c.last_order_at)}</td>
      </tr>`)}</tbody>
    </table></div>`}
  <//>`;
}

const RFM_MEANING = {
  recency_score: 'How recently they ordered, 1 (long ago) to 5 (lately), against the store\'s other buyers.',
  frequency_score: 'How often they order, 1 (rarely) to 5 (most often).',
  monetary_score: 'How much they spend, 1 (least) to 5 (most).',
};

function Metrics({ id }) {
  const { data: m, error } = useData(() => get(`/customers/${id}/metrics`), [id], 10000);
  if (error) return html`<${ErrorBox} error=${error}/>`;
  if (!m) return html`<${Loading}/>`;
  return html`<dl class="metrics">
    <dt>RFM segment</dt><dd>${m.rfm ? html`<${Badge} kind="plain">${m.rfm.segment}<//>` : html`<span class="muted">no orders yet</span>`}</dd>
    ${m.rfm ? Object.entries(RFM_MEANING).map(([k, meaning]) => html`
      <dt>${k.replace('_score', '')} <span class="hint" title=${meaning}>?</span></dt>
      <dd><span class="score" aria-label=${`${m.rfm[k]} of 5`}>${'●'.repeat(m.rfm[k])}${'○'.repeat(5 - m.rfm[k])}</span>
        <small class="muted">${meaning}</small></dd>`) : ''}
    <dt>Churn risk</dt><dd>${fmt.percent(m.churn_risk)} <small class="muted">${`Chance they have stopped buying (${m.model_status === 'fitted' ? 'BG/NBD model fitted on this store' : 'heuristic until the store has enough buyers'}).`}</small></dd>
    <dt>Predicted value</dt><dd>${fmt.money(m.predicted_clv)} <small class="muted">${`What they are expected to spend in the next ${m.clv_horizon_weeks} weeks, discounted.`}</small></dd>
    <dt>Expected orders, 90 days</dt><dd>${m.expected_purchases_90d ?? '—'}</dd>
    <dt>Lifetime value</dt><dd>${fmt.money(m.lifetime_value)} <small class="muted">spent so far</small></dd>
    <dt>Orders every</dt><dd>${m.purchase_frequency_days ? `${m.purchase_frequency_days} days` : '—'}</dd>
  </dl>`;
}

/** The segments the customer is in, found with explain on each evaluated segment (the key's own reads). */
function Segments({ id }) {
  const { data, error } = useData(async () => {
    const segs = (await get('/segments?limit=100')).data.filter((s) => s.type !== 'static');
    const answers = await Promise.all(segs.map((s) => get(`/segments/${s.id}/explain${qs({ customer_id: id })}`)
      .then((a) => ({ s, a }), () => null)));
    return answers.filter(Boolean);
  }, [id], 5000);
  const [open, setOpen] = useState(null);
  if (error) return html`<${ErrorBox} error=${error}/>`;
  if (!data) return html`<${Loading}/>`;
  const inside = data.filter((x) => x.a.member);
  const outside = data.filter((x) => !x.a.member);
  const row = ({ s, a }) => html`<li>
    <${Badge} kind=${a.member ? 'ok' : 'off'}>${a.member ? 'in' : 'out'}<//>
    <a href=${`#/segments/${s.id}`}>${s.name}</a>
    <button class="link" aria-expanded=${open === s.id} onClick=${() => setOpen(open === s.id ? null : s.id)}>why?</button>
    ${open === s.id ? html`<pre class="json">${JSON.stringify(a.rules, null, 2)}</pre>` : ''}
  </li>`;
  return html`<ul class="segment-membership" id="customer-segments">${inside.map(row)}</ul>
    ${inside.length === 0 ? html`<p class="muted">In no segment.</p>` : ''}
    ${outside.length ? html`<details><summary>Not in ${outside.length}</summary><ul class="segment-membership">${outside.map(row)}</ul></details>` : ''}`;
}

function Notes({ id }) {
  const { data, reload } = useData(() => get(`/customers/${id}/notes?limit=50`), [id]);
  const [body, setBody] = useState('');
  const [error, setError] = useState(null);
  async function add(e) {
    e.preventDefault();
    try {
      await post(`/customers/${id}/notes`, { body });
      setBody('');
      reload();
    } catch (err) { setError(err); }
  }
  return html`<form class="note-form" onSubmit=${add}>
      <label class="grow">New note<textarea rows="2" required value=${body} onInput=${(e) => setBody(e.target.value)}></textarea></label>
      <button class="primary">Add</button>
    </form>
    <${ErrorBox} error=${error}/>
    <ul class="notes">${(data?.data || []).map((n) => html`<li><p>${n.body}</p>
      <small class="muted">${n.author || ''} ${fmt.time(n.created_at)}</small></li>`)}</ul>`;
}

function Timeline({ id }) {
  const { data, error } = useData(() => get(`/customers/${id}/activity?limit=50`), [id], 5000);
  if (error) return html`<${ErrorBox} error=${error}/>`;
  if (!data) return html`<${Loading}/>`;
  if (data.data.length === 0) return html`<p class="muted">No activity yet.</p>`;
  return html`<ol class="timeline" id="timeline">${data.data.map((a) => html`<li data-type=${a.type}>
    <time datetime=${a.occurred_at}>${fmt.time(a.occurred_at)}</time>
    <${Badge} kind=${a.type === 'order' ? 'order' : 'plain'}>${a.type}<//>
    <span>${a.title}</span>${a.amount !== undefined && a.amount !== null ? html` <span class="num">${fmt.money(a.amount)}</span>` : ''}
  </li>`)}</ol>`;
}

export function CustomerPage({ id }) {
  const { data: c, error } = useData(() => get(`/customers/${id}`), [id], 5000);
  if (!c) return html`<${ErrorBox} error=${error}/>${error ? '' : html`<${Loading}/>`}`;
  return html`<${Page} title=${fmt.name(c)} subtitle=${html`${c.email || ''} ${c.phone || ''} <code>${c.id}</code>
      ${(c.tags || []).map((t) => html` <${Badge}>${t}<//>`)}`}>
    <div class="stats">
      <${Stat} id="customer-orders" label="orders" value=${fmt.count(c.total_orders)}/>
      <${Stat} id="customer-spent" label="spent" value=${fmt.money(c.total_spent)}/>
      <${Stat} label="last order" value=${fmt.ago(c.last_order_at)}/>
      <${Stat} label="customer since" value=${fmt.ago(c.created_at)}/>
    </div>
    <div class="grid">
      <${Card} title="Metrics"><${Metrics} id=${id}/><//>
      <${Card} title="Segments"><${Segments} id=${id}/><//>
      <${Card} title="Activity"><${Timeline} id=${id}/><//>
      <${Card} title="Notes"><${Notes} id=${id}/><//>
    </div>
  <//>`;
}
