// Automations (rules, their runs and outcomes) and webhooks (endpoints, deliveries, resend).
import { useState } from 'preact/hooks';
import { get, post } from './api.js';
import { html, useData, fmt, ErrorBox, Loading, Page, Card, Badge } from './ui.js';

function Runs({ rule }) {
  const { data, error } = useData(() => get(`/automation-rules/${rule}/runs?limit=25`), [rule], 5000);
  if (error) return html`<${ErrorBox} error=${error}/>`;
  if (!data) return html`<${Loading}/>`;
  if (data.data.length === 0) return html`<p class="muted">No runs yet.</p>`;
  return html`<div class="table-wrap"><table>
    <thead><tr><th>When</th><th>Customer</th><th>Trigger</th><th>Status</th><th>Steps</th></tr></thead>
    <tbody>${data.data.map((r) => html`<tr>
      <td>${fmt.time(r.created_at)}</td>
      <td><a href=${`#/customers/${r.customer_id}`}>${r.customer_id}</a></td>
      <td>${r.trigger?.type}</td>
      <td><${Badge} kind=${r.status === 'completed' ? 'ok' : 'order'}>${r.status}<//></td>
      <td>${(r.steps || []).map((s) => html`<${Badge} kind=${s.status === 'failed' ? 'off' : 'plain'}>${s.type || s.action || ''} ${s.status || ''}<//> `)}</td>
    </tr>`)}</tbody></table></div>`;
}

export function Automations() {
  const { data, error } = useData(() => get('/automation-rules?limit=100'), [], 5000);
  const [open, setOpen] = useState(null);
  return html`<${Page} title="Automations" subtitle="Rules, what triggers them and what their runs did.">
    <${ErrorBox} error=${error}/>
    ${!data ? html`<${Loading}/>` : data.data.length === 0 ? html`<p class="muted empty">No automation rules.</p>` : ''}
    ${(data?.data || []).map((r) => html`<${Card} title=${r.name}>
      <p><${Badge} kind=${r.is_active ? 'ok' : 'off'}>${r.is_active ? 'active' : 'paused'}<//>
        when <code>${r.trigger_event}</code> · ${(r.actions || []).map((a) => a.type).join(', ')} ·
        triggered ${fmt.count(r.times_triggered)} times</p>
      <button class="link" aria-expanded=${open === r.id} onClick=${() => setOpen(open === r.id ? null : r.id)}>
        ${open === r.id ? 'Hide runs' : 'Show runs'}</button>
      ${open === r.id ? html`<${Runs} rule=${r.id}/>` : ''}
    <//>`)}
  <//>`;
}

function Deliveries({ endpoint }) {
  const { data, error, reload } = useData(() => get(`/webhook-endpoints/${endpoint}/deliveries?limit=25`), [endpoint], 5000);
  const [note, setNote] = useState(null);
  async function resend(eventId) {
    try {
      await post(`/events/${encodeURIComponent(eventId)}/redeliver`, { endpoint_id: endpoint });
      setNote(`Queued ${eventId} again.`);
      reload();
    } catch (e) { setNote(e.message); }
  }
  if (error) return html`<${ErrorBox} error=${error}/>`;
  if (!data) return html`<${Loading}/>`;
  if (data.data.length === 0) return html`<p class="muted">No deliveries yet.</p>`;
  return html`${note ? html`<p class="notice" role="status">${note}</p>` : ''}<div class="table-wrap"><table>
    <thead><tr><th>Event</th><th>Status</th><th class="num">Attempts</th><th>Last answer</th><th>When</th><th></th></tr></thead>
    <tbody>${data.data.map((d) => html`<tr>
      <td>${d.event_type}<br/><code class="muted">${d.event_id}</code></td>
      <td><${Badge} kind=${d.status === 'delivered' ? 'ok' : d.status === 'pending' ? 'order' : 'off'}>${d.status}<//>
        ${d.next_attempt_at ? html`<br/><small class="muted">retry ${fmt.time(d.next_attempt_at)}</small>` : ''}</td>
      <td class="num">${d.attempts}</td>
      <td>${d.last_status_code ?? ''} ${d.last_error ? html`<small class="muted">${d.last_error}</small>` : ''}
        ${d.last_latency_ms !== null && d.last_latency_ms !== undefined ? html`<small class="muted"> ${d.last_latency_ms} ms</small>` : ''}</td>
      <td>${fmt.time(d.delivered_at || d.created_at)}</td>
      <td><button class="link" onClick=${() => resend(d.event_id)}>Resend</button></td>
    </tr>`)}</tbody></table></div>`;
}

export function Webhooks() {
  const { data, error } = useData(() => get('/webhook-endpoints?limit=100'), [], 5000);
  return html`<${Page} title="Webhooks" subtitle="Endpoints, their recent deliveries with status and retries.">
    <${ErrorBox} error=${error}/>
    ${!data ? html`<${Loading}/>` : data.data.length === 0 ? html`<p class="muted empty">No webhook endpoints.</p>` : ''}
    ${(data?.data || []).map((e) => html`<${Card} title=${e.url}>
      <p><${Badge} kind=${e.status === 'active' ? 'ok' : 'off'}>${e.status}<//> ${e.enabled ? '' : html`<${Badge} kind="off">disabled<//>`}
        ${e.description || ''} · <code>${(e.events || []).join(', ')}</code></p>
      <${Deliveries} endpoint=${e.id}/>
    <//>`)}
  <//>`;
}
