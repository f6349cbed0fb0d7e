// Shared by the app's pages: config and words, DOM helpers (text only through text nodes), API reads that fall back
// to the service worker's copy, the offline and outbox banners, the photo picker and the category picker.
window.m = (function () {
  const config = JSON.parse(document.getElementById('page-config').textContent);
  const LABELS = config.labels;
  const q = config.lang === 'en' ? '?lang=en' : '';
  const T = (key, vars) => String(LABELS[key] === undefined ? key : LABELS[key])
    .replace(/\{(\w+)\}/g, (all, name) => (vars && vars[name] !== undefined ? vars[name] : all));

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'class') el.className = value;
      else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? '' : value);
    }
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : String(c));
    }
    return el;
  }
  const $ = id => document.getElementById(id);
  const clear = (el, ...children) => { el.replaceChildren(); children.flat().forEach(c => c && el.append(c)); };

  // GET JSON; `cached` is true when the service worker answered from its copy (offline).
  async function get(url) {
    const response = await fetch(url, {credentials: 'same-origin', headers: {Accept: 'application/json'}});
    if (response.status === 401) {  // the residents' pages have their own sign-in
      location.href = location.pathname.startsWith('/r/') ? '/r/login' + q
        : '/m/login?next=' + encodeURIComponent(location.pathname + location.search);
      throw new Error('401');
    }
    const data = await response.json().catch(() => null);
    if (!response.ok) throw new Error(data && data.detail ? data.detail : String(response.status));
    return {data, cached: response.headers.get('X-Wangge-Cached') === '1'};
  }

  // Haversine distance in metres between [lon, lat] points.
  function metres(a, b) {
    const r = Math.PI / 180, dlat = (b[1] - a[1]) * r, dlon = (b[0] - a[0]) * r;
    const s = Math.sin(dlat / 2) ** 2 + Math.cos(a[1] * r) * Math.cos(b[1] * r) * Math.sin(dlon / 2) ** 2;
    return 2 * 6371008.8 * Math.asin(Math.sqrt(s));
  }
  function span(ms) {
    const minutes = Math.max(0, Math.round(Math.abs(ms) / 60000));
    if (minutes >= 2880) return T('m_days', {n: Math.round(minutes / 1440)});
    if (minutes >= 120) return T('m_hours', {n: Math.round(minutes / 60)});
    return T('m_minutes', {n: minutes});
  }
  const when = iso => (iso ? new Date(iso).toLocaleString(config.lang === 'en' ? 'en-GB' : 'zh-CN',
    {month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Shanghai'}) : '');
  const day = iso => (iso ? new Date(iso).toLocaleDateString(config.lang === 'en' ? 'en-GB' : 'zh-CN',
    {year: 'numeric', month: 'numeric', day: 'numeric', timeZone: 'Asia/Shanghai'}) : '');

  // Banners: 离线 while offline, 待上传 N 条 while the outbox holds writes, and refusals until dismissed.
  async function banners() {
    $('net-banner').hidden = navigator.onLine;
    const n = await wanggeQueue.count().catch(() => 0);
    const queue = $('queue-banner');
    queue.hidden = !n;
    queue.textContent = T('m_queued', {n});
    const refusals = wanggeQueue.refusals();
    clear($('refusals'), refusals.length ? h('div', {class: 'refusal'},
      h('b', {}, T('m_refused')),
      refusals.map(r => h('p', {}, r.label ? r.label + '：' : '', r.detail)),
      h('button', {type: 'button', class: 'link', onclick: () => { wanggeQueue.clearRefusals(); banners(); }},
        T('m_dismiss'))) : null);
  }
  window.addEventListener('online', banners);
  window.addEventListener('offline', banners);
  window.addEventListener('wangge-queue', banners);

  // Another account on this phone (a shared phone, or a login after the cookie ran out): what the service worker
  // kept of the last one's data is not this one's to see offline.
  if (config.user && localStorage.getItem('wangge-user') !== config.user) {
    if (window.caches) caches.keys().then(names => names.filter(n => /^wangge-[mr]-data/.test(n))
      .forEach(n => caches.delete(n))).catch(() => null);
    sessionStorage.removeItem('wangge-warm' + q);
    localStorage.setItem('wangge-user', config.user);
  }

  if ('serviceWorker' in navigator) {
    const app = document.body.classList.contains('r') ? '/r/' : '/m/';  // the residents' pages or the field app
    navigator.serviceWorker.register(app + 'sw.js', {scope: app}).catch(() => null);
    // once per session: on a weak connection every page load must not fetch all the tabs again
    if (!sessionStorage.getItem('wangge-warm' + q)) navigator.serviceWorker.ready.then(r => {
      if (r.active) { r.active.postMessage({warm: q}); sessionStorage.setItem('wangge-warm' + q, '1'); }
    }).catch(() => null);
  }

  // Logging out keeps the outbox (it is sent after the next login) but drops the cached pages and data.
  const logout = $('logout-form');
  if (logout) logout.addEventListener('submit', async event => {
    event.preventDefault();
    const n = await wanggeQueue.count().catch(() => 0);
    if (n && !confirm(T('m_logout_queued'))) return;
    if (window.caches) for (const name of await caches.keys()) if (/^wangge-[mr]-data/.test(name)) await caches.delete(name);
    logout.submit();
  });

  // Photos from the camera: kept as Files (Blobs) until the write is stored in the outbox.
  function photoPicker(input, list) {
    const files = [];
    const show = () => clear(list, files.map((file, i) => h('figure', {class: 'thumb'},
      h('img', {src: URL.createObjectURL(file), alt: ''}),
      h('button', {type: 'button', class: 'x', 'aria-label': '×', onclick: () => { files.splice(i, 1); show(); }}, '×'))),
      files.length ? h('span', {class: 'count'}, T('m_photos_n', {n: files.length})) : null);
    input.addEventListener('change', () => { files.push(...input.files); input.value = ''; show(); });
    return {files, reset: () => { files.length = 0; show(); }};
  }
  const photoRequests = (files, url) => files.map(file => ({method: 'POST', url, file: {blob: file, name: file.name || 'photo.jpg'}}));

  // Category picker: chips filtered by the search box; returns () => chosen code.
  async function categoryPicker(search, list) {
    let chosen = null, all = [];
    const name = c => (config.lang === 'en' ? c.name_en : c.name);
    const show = () => {
      const text = search.value.trim().toLowerCase();
      const found = all.filter(c => !text || name(c).toLowerCase().includes(text) || c.name.includes(text));
      clear(list, found.slice(0, 40).map(c => h('button', {type: 'button', role: 'option', class: 'chip' + (c.code === chosen ? ' on' : ''),
        'aria-selected': c.code === chosen ? 'true' : 'false', 'data-code': c.code,
        onclick: () => { chosen = c.code; show(); list.dispatchEvent(new Event('change')); }}, name(c))),
      found.length ? null : h('p', {class: 'empty'}, T('category_no_match')));
    };
    search.addEventListener('input', show);
    try { all = (await get('/api/v1/categories')).data; } catch (e) { all = []; }
    show();
    return {code: () => chosen, label: () => { const c = all.find(x => x.code === chosen); return c ? name(c) : ''; },
            reset: () => { chosen = null; search.value = ''; show(); }};
  }

  // A Leaflet map on the configured basemap (none by default: then our own data is the map), with the caller's grid
  // outlined and its buildings drawn, so a worker can find the place without any other map. `own: false` leaves the
  // buildings to a page that draws them itself. Returns the map; `map.grid` resolves to the grid's feature (or null).
  function map(el, center, zoom, options) {
    const V = config.map || {};
    const view = window.L.map(el, {crs: V.crs === 'GCJ02' ? L.CRS.GCJ02 : L.CRS.EPSG3857, maxZoom: 19,
                                   zoomControl: true, attributionControl: !!V.basemap}).setView([center[1], center[0]], zoom || 17);
    if (V.basemap) {
      view.attributionControl.setPrefix(false);
      for (const url of [V.basemap.url, V.basemap.overlay_url].filter(Boolean)) {
        L.tileLayer(url, {subdomains: V.basemap.subdomains, maxZoom: 19, maxNativeZoom: 18,
                          attribution: V.basemap.attribution.replace(/[&<>"']/g, c => '&#' + c.charCodeAt(0) + ';')}).addTo(view);
      }
    }
    view.grid = context(view, !(options && options.own === false));
    return view;
  }

  // A resident's map: at their home with their compound outlined (config.home), else the service's middle.
  function homeMap(el, zoom) {
    const home = config.home || {lon: 116.4, lat: 39.9};
    const view = map(el, [home.lon, home.lat], home.compound ? zoom : 12);
    if (home.outline) L.geoJSON(home.outline, {interactive: false, style: {color: '#c62828', weight: 3, opacity: 0.8,
      fill: true, fillColor: '#c62828', fillOpacity: 0.05, dashArray: '8 6'}}).addTo(view);
    return view;
  }

  async function context(view, buildings) {
    if (!config.grid) return null;
    const g = encodeURIComponent(config.grid);
    const [grid, houses] = await Promise.all([get('/api/v1/grids/' + g).catch(() => null),
      buildings ? get('/api/v1/buildings?grid=' + g + '&limit=1000').catch(() => null) : null]);
    if (grid) L.geoJSON(grid.data, {interactive: false, style: {color: '#1565c0', weight: 3, opacity: 0.8, fill: true,
      fillColor: '#1565c0', fillOpacity: 0.04, dashArray: '8 6'}}).addTo(view);
    if (houses) L.geoJSON(houses.data, {
      style: {color: '#78909c', weight: 1, fillColor: '#cfd8dc', fillOpacity: 0.7},
      pointToLayer: (f, latlng) => L.circleMarker(latlng, {radius: 5, color: '#78909c', weight: 1, fillColor: '#cfd8dc', fillOpacity: 0.9}),
      onEachFeature: (f, layer) => { if (f.properties.name) layer.bindTooltip(h('span', {}, f.properties.name)); },
    }).addTo(view);
    return grid ? grid.data : null;
  }

  wanggeQueue.flush().then(banners);
  banners();
  return {config, T, h, $, clear, get, metres, span, when, day, q, banners, photoPicker, photoRequests, categoryPicker, map, homeMap};
})();
