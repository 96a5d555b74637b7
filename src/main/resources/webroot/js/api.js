// Every call of the dashboard goes through the public API with the signed-in key, so the page
// shows nothing that key could not read. The key is kept for this browser tab only.

const SESSION = 'shoal.session';

export const session = {
  get() {
    try { return JSON.parse(sessionStorage.getItem(SESSION)); } catch { return null; }
  },
  set(s) { sessionStorage.setItem(SESSION, JSON.stringify(s)); },
  clear() { sessionStorage.removeItem(SESSION); },
};

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

/** A store-relative path ("/segments") or an absolute API path ("/v1/stores"). */
function url(path) {
  if (path.startsWith('/v1/')) return path;
  const s = session.get();
  return `/v1/stores/${encodeURIComponent(s.store)}${path}`;
}

export async function call(method, path, body, key) {
  const headers = { Authorization: `Bearer ${key || session.get()?.key}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(url(path), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

export const get = (path, key) => call('GET', path, undefined, key);
export const post = (path, body) => call('POST', path, body === undefined ? {} : body);
export const patch = (path, body) => call('PATCH', path, body);
export const del = (path) => call('DELETE', path);

/** Query string from an object, leaving out empty values. */
export function qs(params) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) v.forEach((x) => p.append(k, x)); else p.append(k, v);
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

/**
 * The store's live event stream (Server-Sent Events). EventSource cannot send the
 * Authorization header, so the stream is read with fetch. Reconnects after a drop, resuming
 * after the last id received. Answers a function that closes it.
 */
export function stream(path, { onEvent, onState }) {
  const controller = new AbortController();
  let lastId = null;
  let closed = false;
  async function connect() {
    while (!closed) {
      try {
        const headers = { Authorization: `Bearer ${session.get()?.key}`, Accept: 'text/event-stream' };
        if (lastId) headers['Last-Event-ID'] = lastId;
        const res = await fetch(url(path), { headers, signal: controller.signal });
        if (!res.ok) throw new ApiError(res.status, null);
        onState?.('live');
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let cut;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            let id = null;
            const data = [];
            for (const line of block.split('\n')) {
              if (line.startsWith('id:')) id = line.slice(3).trim();
              else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
            }
            if (id) lastId = id;
            if (data.length) {
              try { onEvent(JSON.parse(data.join('\n'))); } catch { /* not JSON: skip */ }
            }
          }
        }
      } catch (e) {
        if (closed || e.name === 'AbortError') return;
      }
      if (closed) return;
      onState?.('reconnecting');
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  connect();
  return () => { closed = true; controller.abort(); };
}
