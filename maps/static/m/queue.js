// The outbox of the phone app: every write is stored in IndexedDB with its idempotency key when it is made, and sent
// in the order made whenever the phone is online. An item leaves the outbox only after the server answered 2xx, or a
// 4xx that retrying cannot change (then the refusal is shown). A network error, 5xx, 401, 408 or 429 stops the round;
// the next round (page load, `online`, every 20 s) sends the same requests with the same keys again, so the server
// makes each record once. A case step carries the version it was made on, so when its answer was lost the replay
// gets 409: if a fresh read of the case shows the step in its history, it counts as sent (no refusal is shown).
// Photos are stored as Blobs. A request may use the id another item's first request created (`{ref:NAME}` in its
// URL), e.g. the points of a patrol started offline. Each item is its maker's: on a phone shared between workers
// it waits until they sign in again, and is never sent with someone else's cookie.
window.wanggeQueue = (function () {
  const DB = 'wangge-m', ITEMS = 'outbox', REFS = 'refs', REFUSED = 'wangge-refusals';
  const USER = JSON.parse(document.getElementById('page-config').textContent).user;
  const mine = item => !item.user || item.user === USER;
  let opened = null, running = null;

  function db() {
    if (!opened) opened = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB, 1);
      req.onupgradeneeded = () => {
        req.result.createObjectStore(ITEMS, {keyPath: 'seq', autoIncrement: true});
        req.result.createObjectStore(REFS);
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    return opened;
  }
  // One IndexedDB request in its own transaction, resolved when the transaction is done.
  function run(store, mode, make) {
    return db().then(d => new Promise((resolve, reject) => {
      const t = d.transaction(store, mode), req = make(t.objectStore(store));
      t.oncomplete = () => resolve(req.result);
      t.onerror = () => reject(t.error);
    }));
  }
  const all = () => run(ITEMS, 'readonly', s => s.getAll());
  const put = item => run(ITEMS, 'readwrite', s => s.put(item));
  const drop = seq => run(ITEMS, 'readwrite', s => s.delete(seq));
  const ref = name => run(REFS, 'readonly', s => s.get(name));
  const setRef = (name, value) => run(REFS, 'readwrite', s => s.put(value, name));
  const changed = () => window.dispatchEvent(new CustomEvent('wangge-queue'));

  const uuid = () => (crypto.randomUUID ? crypto.randomUUID()
    : 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, c => {
      const r = crypto.getRandomValues(new Uint8Array(1))[0] % 16;
      return (c === 'x' ? r : (r & 3) | 8).toString(16);
    }));

  // Store a write: {label (what the person sees), ref (name for the id the first request creates), requests:
  // [{method, url, json | file: {blob, name}}]}. Returns the stored item; sending starts at once when online.
  async function add(item) {
    const stored = Object.assign({key: uuid(), made: new Date().toISOString(), done: 0, user: USER}, item);
    stored.seq = await put(stored);
    changed();
    flush();
    return stored;
  }

  async function resolveUrl(url) {
    const names = [...url.matchAll(/\{ref:([^}]+)\}/g)].map(m => m[1]);
    for (const name of names) {
      const value = await ref(name);
      if (value === undefined) return {wait: true};
      if (value === 'refused') return {refused: true};
      url = url.replace('{ref:' + name + '}', String(value));
    }
    return {url};
  }

  function body(request, item, index) {
    const headers = {'Idempotency-Key': index ? item.key + '-' + index : item.key};
    if (request.file) {
      const form = new FormData();
      form.append('file', request.file.blob, request.file.name || 'photo.jpg');
      return {headers, body: form};
    }
    if (request.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      return {headers, body: JSON.stringify(request.json)};
    }
    return {headers};
  }

  const final = status => status >= 400 && status < 500 && ![401, 408, 425, 429].includes(status);

  function refuse(item, detail) {
    const list = refusals();
    list.push({label: item.label || '', detail: detail || '', at: new Date().toISOString()});
    localStorage.setItem(REFUSED, JSON.stringify(list.slice(-20)));
  }
  function refusals() {
    try { return JSON.parse(localStorage.getItem(REFUSED) || '[]'); } catch (e) { return []; }
  }
  const clearRefusals = () => localStorage.removeItem(REFUSED);

  // Whether a step refused with 409 is already on the case: check = {url (the case), action}; true when the case's
  // history holds that action since the item was made (5 minutes' grace for the phone's clock).
  async function happened(check, item) {
    try {
      const response = await fetch(check.url, {credentials: 'same-origin', cache: 'no-store',
                                               headers: {Accept: 'application/json'}});
      if (!response.ok) return false;
      const data = await response.json();
      const since = Date.parse(item.made) - 300000;
      return (data.history || []).some(e => e.action === check.action && Date.parse(e.at) >= since);
    } catch (e) { return false; }
  }

  // Send one item from where it stopped; true when it is finished (sent or refused), false to stop the round.
  async function send(item) {
    for (let i = item.done; i < item.requests.length; i++) {
      const request = item.requests[i];
      const target = await resolveUrl(request.url);
      if (target.wait) return false;
      if (target.refused) { refuse(item, ''); return true; }
      let response;
      try {
        response = await fetch(target.url, Object.assign({method: request.method || 'POST', credentials: 'same-origin'},
                                                         body(request, item, i)));
      } catch (e) { return false; }
      let data = null;
      try { data = await response.clone().json(); } catch (e) { data = null; }
      const adopted = response.status === 409 && request.adopt && data && data[request.adopt];
      if (response.ok || adopted) {
        if (i === 0 && item.ref) await setRef(item.ref, adopted ? data[request.adopt] : data && data.id);
        if (i === 0 && item.onCreated) item.created = data && data.id;
        item.done = i + 1;
        await put(item);
        continue;
      }
      if (response.status === 409 && request.check && await happened(request.check, item)) {
        // A replayed step whose first answer was lost: the version moved because the step itself was made.
        item.done = i + 1;
        await put(item);
        continue;
      }
      if (final(response.status)) {
        if (i === 0 && item.ref) await setRef(item.ref, 'refused');
        refuse(item, data && data.detail ? (typeof data.detail === 'string' ? data.detail : JSON.stringify(data.detail))
                                        : String(response.status));
        return true;
      }
      return false;
    }
    return true;
  }

  async function round() {
    if (!USER) return;  // the login page: nobody to send as
    for (const item of await all()) {
      if (!mine(item)) continue;
      if (!(await send(item))) break;
      await drop(item.seq);
      changed();
    }
    changed();
  }

  // One round at a time in this page, and (with Web Locks) in all pages of the app.
  function flush() {
    if (!navigator.onLine) return Promise.resolve();
    if (running) return running;
    const go = navigator.locks ? () => navigator.locks.request('wangge-queue', round) : round;
    running = go().catch(() => null).finally(() => { running = null; });
    return running;
  }

  const count = async () => (await all()).filter(mine).length;
  window.addEventListener('online', () => flush());
  setInterval(() => flush(), 20000);
  return {add, flush, count, all, ref, setRef, refusals, clearRefusals, uuid};
})();
