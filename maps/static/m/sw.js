// The service worker of the phone apps: the field app (served as /m/sw.js, scope /m/) and the residents' pages
// (/r/sw.js, scope /r/), one file read by where it is served from. The app shell (tab pages, scripts, styles,
// Leaflet, icons) is kept at install; pages and API reads go to the network first and fall back to the last copy
// when offline. Writes are never touched here: queue.js keeps them in IndexedDB until the server has them.
const APP = self.location.pathname.startsWith('/r/') ? 'r' : 'm';
const SHELL = `wangge-${APP}-shell-v3`, DATA = `wangge-${APP}-data-v1`;
const COMMON = ['/static/m/app.css', '/static/m/app.js', '/static/m/queue.js', '/static/m/icon-192.png',
  '/static/vendor/leaflet/leaflet.js', '/static/wangge.js', '/static/vendor/leaflet/leaflet.css',
  '/static/vendor/leaflet/images/marker-icon.png', '/static/vendor/leaflet/images/marker-shadow.png'];
const APPS = {
  m: {pages: ['/m/', '/m/report', '/m/patrol', '/m/visit', '/m/care', '/m/grid', '/m/where'],
      files: ['/static/m/login.js', '/static/m/tasks.js', '/static/m/task.js', '/static/m/report.js',
              '/static/m/patrol.js', '/static/m/visit.js', '/static/m/care.js', '/static/m/grid.js', '/static/m/where.js',
              '/static/m/icon-512.png', '/m/manifest.webmanifest'],
      shells: ['/m/tasks/']},
  r: {pages: ['/r/', '/r/new', '/r/needs', '/r/needs/new', '/r/points', '/r/anonymous', '/r/lookup'],
      files: ['/static/r/r.css', '/static/r/view.js', '/static/r/reports.js', '/static/r/report.js', '/static/r/new.js',
              '/static/r/anonymous.js', '/static/r/lookup.js', '/static/r/needs.js',
              '/static/r/need.js', '/static/r/need_new.js', '/static/r/points.js'],
      shells: ['/r/reports/', '/r/needs/']},
};
const PAGES = APPS[APP].pages, FILES = COMMON.concat(APPS[APP].files), SHELLS = APPS[APP].shells;

self.addEventListener('install', event => {
  event.waitUntil(caches.open(SHELL).then(cache => cache.addAll(FILES)).then(() => self.skipWaiting()));
});
self.addEventListener('activate', event => {
  event.waitUntil(caches.keys().then(names => Promise.all(names.filter(n => n !== SHELL && n !== DATA)
    .map(n => caches.delete(n)))).then(() => self.clients.claim()));
});

// A copy marked as one, so the page can say its data may be old.
async function marked(response) {
  const headers = new Headers(response.headers);
  headers.set('X-Wangge-Cached', '1');
  return new Response(await response.blob(), {status: response.status, statusText: response.statusText, headers});
}

async function networkFirst(request, key) {
  try {
    const response = await fetch(request);
    // Only a page or answer meant for this user is kept: not a redirect to the login form, not an error.
    if (response.ok && !response.redirected) (await caches.open(DATA)).put(key, response.clone());
    return response;
  } catch (e) {
    const copy = await caches.match(key, {cacheName: DATA});
    if (copy) return marked(copy);
    if (request.mode === 'navigate') {
      // Any task, report or need opens in the shell of its kind's page (it reads the id from the address).
      const prefix = SHELLS.find(p => new URL(key).pathname.startsWith(p) && /\d+$/.test(new URL(key).pathname));
      const shell = prefix ? await firstPageUnder(prefix) : await caches.match(new URL(key).pathname, {ignoreSearch: true});
      if (shell) return shell;
    }
    throw e;
  }
}

async function firstPageUnder(prefix) {
  const cache = await caches.open(DATA);
  const pages = (await cache.keys()).filter(r => new URL(r.url).pathname.startsWith(prefix)
    && /\d+$/.test(new URL(r.url).pathname));
  return pages.length ? cache.match(pages[0]) : undefined;
}

self.addEventListener('fetch', event => {
  const request = event.request, url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;  // tiles and writes pass untouched
  if (url.pathname.startsWith('/static/')) {
    event.respondWith(caches.match(request, {cacheName: SHELL}).then(hit => hit || fetch(request)));
  } else if (url.pathname.startsWith(`/${APP}/`) && url.pathname !== `/${APP}/sw.js`) {
    event.respondWith(networkFirst(request, url.href));
  } else if (url.pathname.startsWith('/api/v1/')) {
    event.respondWith(networkFirst(request, url.href));
  }
});

// A signed-in page asks for the tabs to be kept, so each opens offline even if not visited yet.
self.addEventListener('message', event => {
  if (!event.data || event.data.warm === undefined) return;
  const search = /^(\?lang=(zh|en))?$/.test(event.data.warm) ? event.data.warm : '';
  event.waitUntil(caches.open(DATA).then(cache => Promise.all(PAGES.map(async page => {
    try {
      const response = await fetch(page + search, {credentials: 'same-origin'});
      if (response.ok && !response.redirected) await cache.put(new URL(page + search, self.location.origin).href, response);
    } catch (e) { /* offline: the next page load tries again */ }
  }))));
});
