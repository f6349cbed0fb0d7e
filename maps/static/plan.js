// The plan page: a draft's grids over the boundaries in force, its problems and its impact, and the editing tools.
// Click a grid to select it (shift-click for more); draw a line to split the selected grid, or a polygon to hand that
// land to it, or click a building to hand it over; merge, undo, redo and publish from the panel. Every edit reloads the plan, its validation and its impact.
// Grid, building and plan names and the problems' messages go into the DOM as text (wanggeUtil.h).
// C: {labels, plan: id, gridsMinZoom: the zoom from which the grids in force are outlined}
window.wanggeUtil.start((leafletMap, C) => {
  const [map, T, W] = window.wanggeUtil.page(leafletMap, C.labels, {
    plan: null, version: 0, valid: null, buildings: 0, errors: 0, warnings: 0, grids: 0, selected: [], moved: 0, edits: 0,
    lastError: null});
  const {esc, h, fill, seg, tiles, fetchJson} = window.wanggeUtil;
  const tip = text => h('span', null, text);
  const base = '/api/v1/plans/' + seg(C.plan);

  L.vectorGrid.protobuf(tiles('grids'), {vectorTileLayerStyles: {grids: () => ({weight: 1, color: '#888',
    dashArray: '4 4', fill: false})}, interactive: false, maxNativeZoom: 18, minZoom: C.gridsMinZoom,
    rendererFactory: L.svg.tile}).addTo(map);
  const gridStyle = f => W.selected.includes(f.id)
    ? {color: '#08519c', weight: 4, fillColor: '#6baed6', fillOpacity: 0.45}
    : {color: '#08519c', weight: 2, fillColor: '#c6dbef', fillOpacity: 0.25};
  const grids = L.geoJSON(null, {style: gridStyle, onEachFeature: (f, layer) => {
    layer.bindTooltip(tip(f.properties.name + ' ' + f.id.slice(-3)), {sticky: true});
    layer.on('click', e => {
      W.selected = e.originalEvent.shiftKey ? [...new Set([...W.selected, f.id])] : [f.id];
      grids.setStyle(gridStyle);
      drawPanel();
    });
  }}).addTo(map);
  const problems = L.geoJSON(null, {style: {color: '#cb181d', weight: 3, fillColor: '#fb6a4a', fillOpacity: 0.6},
                                    pointToLayer: (f, ll) => L.circleMarker(ll, {radius: 7, className: 'plan-problem'})})
    .addTo(map);
  const moved = L.layerGroup().addTo(map);
  // Buildings: with one grid selected, a click hands the building (and the land around it) to that grid.
  const buildings = L.geoJSON(null, {pointToLayer: (f, ll) => L.circleMarker(ll, {radius: 5, color: '#54278f',
                                                                                    weight: 1, fillOpacity: 0.7,
                                                                                    className: 'plan-building'}),
                                     style: {color: '#54278f', weight: 1, fillOpacity: 0.5},
                                     onEachFeature: (f, layer) => {
    layer.bindTooltip(tip(f.properties.name));
    layer.on('click', e => {
      L.DomEvent.stopPropagation(e);
      if (W.selected.length !== 1) { say(T.plan_select_one); return; }
      edit('reassign', {to: W.selected[0], buildings: [f.properties.id]});
    });
  }}).addTo(map);
  // Leaflet writes layer names as HTML: ours are our own words, escaped all the same.
  L.control.layers(null, {[esc(T.plan_grids)]: grids, [esc(T.buildings)]: buildings, [esc(T.plan_problems)]: problems,
                           [esc(T.plan_moved)]: moved}, {collapsed: window.wanggeUtil.narrow()}).addTo(map);

  // Drawing: a line splits the selected grid, a polygon hands its land to the selected grid.
  drawWords(L.drawLocal.draw, T);
  const drawn = new L.FeatureGroup().addTo(map);
  new L.Control.Draw({draw: {polyline: {shapeOptions: {color: '#e6550d'}}, polygon: {shapeOptions: {color: '#e6550d'}},
                             rectangle: false, circle: false, marker: false, circlemarker: false},
                      edit: false}).addTo(map);
  map.on(L.Draw.Event.CREATED, e => {
    const geometry = e.layer.toGeoJSON().geometry;
    if (W.selected.length !== 1) { say(T.plan_select_one); return; }
    if (geometry.type === 'LineString') edit('split', {code: W.selected[0], line: geometry});
    else edit('reassign', {to: W.selected[0], area: geometry});
  });

  let report = null, effect = null;
  const panel = document.getElementById('case-panel');
  const say = text => { W.lastError = text; drawPanel(); };
  function edit(op, body) {
    return fetch(base + '/' + op, {method: 'POST', headers: {'Content-Type': 'application/json'},
                                   body: body ? JSON.stringify(body) : undefined})
      .then(r => r.json().then(j => ({ok: r.ok, j})))
      .then(({ok, j}) => { if (!ok) { say([j.detail].concat(j.problems || []).join('；')); return; } W.lastError = null; W.edits += 1; load(); });
  }
  function load() {
    return Promise.all([fetchJson(base), fetchJson(base + '/validation'), fetchJson(base + '/impact')])
      .then(([plan, validation, impact]) => {
        W.plan = plan.plan; W.version = plan.plan.version; W.grids = plan.features.length;
        grids.clearLayers(); grids.addData(plan);
        W.selected = W.selected.filter(code => plan.features.some(f => f.id === code));
        report = validation; W.valid = validation.valid; W.errors = validation.errors; W.warnings = validation.warnings;
        problems.clearLayers();
        validation.problems.filter(p => p.geometry).forEach(p => problems.addData({type: 'Feature', geometry: p.geometry,
                                                                                    properties: p}));
        problems.eachLayer(l => l.bindTooltip(tip(l.feature.properties.message)));
        effect = impact; W.moved = impact.moved_buildings.length;
        moved.clearLayers();
        impact.moved_buildings.forEach(b => L.circleMarker([b.lat, b.lon], {radius: 6, color: '#54278f', fillOpacity: 0.9,
                                                                            className: 'moved-building'})
          .bindTooltip(tip(b.name + ': ' + b.from.slice(-3) + ' → ' + (b.to ? b.to.slice(-3) : '–'))).addTo(moved));
        if (!W.fitted && plan.features.length) {
          window.wanggeUtil.fit(map, grids.getBounds(), {animate: false});
          W.fitted = true;
          loadBuildings(grids.getBounds());
        }
        drawPanel();
      });
  }
  function loadBuildings(bounds) {
    const bbox = [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()].map(v => v.toFixed(6));
    return fetchJson('/api/v1/buildings?limit=5000&bbox=' + bbox.join(',')).then(fc => {
      buildings.clearLayers(); buildings.addData(fc); W.buildings = fc.features.length;
    });
  }
  // Boundaries change on Beijing days, whatever the browser's clock zone.
  const beijingToday = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  const button = (id, label, onclick) => h('button', {id, onclick}, label);
  const tools = () => [h('div', null, button('merge', T.plan_merge, () => edit('merge', {codes: W.selected})), ' ',
                         button('undo', T.plan_undo, () => edit('undo')), ' ', button('redo', T.plan_redo, () => edit('redo'))),
    h('p', null, T.plan_effective + ' ', h('input', {type: 'date', id: 'effective', value: beijingToday(), min: beijingToday()}),
      ' ', button('publish', T.plan_publish, () => edit('publish', {effective_from: panel.querySelector('#effective').value})))];
  const both = (r, k) => (r[k + '_before'] === null ? '–' : r[k + '_before']) + ' → ' + (r[k + '_after'] === null ? '–' : r[k + '_after']);
  // A problem in the list: a click shows where it is.
  const problemItem = p => h('li', {class: p.severity}, h('a', {href: '#', onclick: e => {
    e.preventDefault();
    if (p.geometry) map.fitBounds(L.geoJSON(p.geometry).getBounds(), {maxZoom: 18});
  }}, p.message));
  const cells = (tag, values) => h('tr', null, values.map(v => h(tag, null, v)));
  function drawPanel() {
    if (!W.plan) return;
    const status = W.valid ? h('span', {class: 'ok'}, T.plan_valid)
      : h('span', {class: 'bad'}, T.plan_invalid + ' (' + W.errors + ')');
    const balance = effect.balance.after;
    fill(panel, 
      h('b', {id: 'plan-name'}, W.plan.name), ' · ' + T.plan_version + ' ' + W.version,
      h('div', null, status, ', ' + T.warnings_count + ' ' + W.warnings),
      W.lastError ? h('div', {class: 'bad', id: 'plan-error'}, W.lastError) : null,
      h('p', null, T.plan_help),
      h('p', null, T.plan_selected + ': ', h('span', {id: 'selected'}, W.selected.map(c => c.slice(-3)).join(', ') || T.none)),
      W.plan.status === 'draft' ? tools()
        : h('p', {id: 'plan-status'}, T['plan_status_' + W.plan.status] + ' ' + (W.plan.effective_from || '')),
      h('ol', {class: 'problems'}, report.problems.map(problemItem)),
      h('b', null, T.plan_impact), ' (' + T.plan_target + ' ' + effect.target_households.join('–') + ': ' +
        (balance.within || 0) + '/' + balance.grids + ')',
      h('table', {class: 'impact'}, cells('th', [T.grids, '', T.households, T.cases]),
        effect.grids.map(r => cells('td', [r.code.slice(-3), T['grid_' + r.status], both(r, 'households'),
                                            both(r, 'open_cases')]))));
  }
  load();
});

// Leaflet.draw's buttons and hints in the page's words (it ships English only). Leaflet.draw writes the error as
// HTML: ours is a catalog word, escaped all the same.
function drawWords(D, T) {
  const esc = window.wanggeUtil.esc;
  Object.assign(D.toolbar.buttons, {polyline: T.draw_line, polygon: T.draw_polygon});
  Object.assign(D.toolbar.actions, {title: T.draw_cancel, text: T.cancel});
  Object.assign(D.toolbar.finish, {title: T.draw_finish, text: T.draw_finish_short});
  Object.assign(D.toolbar.undo, {title: T.draw_undo, text: T.draw_undo_short});
  Object.assign(D.handlers.polyline.tooltip, {start: T.draw_line_start, cont: T.draw_line_cont, end: T.draw_line_end});
  Object.assign(D.handlers.polygon.tooltip, {start: T.draw_polygon_start, cont: T.draw_polygon_cont,
                                             end: T.draw_polygon_end});
  D.handlers.polyline.error = esc(T.draw_cross);
}
