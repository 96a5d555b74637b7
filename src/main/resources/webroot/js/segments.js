// Segments: the list with live counts, the rule builder with a live preview, the segment page.
import { useEffect, useState } from 'preact/hooks';
import { get, post, patch, del, qs } from './api.js';
import { html, useData, useDebounced, fmt, ErrorBox, Loading, Page, Card, Badge, Stat, navigate } from './ui.js';
import { RuleBuilder, complete, newCondition } from './rules.js';
import { TimeChart, daySeconds } from './charts.js';

function Sync({ s }) {
  if (s.sync_status === 'done') return html`<${Badge} kind="ok">synced<//>`;
  const p = s.sync_progress ?? 0;
  return html`<span class="sync"><progress max="1" value=${p} aria-label="sync progress"></progress>
    ${Math.round(p * 100)}%</span>`;
}

export function SegmentList() {
  const { data, error } = useData(() => get('/segments?limit=100'), [], 3000);
  return html`<${Page} title="Segments" subtitle="Member counts update live."
      actions=${html`<a class="button primary" href="#/segments/new" id="new-segment">New segment</a>`}>
    <${ErrorBox} error=${error}/>
    ${!data ? html`<${Loading}/>` : data.data.length === 0 ? html`<p class="muted empty">No segments yet.
      <a href="#/segments/new">Build the first one.</a></p>` : html`
    <div class="table-wrap"><table class="segments-table">
      <thead><tr><th>Name</th><th>Type</th><th class="num">Members</th><th>Sync</th><th>Updated</th></tr></thead>
      <tbody>${data.data.map((s) => html`<tr data-id=${s.id}>
        <td><a href=${`#/segments/${s.id}`}>${s.name}</a></td>
        <td><${Badge} kind=${s.type}>${s.type}<//>${s.lifecycle === 'draft' ? html` <${Badge}>draft<//>` : ''}</td>
        <td class="num member-count">${fmt.count(s.customer_count)}</td>
        <td><${Sync} s=${s}/></td>
        <td>${fmt.ago(s.updated_at)}</td>
      </tr>`)}</tbody>
    </table></div>`}
  <//>`;
}

/** Loads the segment being edited (if any), then shows the form with it. */
export function SegmentEditor({ id }) {
  const { data, error } = useData(() => (id ? get(`/segments/${id}`) : null), [id]);
  if (id && !data) return html`<${ErrorBox} error=${error}/>${error ? '' : html`<${Loading}/>`}`;
  return html`<${EditorForm} id=${id} initial=${data}/>`;
}

function EditorForm({ id, initial }) {
  const [name, setName] = useState(initial?.name || '');
  const [type, setType] = useState(initial?.type === 'passive' ? 'passive' : 'dynamic');
  const [rules, setRules] = useState(initial?.rules?.length ? initial.rules : [newCondition()]);
  const [preview, setPreview] = useState(null);
  const [previewError, setPreviewError] = useState(null);
  const [error, setError] = useState(null);
  const [saving, setSaving] = useState(false);

  const current = JSON.stringify(rules);
  const settled = useDebounced(current, 350);
  useEffect(() => {
    const r = JSON.parse(settled);
    if (!r.every(complete)) return undefined;
    let live = true;
    post('/segments/preview', { rules: r }).then(
      (p) => { if (live) { setPreview({ ...p, key: settled }); setPreviewError(null); } },
      (e) => { if (live) setPreviewError(e); },
    );
    return () => { live = false; };
  }, [settled]);

  const draft = initial?.lifecycle === 'draft';
  /** lifecycle: undefined keeps it; 'draft' saves without evaluating; 'created' publishes a draft. */
  async function save(e, lifecycle) {
    e.preventDefault();
    setSaving(true);
    setError(null);
    const body = { name, type, rules, ...(lifecycle ? { lifecycle } : {}) };
    try {
      const s = id ? await patch(`/segments/${id}`, body) : await post('/segments', body);
      navigate(`#/segments/${s.id}`);
    } catch (err) {
      setError(err);
      setSaving(false);
    }
  }

  // The funnel only beside the rules it was counted for; the count greys out while it catches up.
  const fresh = preview && preview.key === current;
  const funnel = fresh ? preview.rules : null;
  return html`<${Page} title=${id ? 'Edit segment' : 'New segment'}>
    <form class="editor" onSubmit=${(e) => save(e, draft ? 'created' : undefined)}>
      <div class="editor-main">
        <${Card} title="Segment">
          <div class="form-row">
            <label>Name<input id="segment-name" required value=${name} onInput=${(e) => setName(e.target.value)}/></label>
            <label>Kind<select id="segment-type" value=${type} onChange=${(e) => setType(e.target.value)}>
              <option value="dynamic">dynamic (announces enter and leave)</option>
              <option value="passive">passive (kept current, silent)</option>
            </select></label>
          </div>
        <//>
        <${Card} title="Rules">
          <${RuleBuilder} rules=${rules} onChange=${setRules} funnel=${funnel}/>
        <//>
      </div>
      <aside class="editor-side">
        <${Card} title="Preview" id="preview">
          <div class=${fresh ? '' : 'stale'} aria-busy=${!fresh}>
            <${Stat} id="preview-count" label="customers match" value=${preview ? fmt.count(preview.member_count) : '…'}/>
            <p class="muted">of ${preview ? fmt.count(preview.total_customers) : '…'} customers</p>
          </div>
          <${ErrorBox} error=${previewError}/>
          ${funnel ? html`<ol class="preview-funnel">${funnel.map((f, i) => html`<li>
            <span>Rule ${i + 1}</span><span>${fmt.count(f.count_before)} → <strong>${fmt.count(f.count_now)}</strong></span>
            <span class="muted">−${f.filtered_percentage}%</span></li>`)}</ol>` : ''}
        <//>
        <${ErrorBox} error=${error}/>
        <div class="actions">
          <button id="save-segment" class="primary" disabled=${saving}>${saving ? 'Saving…' : draft ? 'Publish' : 'Save segment'}</button>
          ${!id || draft ? html`<button type="button" id="save-draft" disabled=${saving}
            onClick=${(e) => { if (e.target.form.reportValidity()) save(e, 'draft'); }}>${draft ? 'Save draft' : 'Save as draft'}</button>` : ''}
          <a class="button" href=${id ? `#/segments/${id}` : '#/segments'}>Cancel</a>
        </div>
      </aside>
    </form>
  <//>`;
}

function History({ id }) {
  const [days, setDays] = useState(30);
  const { data, error } = useData(() => get(`/segments/${id}/history${qs({ days })}`), [id, days], 5000);
  if (error) return html`<${ErrorBox} error=${error}/>`;
  if (!data) return html`<${Loading}/>`;
  // From the day before the segment existed (shown as empty) on; earlier days have no count.
  const firstKnown = data.days.findIndex((d) => d.members !== null);
  const shown = data.days.slice(Math.max(0, firstKnown - 1)).map((d) => ({ ...d, members: d.members ?? 0 }));
  const x = shown.map((d) => daySeconds(d.date));
  return html`<div>
    <label class="inline">Days <select value=${days} onChange=${(e) => setDays(Number(e.target.value))}>
      ${[7, 30, 90, 365].map((d) => html`<option value=${d}>${d}</option>`)}</select></label>
    <h3>Members over time</h3>
    <${TimeChart} id="members-chart" label="members at the end of each day" x=${x}
      series=${[{ label: 'members', values: shown.map((d) => d.members) }]}/>
    <h3>Entered and left per day</h3>
    <${TimeChart} id="transitions-chart" label="customers who entered and left each day" x=${x}
      series=${[{ label: 'entered', values: shown.map((d) => d.entered), bars: true, color: '#16a34a' },
        { label: 'left', values: shown.map((d) => d.left), bars: true, color: '#dc2626' }]}/>
  </div>`;
}

function Members({ id }) {
  const { data, error } = useData(() => get(`/customers${qs({ segment_id: id, limit: 25, sort: 'created_at', order: 'desc' })}`), [id], 4000);
  if (error) return html`<${ErrorBox} error=${error}/>`;
  if (!data) return html`<${Loading}/>`;
  if (data.data.length === 0) return html`<p class="muted">No members.</p>`;
  return html`<ul class="member-list">${data.data.map((c) => html`<li>
    <a href=${`#/customers/${c.id}`}>${fmt.name(c)}</a> <span class="muted">${c.email || ''}</span>
    <span class="muted num">${fmt.money(c.total_spent)}</span></li>`)}</ul>
    ${data.has_more ? html`<p class="muted">Showing the newest 25.</p>` : ''}`;
}

function Explain({ id }) {
  const [query, setQuery] = useState('');
  const q = useDebounced(query.trim(), 300);
  const [picked, setPicked] = useState(null);
  const found = useData(() => (q ? get(`/customers${qs({ search: q, limit: 5 })}`) : null), [q]);
  const answer = useData(() => (picked ? get(`/segments/${id}/explain${qs({ customer_id: picked.id })}`) : null), [picked?.id]);
  return html`<div class="explain">
    <label>Customer<input type="search" placeholder="name, email or phone" value=${query}
      onInput=${(e) => { setQuery(e.target.value); setPicked(null); }}/></label>
    ${!picked && found.data ? html`<ul class="choices">${found.data.data.map((c) => html`<li>
      <button type="button" class="link" onClick=${() => setPicked(c)}>${fmt.name(c)} <span class="muted">${c.email}</span></button></li>`)}</ul>` : ''}
    <${ErrorBox} error=${answer.error}/>
    ${picked && answer.data ? html`<div class="explanation">
      <p><strong>${fmt.name(picked)}</strong> is ${answer.data.member ? html`<${Badge} kind="ok">in<//>` : html`<${Badge} kind="off">out<//>`}</p>
      <pre class="json">${JSON.stringify(answer.data.rules, null, 2)}</pre>
    </div>` : ''}
  </div>`;
}

function Transitions({ id }) {
  const { data } = useData(() => get(`/segments/${id}/transitions?limit=100`), [id], 5000);
  if (!data) return html`<${Loading}/>`;
  const recent = [...data.data].reverse().slice(0, 15);
  if (recent.length === 0) return html`<p class="muted">None recorded yet.</p>`;
  return html`<ul class="feed compact">${recent.map((t) => html`<li>
    <${Badge} kind=${t.type.endsWith('entered') ? 'ok' : 'off'}>${t.type.endsWith('entered') ? 'entered' : 'left'}<//>
    <a href=${`#/customers/${t.customer_id}`}>${t.customer_id}</a>
    <span class="muted">${t.cause === 'time' ? 'by time' : t.cause === 'segment_updated' ? 'rules changed' : 'event'} · ${fmt.ago(t.occurred_at)}</span>
  </li>`)}</ul>${data.has_more ? html`<p class="muted">Oldest first in the API; showing a recent page.</p>` : ''}`;
}

export function SegmentPage({ id }) {
  const { data: s, error } = useData(() => get(`/segments/${id}`), [id], 2000);
  async function remove() {
    if (!confirm(`Delete the segment "${s.name}"? Its customers are untouched.`)) return;
    await del(`/segments/${id}`);
    navigate('#/segments');
  }
  if (!s) return html`<${ErrorBox} error=${error}/>${error ? '' : html`<${Loading}/>`}`;
  return html`<${Page} title=${s.name} subtitle=${html`<${Badge} kind=${s.type}>${s.type}<//>${s.lifecycle === 'draft'
      ? html` <${Badge}>draft: not evaluated until published<//>` : ''} <code>${s.id}</code>`}
      actions=${html`<a class="button" href=${`#/segments/${id}/edit`}>Edit rules</a>
        <button class="danger" onClick=${remove}>Delete</button>`}>
    <div class="stats">
      <${Stat} id="member-count" label="members" value=${fmt.count(s.customer_count)}/>
      <div class="stat"><div class="stat-value"><${Sync} s=${s}/></div><div class="stat-label">sync</div></div>
    </div>
    <div class="grid">
      <${Card} title="History" wide><${History} id=${id}/><//>
      <${Card} title="Members"><${Members} id=${id}/><//>
      <${Card} title="Recent enters and leaves"><${Transitions} id=${id}/><//>
      <${Card} title="Why is a customer in or out?">${s.type === 'static' ? html`<p class="muted">A static segment has explicit members.</p>` : html`<${Explain} id=${id}/>`}<//>
      <${Card} title="Rules"><pre class="json">${JSON.stringify(s.rules, null, 2)}</pre><//>
    </div>
  <//>`;
}
