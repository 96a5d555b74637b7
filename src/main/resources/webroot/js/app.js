// The dashboard shell: sign-in, navigation and the hash routes of the pages.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { session, get, ApiError } from './api.js';
import { html, ErrorBox, navigate } from './ui.js';
import { SegmentList, SegmentEditor, SegmentPage } from './segments.js';
import { LiveFeed } from './live.js';
import { CustomerList, CustomerPage } from './customers.js';
import { CampaignList, CampaignEditor, CampaignPage } from './campaigns.js';
import { Automations, Webhooks } from './more.js';

const ROUTES = [
  [/^#\/segments\/new$/, () => html`<${SegmentEditor}/>`],
  [/^#\/segments\/([^/]+)\/edit$/, (id) => html`<${SegmentEditor} id=${id}/>`],
  [/^#\/segments\/([^/]+)$/, (id) => html`<${SegmentPage} id=${id}/>`],
  [/^#\/segments$/, () => html`<${SegmentList}/>`],
  [/^#\/live$/, () => html`<${LiveFeed}/>`],
  [/^#\/customers\/([^/]+)$/, (id) => html`<${CustomerPage} id=${id}/>`],
  [/^#\/customers$/, () => html`<${CustomerList}/>`],
  [/^#\/campaigns\/new$/, () => html`<${CampaignEditor}/>`],
  [/^#\/campaigns\/([^/]+)$/, (id) => html`<${CampaignPage} id=${id}/>`],
  [/^#\/campaigns$/, () => html`<${CampaignList}/>`],
  [/^#\/automations$/, () => html`<${Automations}/>`],
  [/^#\/webhooks$/, () => html`<${Webhooks}/>`],
];

const NAV = [
  ['#/segments', 'Segments'], ['#/live', 'Live feed'], ['#/customers', 'Customers'],
  ['#/campaigns', 'Campaigns'], ['#/automations', 'Automations'], ['#/webhooks', 'Webhooks'],
];

function useHash() {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => { setHash(location.hash); window.scrollTo(0, 0); };
    addEventListener('hashchange', on);
    setHash(location.hash); // a change made before this listener existed (the first redirect)
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}

function SignIn({ onSignedIn }) {
  const [key, setKey] = useState('');
  const [store, setStore] = useState('');
  const [stores, setStores] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  async function submit(e) {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      if (store.trim()) {
        const s = await get(`/v1/stores/${encodeURIComponent(store.trim())}`, key.trim());
        onSignedIn({ key: key.trim(), store: s.id, storeName: s.name, admin: false });
      } else {
        // No store given: only the admin key may list the stores to pick one.
        const list = await get('/v1/stores?limit=100', key.trim());
        setStores(list.data);
      }
    } catch (err) {
      setError(err instanceof ApiError && (err.status === 401 || err.status === 403 || err.status === 404)
        ? new Error(store.trim() ? 'This key cannot open that store.' : 'Give the store id with a store key (only the admin key lists stores).')
        : err);
    } finally {
      setBusy(false);
    }
  }

  return html`<main class="signin">
    <form class="card signin-card" onSubmit=${submit}>
      <h1><span class="logo" aria-hidden="true">◆</span> Shoal</h1>
      <p class="muted">Sign in with a store's API key and its store id, or with the admin key to pick a store.
        The key stays in this browser tab only.</p>
      <label>API key<input id="api-key" type="password" autocomplete="off" required value=${key}
        onInput=${(e) => setKey(e.target.value)} placeholder="wk_live_…"/></label>
      <label><span>Store id <span class="muted">(optional with the admin key)</span></span><input id="store-id" value=${store}
        onInput=${(e) => setStore(e.target.value)} placeholder="store_…"/></label>
      <${ErrorBox} error=${error}/>
      <button id="sign-in" class="primary" disabled=${busy}>${busy ? 'Signing in…' : 'Sign in'}</button>
      ${stores ? html`<div class="store-picker">
        <h2>Pick a store</h2>
        ${stores.length === 0 ? html`<p class="muted">No stores yet.</p>` : ''}
        <ul>${stores.map((s) => html`<li><button type="button" class="store-choice" data-store=${s.id}
          onClick=${() => onSignedIn({ key: key.trim(), store: s.id, storeName: s.name, admin: true })}>
          <strong>${s.name}</strong> <code>${s.id}</code></button></li>`)}</ul>
      </div>` : ''}
    </form>
  </main>`;
}

function Shell({ s, onSignOut, children, hash }) {
  const [open, setOpen] = useState(false);
  useEffect(() => setOpen(false), [hash]);
  return html`<div class="shell">
    <a class="skip" href="#main">Skip to content</a>
    <header class="topbar">
      <a class="brand" href="#/segments"><span class="logo" aria-hidden="true">◆</span> Shoal</a>
      <span class="store-name" title=${s.store}>${s.storeName}${s.admin ? html` <span class="badge badge-plain">admin</span>` : ''}</span>
      <button class="menu-toggle" aria-expanded=${open} aria-controls="nav" onClick=${() => setOpen(!open)}>Menu</button>
    </header>
    <nav id="nav" class=${open ? 'open' : ''} aria-label="Main">
      ${NAV.map(([href, label]) => html`<a href=${href} class=${hash.startsWith(href) ? 'active' : ''}
        aria-current=${hash.startsWith(href) ? 'page' : undefined}>${label}</a>`)}
      <button class="link sign-out" onClick=${onSignOut}>Sign out</button>
    </nav>
    <main id="main" tabindex="-1">${children}</main>
  </div>`;
}

function App() {
  const [s, setS] = useState(session.get());
  const hash = useHash();
  if (!s) {
    return html`<${SignIn} onSignedIn=${(next) => { session.set(next); setS(next); navigate('#/segments'); }}/>`;
  }
  let page = null;
  for (const [re, make] of ROUTES) {
    const m = hash.match(re);
    if (m) { page = make(...m.slice(1).map(decodeURIComponent)); break; }
  }
  if (!page) {
    navigate('#/segments');
    return null;
  }
  return html`<${Shell} s=${s} hash=${hash} onSignOut=${() => { session.clear(); setS(null); }}>
    <div key=${hash}>${page}</div>
  <//>`;
}

const root = document.getElementById('app');
root.textContent = ''; // the static "Loading…"
render(html`<${App}/>`, root);
