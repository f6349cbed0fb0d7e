// The command center: boundaries as vector tiles (grids coloured by open or overdue cases, by cases per 1,000
// residents or by Gi* hot spots), drill-down from a street to a community to a grid, open cases clustered, grid
// staff, the KPI panel, and the analysis layers of analysis.js. Cases, staff and KPIs reload every minute and on
// every move; grid colours every 5 minutes.
// Every text from the API goes into the DOM as text (wanggeUtil.h), popups included.
// C: {labels, steps: {open, overdue, rate, hex}, hotspotColours, status, can: {cases, staff, tracks},
//     minZoom: {streets, communities, grids, staff, buildings}, heatDays, heatPeriods, partyColours, field}
window.wanggeUtil.start((leafletMap, C) => {
  const [map, T, W] = window.wanggeUtil.page(leafletMap, C.labels, {
    cases: 0, loads: 0, gridFeatures: 0, boundaryFeatures: 0, kpis: null, drilled: null, gridClicked: null, measure: 'open',
    staffGrids: 0});
  const {esc, h, fill, seg, when, tiles, viewBox, fetchJson, colourOf, stepsLegend, staffLine, narrow} = window.wanggeUtil;
  const MEASURES = ['open', 'overdue', 'rate', 'hotspot'];
  // A grid's fill for the chosen measure; the per-grid analysis (rates, Gi*) comes from analysis.js.
  const gridFill = p => {
    const a = W.analysis[p.code];
    if (W.measure === 'hotspot') return C.hotspotColours[(a && a.hotspot) || 'not_significant'];
    if (W.measure === 'rate') return a && a.per_1000_residents !== null ? colourOf(C.steps.rate, a.per_1000_residents) : '#ffffff';
    return colourOf(C.steps[W.measure], W.measure === 'open' ? p.open_cases : p.overdue_cases);
  };
  const tileOptions = (layer, style) => ({
    vectorTileLayerStyles: {[layer]: p => { W.boundaryFeatures += 1; return style(p); }}, interactive: true, maxNativeZoom: 18, minZoom: C.minZoom[layer] || 0,
    getFeatureId: f => f.properties.code, rendererFactory: L.svg.tile,
  });

  // Boundaries. Grids appear from minZoom.grids on; below it a click finds the community through /locate.
  const grids = L.vectorGrid.protobuf(tiles('grids'), tileOptions('grids', p => {
    W.gridFeatures += 1;
    return {weight: 1, color: '#555', fill: true, fillColor: gridFill(p), fillOpacity: 0.65};
  })).on('click', e => {
    const p = e.layer.properties;
    if (W.drilled !== p.parent_code) { drill(p.parent_code); return; }
    W.gridClicked = p.code;
    L.popup().setLatLng(e.latlng).setContent(gridPopup(p, W.analysis[p.code])).openOn(map);
  });
  const dash = v => (v === null ? '–' : v);
  const gridPopup = (p, a) => h('div', null, h('b', null, p.name),
    h('div', null, T.open_cases + ': ' + p.open_cases), h('div', null, T.overdue + ': ' + p.overdue_cases),
    a ? [h('div', null, T.cases_in_window + ': ' + a.cases), h('div', null, T.measure_rate + ': ' + dash(a.per_1000_residents)),
         h('div', null, 'Gi* z: ' + dash(a.gi_z) + ' (p = ' + dash(a.gi_p) + ')' + (a.hotspot ? ' · ' + T[a.hotspot] : ''))]
      : null,
    h('a', {href: '/maps/grids/' + seg(p.code)}, T.details));
  const communities = L.vectorGrid.protobuf(tiles('communities'), tileOptions('communities',
      () => ({weight: 2, color: '#d94801', fill: false})));
  const streets = L.vectorGrid.protobuf(tiles('streets'), tileOptions('streets',
      () => ({weight: 4, color: '#54278f', fill: false})));
  const districts = L.vectorGrid.protobuf(tiles('districts'), tileOptions('districts',
      () => ({weight: 5, color: '#3f007d', fill: false, dashArray: '8 4'})));
  function drill(code) {
    if (W.drilled) communities.resetFeatureStyle(W.drilled);
    communities.setFeatureStyle(code, {weight: 5, color: '#a63603', fill: false});
    W.drilled = code;
    fetchJson('/api/v1/communities/' + seg(code) + '?simplify=0.0001').then(f => map.fitBounds(L.geoJSON(f).getBounds()));
  }
  map.on('click', e => {
    if (map.getZoom() >= C.minZoom.grids) return;  // the grid layer handles its own clicks
    fetchJson('/api/v1/locate?lon=' + e.latlng.lng.toFixed(6) + '&lat=' + e.latlng.lat.toFixed(6))
      .then(found => { if (found.community) drill(found.community.code); }, () => {});
  });

  // Open cases, clustered, coloured by status (red when overdue), bigger when urgent.
  const cluster = L.markerClusterGroup({showCoverageOnHover: false});
  const casePopup = c => h('div', null, h('b', null, c.category.name || c.category.code),
    h('div', null, T.status + ': ' + (T['status_' + c.status] || c.status)),
    h('div', null, T.reported + ': ' + when(c.reported_at, T.none)),
    h('div', null, T.assignee + ': ' + (c.assignee ? c.assignee.name : T.none)),
    h('div', null, T.due + ': ' + when(c.due_at, T.none)),
    h('a', {href: '/maps/cases/' + seg(c.id)}, T.details));
  function loadCases() {
    if (!C.can.cases) { W.loads += 1; return null; }
    return fetchJson('/api/v1/cases?open=true&limit=1000&bbox=' + viewBox(map)).then(page => {
      cluster.clearLayers();
      for (const c of page.items) {
        L.circleMarker([c.lat, c.lon], {radius: c.urgency === 'urgent' ? 9 : 6, color: '#fff', weight: 1,
                                        fillColor: c.overdue ? '#d7301f' : (C.status[c.status] || '#3182bd'),
                                        fillOpacity: 0.9, className: 'case-marker'})
          .bindPopup(() => casePopup(c)).addTo(cluster);
      }
      W.cases = page.items.length;
      W.loads += 1;
    });
  }

  // Grid staff: one marker per grid, only when zoomed in far enough for them to be told apart.
  const staff = L.layerGroup();
  const staffPopup = p => h('div', null, h('b', null, p.name + ' · ' + T.grid_staff),
    h('ul', {class: 'plain'}, p.staff.map(s => staffLine(s, T))));
  function loadStaff() {
    if (!C.can.staff || !map.hasLayer(staff) || map.getZoom() < C.minZoom.staff) {
      staff.clearLayers(); W.staffGrids = 0; return null;
    }
    return fetchJson('/api/v1/staff/points?bbox=' + viewBox(map)).then(fc => {
      staff.clearLayers();
      for (const f of fc.features) {
        const [lon, lat] = f.geometry.coordinates;
        L.marker([lat, lon], {icon: L.divIcon({className: 'staff-marker', iconSize: null,
                                               html: h('span', null, T.staff_short + f.properties.staff.length)})})
          .bindPopup(() => staffPopup(f.properties)).addTo(staff);
      }
      W.staffGrids = fc.features.length;
    });
  }

  // KPIs of the caller's scope.
  const kpiBox = L.control({position: 'topright'});
  kpiBox.onAdd = () => { const d = L.DomUtil.create('div', 'wangge-kpis'); d.id = 'kpis'; return d; };
  kpiBox.addTo(map);
  const pct = v => v === null ? '–' : (v * 100).toFixed(1) + '%';
  function loadKpis() {
    return fetchJson('/api/v1/kpis').then(k => {
      W.kpis = k;
      fill(document.getElementById('kpis'), h('b', null, T.kpis),
        ['response_rate', 'resolution_rate', 'satisfaction_rate', 'on_time_rate']
          .map(key => h('div', null, T[key] + ': ', h('span', {'data-kpi': key}, pct(k[key])))),
        h('div', null, T.avg_handling_hours + ': ' + dash(k.avg_handling_hours)));
    });
  }

  // The legend, with the choice of what colours the grids.
  const analysis = window.wanggeAnalysis(map, C, W, () => grids.redraw());
  const legend = L.control({position: 'bottomright'});
  legend.onAdd = () => {
    const d = L.DomUtil.create('div', 'wangge-legend grid-legend');
    L.DomEvent.disableClickPropagation(d);
    d.addEventListener('change', e => {
      W.measure = e.target.value;
      drawLegend(d);
      if (W.measure === 'rate' || W.measure === 'hotspot') analysis.wantGrids(); else grids.redraw();
    });
    drawLegend(d);
    return d;
  };
  function drawLegend(d) {
    const choices = MEASURES.map(m => [h('label', null, h('input', {type: 'radio', name: 'measure', value: m,
                                                                  checked: m === W.measure}), ' ' + T['measure_' + m]), ' ']);
    const key = W.measure === 'hotspot'
      ? ['hot', 'cold', 'not_significant'].map(k => h('div', null, h('i', {style: {background: C.hotspotColours[k]}}),
                                                        ' ' + T[k]))
      : stepsLegend(C.steps[W.measure], W.measure !== 'rate');
    fill(d, h('b', null, T['legend_' + W.measure]), h('div', null, choices), key);
  }
  legend.addTo(map);

  // 党建: the compounds coloured by their two coverages (party-layer.js), loaded the first time it is switched on,
  // with its own legend and the way to the organisation tree.
  const P = window.wanggePartyLayer;
  const party = P.layer(C.partyColours, T);
  const partyLegend = L.control({position: 'bottomright'});
  partyLegend.onAdd = () => {
    const d = L.DomUtil.create('div', 'wangge-legend party-legend');
    fill(d, P.legend(C.partyColours, T), h('a', {class: 'party-link', href: '/maps/party'}, T.party_map_open_tree));
    return d;
  };
  function loadParty() {
    partyLegend.addTo(map);
    if (W.party !== null) return null;
    W.party = 0;
    return fetchJson('/api/v1/party/compounds').then(fc => {
      party.addData(fc);
      W.party = fc.features.length;
      W.partyTally = P.tally(fc);
    });
  }
  W.party = null;

  // 走访覆盖率, 楼栋走访, 巡查轨迹 (field-layers.js): off at first, each loaded when switched on.
  const field = window.wanggeFieldLayers(map, C, W);

  districts.addTo(map); streets.addTo(map); grids.addTo(map); communities.addTo(map);
  const people = {};
  if (C.can.cases) { cluster.addTo(map); people[T.cases] = cluster; }
  if (C.can.staff) { staff.addTo(map); people[T.grid_staff] = staff; }
  // Leaflet writes layer names as HTML: ours are our own words, escaped all the same.
  const overlays = Object.assign({[T.districts]: districts, [T.streets]: streets, [T.communities]: communities,
                                  [T.grids]: grids}, people, analysis.overlays, {[T.party_map_layer]: party},
                                field.overlays);
  L.control.layers(null, Object.fromEntries(Object.entries(overlays).map(([name, layer]) => [esc(name), layer])),
                   {collapsed: narrow()}).addTo(map);
  map.on('overlayadd', e => { if (e.layer === staff) loadStaff(); if (e.layer === party) loadParty(); });
  map.on('overlayremove', e => { if (e.layer === party) partyLegend.remove(); });
  const reload = () => { loadCases(); loadStaff(); };
  map.on('moveend', reload);
  reload(); loadKpis();
  setInterval(() => { reload(); loadKpis(); }, 60000);
  // Whether the view is complete: every boundary layer shown has its tiles, and the cases have come.
  W.settled = () => W.loads > 0 && [districts, streets, communities, grids]
    .every(l => !map.hasLayer(l) || map.getZoom() < l.options.minZoom || !l.isLoading());
  setInterval(() => grids.redraw(), 300000);
});
