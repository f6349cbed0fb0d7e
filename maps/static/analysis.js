// The command center's analysis layers, all over one time window: the incident heat layer, H3 hexagons, the
// kernel-density surface, per-grid figures (rates, Gi* hot spots) for colouring the grids, and the early warnings.
// The window is the chosen period (days) ending a chosen number of weeks ago (the slider).
// C: {labels, heatPeriods, heatDays, steps: {hex}, hotspotColours}; W: the page's state; onGrids(): the per-grid
// figures changed (the grid layer restyles).
window.wanggeAnalysis = function (map, C, W, onGrids) {
  const T = C.labels;
  const {h, fill, seg, viewBox, fetchJson, colourOf, stepsLegend} = window.wanggeUtil;
  Object.assign(W, {heatPoints: 0, heatTotal: 0, heatDays: C.heatDays, weeksBack: 0, analysis: {}, analysisLoads: 0,
                    hexCells: 0, hexCases: 0, densityMax: null, densityLoads: 0, warnings: null});

  const windowEnd = () => new Date(Date.now() - W.weeksBack * 7 * 86400000);
  const period = () => {
    const to = windowEnd(), from = new Date(to.getTime() - W.heatDays * 86400000);
    return 'from=' + from.toISOString() + '&to=' + to.toISOString();
  };

  // Incidents as a heat layer, binned by the server to the zoom.
  const heat = L.heatLayer([], {radius: 20, blur: 15, minOpacity: 0.25});
  function loadHeat() {
    return fetchJson('/api/v1/cases/heat?zoom=' + map.getZoom() + '&bbox=' + viewBox(map) + '&' + period()).then(h => {
      // Saturate at the 95th percentile so one extreme cell does not leave the rest invisible (largest come first).
      const top = h.points.length ? h.points[Math.floor(h.points.length * 0.05)][2] : 1;
      heat.setOptions({max: Math.max(top, 1)});
      heat.setLatLngs(h.points);
      W.heatPoints = h.points.length;
      W.heatTotal = h.total;
    });
  }

  // H3 hexagons, their resolution following the zoom.
  const hexes = L.geoJSON(null, {style: f => ({weight: 0.5, color: '#666', fillColor: colourOf(C.steps.hex, f.properties.cases),
                                               fillOpacity: f.properties.cases ? 0.65 : 0.05})})
    .bindTooltip(l => h('span', null, T.cases_in_window + ': ' + l.feature.properties.cases));
  function loadHexes() {
    return fetchJson('/api/v1/analytics/hexbins?zoom=' + map.getZoom() + '&bbox=' + viewBox(map) + '&' + period())
      .then(fc => {
        hexes.clearLayers();
        hexes.addData(fc);
        W.hexCells = fc.features.length;
        W.hexCases = fc.features.reduce((n, f) => n + f.properties.cases, 0);
        drawLegend();
      });
  }

  // Kernel density as an image over the view.
  const density = L.layerGroup();
  function loadDensity() {
    const size = map.getSize(), bounds = map.getBounds();
    const url = '/api/v1/analytics/density.png?bbox=' + viewBox(map) + '&width=' + Math.min(size.x, 2048) +
      '&height=' + Math.min(size.y, 2048) + '&' + period();
    return fetch(url).then(r => r.ok ? r : Promise.reject(new Error(url + ': HTTP ' + r.status))).then(r => {
      W.densityMax = Number(r.headers.get('X-Density-Max'));
      return r.blob();
    }).then(blob => {
      density.clearLayers();
      L.imageOverlay(URL.createObjectURL(blob), bounds, {opacity: 0.85, className: 'density-overlay'}).addTo(density);
      W.densityLoads += 1;
      drawLegend();
    });
  }

  // Per-grid figures of the window (cases, rates, Gi*, local Moran) for colouring the grids.
  function loadGrids() {
    return fetchJson('/api/v1/analytics/hotspots?geometry=false&measure=per_100_households&' + period()).then(fc => {
      W.analysis = Object.fromEntries(fc.features.map(f => [f.id, f.properties]));
      W.analysisLoads += 1;
      onGrids();
    });
  }

  // The early-warning list: the week's unusual grids and categories; a click goes to the grid.
  // bottom left, beside the legend; on a phone there is room only top left, under the period
  const warningsBox = L.control({position: window.wanggeUtil.narrow() ? 'topleft' : 'bottomleft'});
  warningsBox.onAdd = () => { const d = L.DomUtil.create('div', 'wangge-kpis wangge-warnings'); d.id = 'warnings';
                              L.DomEvent.disableClickPropagation(d); return d; };
  function loadWarnings() {
    const day = windowEnd().toLocaleDateString('sv-SE', {timeZone: 'Asia/Shanghai'});  // YYYY-MM-DD in Beijing
    return fetchJson('/api/v1/analytics/warnings?on=' + day).then(found => {
      W.warnings = found.warnings.length;
      const box = document.getElementById('warnings');
      const message = T.lang === 'zh' ? 'message' : 'message_en';
      const go = grid => e => {
        e.preventDefault();
        fetchJson('/api/v1/grids/' + seg(grid) + '?simplify=0.0001').then(f => map.fitBounds(L.geoJSON(f).getBounds()));
      };
      fill(box, h('b', null, T.warnings), ' (' + found.warnings.length + ')',
        found.warnings.length ? found.warnings.slice(0, 5).map(w => h('div', null,
          h('a', {href: '#', 'data-grid': w.grid, onclick: go(w.grid)}, w[message]))) : h('div', null, T.no_warnings));
    });
  }

  // The window: a period and how many weeks back it ends.
  const control = L.control({position: 'topleft'});
  control.onAdd = () => {
    const d = L.DomUtil.create('div', 'wangge-period');
    d.append(h('label', null, T.heat_period + ' ', h('select', {id: 'heat-days'},
               C.heatPeriods.map(n => new Option(T['days_' + n], n, n === W.heatDays, n === W.heatDays)))),
             h('div', null, h('label', null, T.window_end + ' ',
               h('input', {id: 'weeks-back', type: 'range', min: -52, max: 0, value: 0}), ' ', h('span', {id: 'window-end'}))));
    L.DomEvent.disableClickPropagation(d);
    d.querySelector('select').addEventListener('change', e => {
      W.heatDays = Number(e.target.value);
      if (!map.hasLayer(heat) && !map.hasLayer(hexes) && !map.hasLayer(density)) map.addLayer(heat);  // show something
      reload();
    });
    d.querySelector('input').addEventListener('input', e => { W.weeksBack = -Number(e.target.value); showEnd(); });
    d.querySelector('input').addEventListener('change', () => { reload(); loadWarnings(); });
    return d;
  };
  control.addTo(map);
  warningsBox.addTo(map);  // after the period: under it when both are top left
  const showEnd = () => { document.getElementById('window-end').textContent =
    windowEnd().toLocaleDateString('zh-CN', {timeZone: 'Asia/Shanghai'}); };
  showEnd();

  // Legends of the analysis overlays shown.
  const legend = L.control({position: 'bottomright'});
  legend.onAdd = () => L.DomUtil.create('div', 'wangge-legend wangge-analysis-legend');
  legend.addTo(map);
  function drawLegend() {
    const d = legend.getContainer();
    const parts = [];
    if (map.hasLayer(hexes)) {
      parts.push(h('div', null, h('b', null, T.hexagons), ' (' + T.cases_in_window + ')', stepsLegend(C.steps.hex)));
    }
    if (map.hasLayer(density) && W.densityMax !== null) {
      parts.push(h('div', null, h('b', null, T.density), h('div', null, h('i', {class: 'ramp'}), ' 0 – ',
                                  h('span', {id: 'density-max'}, W.densityMax.toFixed(0)), ' ' + T.density_unit)));
    }
    fill(d, parts);
    d.style.display = parts.length ? '' : 'none';
  }
  drawLegend();

  const shown = [[heat, loadHeat], [hexes, loadHexes], [density, loadDensity]];
  function reload() {
    for (const [layer, load] of shown) if (map.hasLayer(layer)) load();
    if (W.analysisWanted) loadGrids();
  }
  map.on('overlayadd', e => { for (const [layer, load] of shown) if (e.layer === layer) load(); drawLegend(); });
  map.on('overlayremove', drawLegend);
  map.on('moveend', () => { for (const [layer, load] of shown) if (map.hasLayer(layer)) load(); });
  loadWarnings();
  setInterval(() => { reload(); loadWarnings(); }, 60000);
  return {overlays: {[T.heat]: heat, [T.hexagons]: hexes, [T.density]: density},
          wantGrids: () => { W.analysisWanted = true; return loadGrids(); }};
};
