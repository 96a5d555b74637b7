/*! Shoal storefront snippet __SHOAL_VERSION__ | served by your Shoal server, no third-party code */
(function (w, d) {
  'use strict';
  if (w.shoal && w.shoal.version) { return; }
  var VERSION = '__SHOAL_VERSION__';
  var script = d.currentScript || (function () {
    var all = d.querySelectorAll('script[data-key]');
    return all[all.length - 1];
  })();
  var KEY = script && script.getAttribute('data-key');
  var BASE = script ? new URL(script.src, w.location.href).origin : '';
  var AUTO_PAGE = !script || script.getAttribute('data-auto-page') !== 'false';
  var STORE = 'shoal_q', AID = 'shoal_aid', WHO = 'shoal_who', CONSENT = 'shoal_consent';
  var BATCH = 20, FLUSH_MS = 1000, MAX_QUEUE = 500;

  var queue = [];            // events not yet acknowledged by Shoal (mirrored in localStorage)
  var consentMode = null;    // 'required' | 'implied' once the store's setting is known
  var consent = null;        // true/false once the page says so
  var timer = null, sending = false, backoff = 0;
  var early = [];            // calls made before the store's setting is known

  function storage() { try { return w.localStorage; } catch (e) { return null; } }
  function get(k) { var s = storage(); try { return s ? s.getItem(k) : null; } catch (e) { return null; } }
  function set(k, v) { var s = storage(); try { if (s) { v === null ? s.removeItem(k) : s.setItem(k, v); } } catch (e) { } }
  function cookie(k, v) {
    if (v === undefined) {
      var m = d.cookie.match(new RegExp('(?:^|; )' + k + '=([^;]*)'));
      return m ? decodeURIComponent(m[1]) : null;
    }
    d.cookie = k + '=' + encodeURIComponent(v || '') + '; path=/; SameSite=Lax; max-age=' + (v ? 63072000 : 0);
  }
  function uid() {
    var b = new Uint8Array(16);
    (w.crypto || w.msCrypto).getRandomValues(b);
    var s = '';
    for (var i = 0; i < b.length; i++) { s += ('0' + b[i].toString(16)).slice(-2); }
    return s;
  }
  function allowed() { return consent === true || (consent !== false && consentMode === 'implied'); }

  /** The first-party anonymous id: kept in localStorage and a first-party cookie, made on first use. */
  function anonymousId() {
    var id = get(AID) || cookie(AID);
    if (!id) { id = uid(); }
    set(AID, id); cookie(AID, id);
    return id;
  }
  function load() { try { queue = JSON.parse(get(STORE) || '[]'); } catch (e) { queue = []; } }
  function save() { set(STORE, queue.length ? JSON.stringify(queue.slice(-MAX_QUEUE)) : null); }

  function enqueue(type, data, now) {
    if (consentMode === null && consent !== true) { early.push([type, data, new Date().toISOString()]); return; }
    if (!allowed()) { return; }
    queue.push({ id: uid(), type: type, occurred_at: now || new Date().toISOString(), data: data || {} });
    if (queue.length > MAX_QUEUE) { queue = queue.slice(-MAX_QUEUE); }
    save();
    schedule(type === 'identify' || queue.length >= BATCH ? 0 : FLUSH_MS);
  }
  function schedule(ms) {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(function () { timer = null; flush(false); }, ms);
  }
  function body(events) {
    return JSON.stringify({ anonymous_id: anonymousId(), consent: consent === true, events: events });
  }
  function url() { return BASE + '/v1/browser/events?key=' + encodeURIComponent(KEY); }

  /** Sends the queue in batches; leaving: with sendBeacon (what the browser accepted is gone from the queue). */
  function flush(leaving) {
    if (!KEY || !allowed() || !queue.length) { return; }
    if (leaving) {
      while (queue.length) {
        var part = queue.slice(0, BATCH);
        var blob = new Blob([body(part)], { type: 'text/plain' });
        if (!(w.navigator.sendBeacon && w.navigator.sendBeacon(url(), blob))) {
          // the beacon was refused: fetch keepalive, and keep them until the next page confirms
          try { w.fetch(url(), { method: 'POST', body: body(part), keepalive: true, headers: { 'Content-Type': 'text/plain' } }); } catch (e) { }
          break;
        }
        queue = queue.slice(part.length);
      }
      save();
      return;
    }
    if (sending) { return; }
    if (w.navigator.onLine === false) { return; } // the 'online' event flushes
    sending = true;
    var part = queue.slice(0, BATCH);
    w.fetch(url(), { method: 'POST', body: body(part), keepalive: true, credentials: 'omit',
      headers: { 'Content-Type': 'text/plain' } })
      .then(function (r) {
        sending = false;
        if (r.status === 202 || (r.status >= 400 && r.status < 500 && r.status !== 429 && r.status !== 408)) {
          // stored, or refused for good (a bug in the page: retrying would not help)
          var ids = {};
          part.forEach(function (e) { ids[e.id] = 1; });
          queue = queue.filter(function (e) { return !ids[e.id]; });
          save();
          backoff = 0;
          if (queue.length) { schedule(0); }
          return;
        }
        var after = parseInt(r.headers.get('Retry-After') || '0', 10);
        retry(after > 0 ? after * 1000 : 0);
      }, function () { sending = false; retry(0); });
  }
  function retry(ms) {
    backoff = Math.min(backoff ? backoff * 2 : 1000, 60000);
    schedule(Math.max(ms, backoff));
  }

  function pageView() {
    enqueue('page.viewed', { url: w.location.href, path: w.location.pathname, title: d.title,
      referrer: d.referrer || null });
  }

  var api = {
    version: VERSION,
    /** shoal.track('product.viewed', {product_id: 'p1'}); types: page.viewed, product.viewed, cart.updated, checkout.started, search, custom.* */
    track: function (type, data) { enqueue(String(type), data || {}); },
    /** shoal.identify({email: 'ana@example.com'}) or ({external_id: '42', first_name: 'Ana'}) */
    identify: function (who) {
      who = who || {};
      var key = (who.email || '').toLowerCase() + '|' + (who.external_id || '');
      var before = get(WHO);
      if (before && before !== key) { api.reset(); } // another person on this browser: a new visitor
      set(WHO, key);
      enqueue('identify', who);
    },
    /** The page says whether the visitor agreed to tracking; false forgets the visitor here. */
    consent: function (given) {
      consent = !!given;
      set(CONSENT, given ? 'granted' : 'denied');
      if (!given) { queue = []; save(); set(AID, null); cookie(AID, null); set(WHO, null); return; }
      start();
    },
    /** Forgets the visitor on this browser (sign-out): the next event starts a new anonymous visitor. */
    reset: function () { set(AID, null); cookie(AID, null); set(WHO, null); },
    flush: function () { flush(false); },
    pending: function () { return queue.length; }
  };

  var started = false;
  function start() {
    if (started || !allowed()) { return; }
    started = true;
    load();
    var pending = early; early = [];
    if (AUTO_PAGE && !pending.some(function (c) { return c[0] === 'page.viewed'; })) { pageView(); }
    pending.forEach(function (c) { enqueue(c[0], c[1], c[2]); });
    if (queue.length) { schedule(0); }
  }

  var said = script && script.getAttribute('data-consent');
  var stored = get(CONSENT);
  if (said === 'granted' || said === 'denied') { consent = said === 'granted'; }
  else if (stored === 'granted' || stored === 'denied') { consent = stored === 'granted'; }

  // calls queued before the snippet loaded: window.shoalq = [['track', 'x', {...}], ...]
  var before = w.shoalq || [];
  w.shoal = api;
  w.shoalq = { push: function (c) { api[c[0]].apply(api, c.slice(1)); } };

  w.addEventListener('pagehide', function () { flush(true); });
  d.addEventListener('visibilitychange', function () { if (d.visibilityState === 'hidden') { flush(true); } });
  w.addEventListener('online', function () { backoff = 0; flush(false); });

  start(); // consent already given (by the page or on an earlier page): no need to wait for the setting
  if (KEY) {
    w.fetch(BASE + '/v1/browser/config?key=' + encodeURIComponent(KEY), { credentials: 'omit' })
      .then(function (r) { return r.ok ? r.json() : { consent: 'required' }; }, function () { return { consent: 'required' }; })
      .then(function (cfg) {
        consentMode = cfg.consent === 'implied' ? 'implied' : 'required';
        if (!allowed()) { early = []; }
        start();
      });
  }
  before.forEach(function (c) { w.shoalq.push(c); });
})(window, document);
