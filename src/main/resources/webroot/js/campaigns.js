// Campaigns: the list, creation from a segment and a template with a rendered preview and a
// schedule, and the results page (funnel, over time, cancel).
import { useEffect, useState } from 'preact/hooks';
import { get, post, qs } from './api.js';
import { html, useData, fmt, ErrorBox, Loading, Page, Card, Badge, Stat, Funnel, navigate } from './ui.js';
import { TimeChart } from './charts.js';

const STATUS_KIND = { draft: 'plain', scheduled: 'order', active: 'ok', completed: 'ok', cancelled: 'off' };

export function CampaignList() {
  const [status, setStatus] = useState('');
  const { data, error } = useData(() => get(`/campaigns${qs({ status, limit: 100 })}`), [status], 4000);
  return html`<${Page} title="Campaigns"
      actions=${html`<a class="button primary" id="new-campaign" href="#/campaigns/new">New campaign</a>`}>
    <div class="filters"><label>Status <select value=${status} onChange=${(e) => setStatus(e.target.value)}>
      <option value="">all</option>${Object.keys(STATUS_KIND).map((s) => html`<option value=${s}>${s}</option>`)}
    </select></label></div>
    <${ErrorBox} error=${error}/>
    ${!data ? html`<${Loading}/>` : data.data.length === 0 ? html`<p class="muted empty">No campaigns.</p>` : html`
    <div class="table-wrap"><table>
      <thead><tr><th>Name</th><th>Channel</th><th>Status</th><th class="num">Recipients</th><th>Scheduled</th></tr></thead>
      <tbody>${data.data.map((c) => html`<tr>
        <td><a href=${`#/campaigns/${c.id}`}>${c.name}</a></td><td>${c.type}</td>
        <td><${Badge} kind=${STATUS_KIND[c.status]}>${c.status}<//></td>
        <td class="num">${fmt.count(c.recipient_count)}</td><td>${fmt.time(c.scheduled_at)}</td>
      </tr>`)}</tbody></table></div>`}
  <//>`;
}

function Preview({ templateId, segmentId }) {
  const { data, error } = useData(async () => {
    if (!templateId || !segmentId) return null;
    const members = await get(`/customers${qs({ segment_id: segmentId, limit: 1 })}`);
    const someone = members.data[0];
    if (!someone) return { empty: true };
    const rendered = await post(`/templates/${templateId}/preview`, { customer_id: someone.id });
    return { someone, rendered };
  }, [templateId, segmentId]);
  if (!templateId || !segmentId) return html`<p class="muted">Pick a segment and a template.</p>`;
  if (error) return html`<${ErrorBox} error=${error}/>`;
  if (!data) return html`<${Loading}/>`;
  if (data.empty) return html`<p class="muted">The segment has no member to render the template for.</p>`;
  const r = data.rendered;
  return html`<div class="template-preview" id="template-preview">
    <p class="muted">As ${fmt.name(data.someone)} would get it:</p>
    ${r.subject ? html`<p><strong>Subject:</strong> <span class="preview-subject">${r.subject}</span></p>` : ''}
    ${r.title ? html`<p><strong>${r.title}</strong></p>` : ''}
    ${r.html ? html`<iframe class="preview-html" title="rendered email" sandbox="" srcdoc=${r.html}></iframe>`
      : html`<pre class="preview-text">${r.text}</pre>`}
  </div>`;
}

/** "2026-12-03T15:00" in the browser's zone, an hour from now. */
function inAnHour() {
  const d = new Date(Date.now() + 3600_000);
  d.setSeconds(0, 0);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}

export function CampaignEditor() {
  const segments = useData(() => get('/segments?limit=100'), []);
  const templates = useData(() => get('/templates?limit=100'), []);
  const [name, setName] = useState('');
  const [type, setType] = useState('email');
  const [segmentId, setSegmentId] = useState('');
  const [templateId, setTemplateId] = useState('');
  const [when, setWhen] = useState('later');
  const [at, setAt] = useState(inAnHour());
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const fitting = (templates.data?.data || []).filter((t) => t.channel === type);
  useEffect(() => {
    if (!fitting.some((t) => t.id === templateId)) setTemplateId(fitting[0]?.id || '');
  }, [type, templates.data]);
  useEffect(() => {
    if (!segmentId && segments.data?.data.length) setSegmentId(segments.data.data[0].id);
  }, [segments.data]);

  async function create(e) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const scheduled = when === 'now' ? new Date().toISOString() : when === 'later' ? new Date(at).toISOString() : undefined;
      const c = await post('/campaigns', { name, type, segment_id: segmentId, template_id: templateId, scheduled_at: scheduled });
      navigate(`#/campaigns/${c.id}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return html`<${Page} title="New campaign">
    <form class="editor" onSubmit=${create}>
      <div class="editor-main">
        <${Card} title="Campaign">
          <label>Name<input id="campaign-name" required value=${name} onInput=${(e) => setName(e.target.value)}/></label>
          <div class="form-row">
            <label>Channel<select id="campaign-type" value=${type} onChange=${(e) => setType(e.target.value)}>
              ${['email', 'sms', 'push', 'direct_mail'].map((t) => html`<option value=${t}>${t}</option>`)}</select></label>
            <label>Segment<select id="campaign-segment" required value=${segmentId} onChange=${(e) => setSegmentId(e.target.value)}>
              ${(segments.data?.data || []).map((s) => html`<option value=${s.id}>${s.name} (${fmt.count(s.customer_count)})</option>`)}
            </select></label>
            <label>Template<select id="campaign-template" required value=${templateId} onChange=${(e) => setTemplateId(e.target.value)}>
              ${fitting.length === 0 ? html`<option value="">no ${type} template</option>` : ''}
              ${fitting.map((t) => html`<option value=${t.id}>${t.name}</option>`)}
            </select></label>
          </div>
          <fieldset class="when"><legend>Send</legend>
            <label class="check"><input type="radio" name="when" value="now" checked=${when === 'now'} onChange=${() => setWhen('now')}/> now</label>
            <label class="check"><input type="radio" name="when" value="later" checked=${when === 'later'} onChange=${() => setWhen('later')}/> at
              <input id="campaign-at" type="datetime-local" value=${at} onInput=${(e) => { setAt(e.target.value); setWhen('later'); }}/></label>
            <label class="check"><input type="radio" name="when" value="draft" checked=${when === 'draft'} onChange=${() => setWhen('draft')}/> keep as draft</label>
          </fieldset>
        <//>
      </div>
      <aside class="editor-side">
        <${Card} title="Preview"><${Preview} templateId=${templateId} segmentId=${segmentId}/><//>
        <${ErrorBox} error=${error || segments.error || templates.error}/>
        <div class="actions">
          <button id="create-campaign" class="primary" disabled=${busy || !templateId || !segmentId}>
            ${when === 'draft' ? 'Save draft' : 'Schedule'}</button>
          <a class="button" href="#/campaigns">Cancel</a>
        </div>
      </aside>
    </form>
  <//>`;
}

function Timeline({ id }) {
  const [interval, setEvery] = useState('hour');
  const { data, error } = useData(() => get(`/campaigns/${id}/timeline${qs({ interval })}`), [id, interval], 5000);
  if (error) return html`<${ErrorBox} error=${error}/>`;
  if (!data) return html`<${Loading}/>`;
  const b = data.buckets;
  return html`<div>
    <label class="inline">Per <select value=${interval} onChange=${(e) => setEvery(e.target.value)}>
      <option value="hour">hour</option><option value="day">day</option></select></label>
    <${TimeChart} id="campaign-chart" label="messages sent, opened, clicked and conversions over time"
      step=${interval === 'hour' ? 3600 : 86400}
      x=${b.map((x) => Date.parse(x.start) / 1000)}
      series=${[{ label: 'sent', values: b.map((x) => x.sent) }, { label: 'opened', values: b.map((x) => x.opened) },
        { label: 'clicked', values: b.map((x) => x.clicked) }, { label: 'conversions', values: b.map((x) => x.conversions) }]}/>
  </div>`;
}

export function CampaignPage({ id }) {
  const campaign = useData(() => get(`/campaigns/${id}`), [id], 3000);
  const segment = useData(() => (campaign.data ? get(`/segments/${campaign.data.segment_id}`).catch(() => null) : null),
    [campaign.data?.segment_id]);
  const analytics = useData(() => get(`/campaigns/${id}/analytics`), [id], 3000);
  const [error, setError] = useState(null);
  const c = campaign.data;
  const a = analytics.data;
  async function cancel() {
    if (!confirm(`Cancel "${c.name}"?`)) return;
    try {
      await post(`/campaigns/${id}/cancel`);
      campaign.reload();
      analytics.reload();
    } catch (err) { setError(err); }
  }
  if (!c) return html`<${ErrorBox} error=${campaign.error}/>${campaign.error ? '' : html`<${Loading}/>`}`;
  const cancellable = ['draft', 'scheduled', 'active'].includes(c.status);
  return html`<${Page} title=${c.name}
      subtitle=${html`<${Badge} kind=${STATUS_KIND[c.status]}><span id="campaign-status">${c.status}</span><//> ${c.type} to <a href=${`#/segments/${c.segment_id}`}>${segment.data?.name || c.segment_id}</a> · scheduled ${fmt.time(c.scheduled_at)}`}
      actions=${cancellable ? html`<button class="danger" id="cancel-campaign" onClick=${cancel}>Cancel campaign</button>` : ''}>
    <${ErrorBox} error=${error || analytics.error}/>
    ${a ? html`<div class="stats" id="campaign-results">
      <${Stat} id="result-sent" label="sent" value=${fmt.count(a.sent)}/>
      <${Stat} id="result-delivered" label="delivered" value=${fmt.count(a.delivered)}/>
      <${Stat} id="result-opened" label=${`opened · ${fmt.percent(a.open_rate)}`} value=${fmt.count(a.opened)}/>
      <${Stat} id="result-clicked" label=${`clicked · ${fmt.percent(a.click_rate)}`} value=${fmt.count(a.clicked)}/>
      <${Stat} id="result-converted" label=${`converted · ${fmt.percent(a.conversion_rate)}`} value=${fmt.count(a.conversions)}/>
      <${Stat} id="result-revenue" label="revenue" value=${fmt.money(a.revenue)}/>
    </div>` : html`<${Loading}/>`}
    <div class="grid">
      <${Card} title="Funnel">${a ? html`<${Funnel} id="campaign-funnel" steps=${[
        { label: 'recipients', value: a.recipient_count ?? 0 }, { label: 'sent', value: a.sent },
        { label: 'delivered', value: a.delivered }, { label: 'opened', value: a.opened },
        { label: 'clicked', value: a.clicked }, { label: 'converted', value: a.conversions }]}/>
        <p class="muted">${`Also: ${a.queued} queued, ${a.bounced} bounced, ${a.failed} failed, ${a.suppressed} suppressed, ${a.unsubscribed} unsubscribed.`}</p>` : ''}<//>
      <${Card} title="Over time"><${Timeline} id=${id}/><//>
    </div>
  <//>`;
}
