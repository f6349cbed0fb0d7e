// Helpers shared by the map pages.

// GCJ-02, the datum Chinese basemaps (AMap, Tencent) are drawn in: a Web Mercator CRS whose projection first
// shifts WGS84 to GCJ-02, so data in WGS84 lands on the right street of such a basemap, and clicks unproject back
// to WGS84. The formulas are geo/crs.py's; the inverse iterates the same way.
L.CRS.GCJ02 = (function () {
  const A = 6378245.0, EE = 0.00669342162296594323, PI = Math.PI;
  const inChina = (lon, lat) => lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271;
  const latShift = (x, y) => -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x)) +
    (20 * Math.sin(6 * x * PI) + 20 * Math.sin(2 * x * PI)) * 2 / 3 + (20 * Math.sin(y * PI) + 40 * Math.sin(y / 3 * PI)) * 2 / 3 +
    (160 * Math.sin(y / 12 * PI) + 320 * Math.sin(y * PI / 30)) * 2 / 3;
  const lonShift = (x, y) => 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x)) +
    (20 * Math.sin(6 * x * PI) + 20 * Math.sin(2 * x * PI)) * 2 / 3 + (20 * Math.sin(x * PI) + 40 * Math.sin(x / 3 * PI)) * 2 / 3 +
    (150 * Math.sin(x / 12 * PI) + 300 * Math.sin(x / 30 * PI)) * 2 / 3;
  function toGcj(lon, lat) {
    if (!inChina(lon, lat)) return [lon, lat];
    const rad = lat / 180 * PI, magic = 1 - EE * Math.sin(rad) ** 2, sq = Math.sqrt(magic);
    const dlat = latShift(lon - 105, lat - 35) * 180 / ((A * (1 - EE)) / (magic * sq) * PI);
    const dlon = lonShift(lon - 105, lat - 35) * 180 / (A / sq * Math.cos(rad) * PI);
    return [lon + dlon, lat + dlat];
  }
  function toWgs(lon, lat) {
    let x = lon, y = lat;
    for (let i = 0; i < 30; i++) {
      const [gx, gy] = toGcj(x, y);
      if (Math.abs(gx - lon) < 1e-9 && Math.abs(gy - lat) < 1e-9) break;
      x -= gx - lon; y -= gy - lat;
    }
    return [x, y];
  }
  const merc = L.Projection.SphericalMercator;
  const projection = {
    project: ll => { const [x, y] = toGcj(ll.lng, ll.lat); return merc.project(L.latLng(y, x)); },
    unproject: p => { const ll = merc.unproject(p); const [x, y] = toWgs(ll.lng, ll.lat); return L.latLng(y, x); },
    bounds: merc.bounds,
  };
  return L.extend({}, L.CRS.EPSG3857, {code: 'GCJ02', projection: projection, toGcj: toGcj, toWgs: toWgs});
})();

// Shared helpers of the map pages. User and API text enters the DOM only as text: through h() (strings become text
// nodes), textContent, or esc() where a library insists on an HTML string (Leaflet's attribution and layer names).
window.wanggeUtil = (function () {
  const esc = s => String(s === null || s === undefined ? '' : s)
    .replace(/[&<>"']/g, ch => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[ch]));

  // An element with attributes and children. Strings and numbers become text nodes, never markup; `style` is an
  // object set through the CSSOM (which the pages' CSP allows, unlike style attributes); on<event> adds a listener.
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'class') el.className = value;
      else if (key === 'style') Object.assign(el.style, value);
      else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? '' : value);
    }
    el.append(...nodes(children));
    return el;
  }
  // Children as DOM nodes: nested lists flattened, null/undefined/false left out, the rest as text.
  const nodes = children => children.flat(Infinity).filter(c => c !== null && c !== undefined && c !== false)
    .map(c => (c instanceof Node ? c : String(c)));

  // Whether the screen is a phone's (pages.css's breakpoint): controls collapse, the panel becomes a bottom sheet.
  const narrow = () => window.matchMedia('(max-width: 600px)').matches;

  // Fit the map to bounds; on a phone the panel is a sheet over the lower 42% of the map (pages.css): above it.
  const fit = (map, bounds, options) => map.fitBounds(bounds, Object.assign({paddingBottomRight:
    narrow() && document.getElementById('case-panel') ? [0, Math.round(window.innerHeight * 0.42)] : [0, 0]}, options));

  // The basemap's attribution as Leaflet wants it (HTML), its text and link escaped.
  const attribution = b => b.attribution_url
    ? '<a href="' + esc(b.attribution_url) + '">' + esc(b.attribution) + '</a>' : esc(b.attribution);

  // Leaflet names the layer switcher's button "Layers" whatever the page's language: name it in the page's words.
  function layersInWords(T) {
    const layout = L.Control.Layers.prototype._initLayout;
    L.Control.Layers.include({_initLayout: function () {
      layout.call(this);
      if (T.layers) this._layersLink.title = T.layers;
    }});
  }

  // The page's map from its config: CRS, basemap (with its overlay), zoom buttons in the page's words, scale,
  // fitted to the bounds.
  function makeMap(V, T) {
    const map = L.map('map', {crs: V.crs === 'GCJ02' ? L.CRS.GCJ02 : L.CRS.EPSG3857, maxZoom: V.maxZoom,
                              zoomControl: false});
    L.control.zoom({zoomInTitle: T.zoom_in, zoomOutTitle: T.zoom_out}).addTo(map);
    if (V.basemap) {
      for (const url of [V.basemap.url, V.basemap.overlay_url].filter(Boolean)) {
        L.tileLayer(url, {attribution: attribution(V.basemap), subdomains: V.basemap.subdomains, maxZoom: V.maxZoom,
                          maxNativeZoom: 18}).addTo(map);
      }
    }
    L.control.scale({imperial: false}).addTo(map);  // metres only, as Chinese maps show
    map.attributionControl.setPrefix(false);  // only the attribution the configured basemap asks for
    fit(map, V.bounds);
    return map;
  }

  return {
    esc, h,
    // Replace an element's children (as h() takes them).
    fill: (el, ...children) => { el.replaceChildren(...nodes(children)); return el; },
    // Run a page: its config from the JSON block the server rendered (escaped for HTML by Jinja's tojson), its map.
    start: init => {
      const C = JSON.parse(document.getElementById('page-config').textContent);
      layersInWords(C.labels);
      init(makeMap(C.map, C.labels), C);
    },
    // A page's state for tests and benchmarks: window.wangge, holding the map.
    page: (map, labels, state) => {
      window.wangge = Object.assign({map: map}, state);
      return [map, labels, window.wangge];
    },
    narrow, fit,
    // The URL template of one of our vector tile layers, in the datum the page's basemap is drawn in.
    tiles: layer => '/tiles/' + layer + '/{z}/{x}/{y}.mvt' +
      (window.wangge && window.wangge.map.options.crs === L.CRS.GCJ02 ? '?datum=gcj02' : ''),
    // The map's view as the API's bbox parameter (WGS84).
    viewBox: map => {
      const b = map.getBounds();
      return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(v => v.toFixed(6)).join(',');
    },
    // The colour of value n on a legend of [min, colour] steps (the last step whose min n reaches).
    colourOf: (steps, n) => { let c = steps[0][1]; for (const [min, col] of steps) { if (n >= min) c = col; } return c; },
    // A legend's lines for [min, colour] steps: counts read "0", "1–2", …, "10+"; rates "0–5", …, "40+".
    stepsLegend: (steps, counts = true) => steps.map(([min, col], i) => {
      const next = i + 1 < steps.length ? steps[i + 1][0] : null;
      const upper = next === null ? '+' : counts ? (next - 1 > min ? '–' + (next - 1) : '') : '–' + next;
      return h('div', null, h('i', {style: {background: col}}), ' ', h('span', {class: 'step'}, min + upper));
    }),
    // GET JSON, failing on HTTP errors (an expired login, a bad request) instead of drawing nothing silently.
    fetchJson: url => fetch(url).then(r => r.ok ? r.json() : Promise.reject(new Error(url + ': HTTP ' + r.status))),
    // A path segment of ours (a grid code, an id) made safe for a URL.
    seg: s => encodeURIComponent(String(s)),
    // A staff member as the pages list them: name (duty) phone.
    staffLine: (s, T) => h('li', null, s.name + ' (' + (T[s.duty] || s.duty) + ')' + (s.phone ? ' ' + s.phone : '')),
    // A timestamp in Beijing time, the way the users read it.
    when: (s, none) => s ? new Date(s).toLocaleString('zh-CN', {timeZone: 'Asia/Shanghai', hour12: false,
      year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit'}) : none,
  };
})();
