// The command center's field layers, each loaded only when switched on: 走访覆盖率 (grids shaded by the share of
// households visited in the last 30 days, from /analytics/field, on the grid vector tiles), 楼栋走访 (buildings by
// days since their last visit, only when zoomed in) and 巡查轨迹 (today's patrol tracks, for roles that may read
// tracks). One legend names what the shown layers' colours mean. Every text goes into the DOM as text.
// C: {labels, can: {tracks}, minZoom: {grids, buildings}, field: {coverage, noHouseholds, days, stale, track}}
window.wanggeFieldLayers = function (map, C, W) {
  const T = C.labels, F = C.field;
  const {h, fill, tiles, viewBox, colourOf, fetchJson} = window.wanggeUtil;
  Object.assign(W, {coverage: null, coverageFeatures: 0, buildingVisits: 0, buildingLoads: 0, buildingsTruncated: false,
                    tracks: null, tracksRefused: false});
  const pct = v => Math.round(v * 100) + '%';
  const beijingToday = () => new Date().toLocaleDateString('sv-SE', {timeZone: 'Asia/Shanghai'});  // YYYY-MM-DD

  // 走访覆盖率: the grid tiles again, filled by the grid's coverage once the figures have come.
  const coverageFill = code => {
    const row = W.coverage && W.coverage[code];
    if (!row) return null;
    return row.visit_coverage === null ? F.noHouseholds : colourOf(F.coverage, row.visit_coverage);
  };
  const coverage = L.vectorGrid.protobuf(tiles('grids'), {
    vectorTileLayerStyles: {grids: p => {
      const colour = coverageFill(p.code);
      if (colour) W.coverageFeatures += 1;
      return {weight: 1, color: '#444', fill: true, fillColor: colour || '#ffffff', fillOpacity: colour ? 0.6 : 0};
    }},
    interactive: true, maxNativeZoom: 18, minZoom: C.minZoom.grids, getFeatureId: f => f.properties.code,
    rendererFactory: L.svg.tile,
  }).on('click', e => {
    L.DomEvent.stopPropagation(e);
    const p = e.layer.properties, row = W.coverage && W.coverage[p.code];
    L.popup().setLatLng(e.latlng).setContent(h('div', {class: 'coverage-popup'}, h('b', null, p.name),
      row ? [h('div', null, T.cc_coverage + ': ' + (row.visit_coverage === null ? T.cc_no_households : pct(row.visit_coverage))),
             h('div', null, T.cc_households_visited + ': ' + row.households_visited + ' / ' + row.households)] : null))
      .openOn(map);
  });
  function loadCoverage() {
    return fetchJson('/api/v1/analytics/field?level=grid').then(body => {
      W.coverage = Object.fromEntries(body.rows.map(r => [r.code, r]));
      coverage.redraw();
      drawLegend();
    });
  }

  // 楼栋走访: a dot per building in the view, only from minZoom.buildings on (the legend says so below it).
  const buildings = L.layerGroup();
  const dayColour = days => {
    if (days === null) return F.stale;
    for (const [upTo, colour] of F.days) if (days <= upTo) return colour;
    return F.stale;
  };
  const buildingPopup = p => h('div', {class: 'building-visit-popup'}, h('b', null, p.name || ('#' + p.id)),
    h('div', null, T.cc_households + ': ' + p.households),
    h('div', null, T.cc_last_visit + ': ' + (p.last_visit_on === null ? T.cc_never_visited
      : p.last_visit_on + ' (' + p.days_since_visit + T.cc_days_ago + ')')));
  function loadBuildings() {
    if (!map.hasLayer(buildings)) return null;
    if (map.getZoom() < C.minZoom.buildings) {
      buildings.clearLayers(); W.buildingVisits = 0; W.buildingsTruncated = false; drawLegend(); return null;
    }
    return fetchJson('/api/v1/analytics/building-visits?limit=5000&bbox=' + viewBox(map)).then(fc => {
      buildings.clearLayers();
      for (const f of fc.features) {
        const [lon, lat] = f.geometry.coordinates;
        // A small square, a building, so it is not taken for a case's round marker.
        const square = h('span', {style: {display: 'block', width: '7px', height: '7px', border: '1px solid #fff',
                                          boxShadow: '0 0 1px #000', background: dayColour(f.properties.days_since_visit)}});
        L.marker([lat, lon], {icon: L.divIcon({className: 'building-visit-marker', html: square, iconSize: [9, 9]}),
                              keyboard: false})
          .bindPopup(() => buildingPopup(f.properties)).addTo(buildings);
      }
      W.buildingVisits = fc.features.length;
      W.buildingsTruncated = fc.truncated;
      W.buildingLoads += 1;
      drawLegend();
    });
  }

  // 巡查轨迹: today's tracks. A refusal (403) leaves the layer empty without a word: the role may not read tracks.
  const duration = s => {
    if (s === null || s === undefined) return T.cc_in_progress;
    const minutes = Math.round(s / 60);
    return minutes >= 60 ? Math.floor(minutes / 60) + T.cc_hours + ' ' + (minutes % 60) + T.cc_minutes : minutes + T.cc_minutes;
  };
  const trackPopup = p => h('div', {class: 'track-popup'}, h('b', null, T.cc_worker + ': ' + (p.staff ? p.staff.name : '–')),
    p.grid ? h('div', null, p.grid.name) : null,
    h('div', null, T.cc_duration + ': ' + duration(p.duration_s)),
    h('div', null, T.cc_length + ': ' + ((p.length_m || 0) / 1000).toFixed(2) + ' km'));
  const tracks = L.geoJSON(null, {filter: f => f.geometry !== null,
                                  style: () => ({color: F.track, weight: 2, opacity: 0.6, className: 'patrol-track'}),
                                  onEachFeature: (f, l) => l.bindPopup(() => trackPopup(f.properties))});
  function loadTracks() {
    if (!C.can.tracks) { W.tracks = 0; return null; }
    const day = beijingToday();
    return fetch('/api/v1/patrols?limit=500&from=' + day + '&to=' + day).then(r => {
      if (r.status === 403) { W.tracksRefused = true; return {features: []}; }
      return r.ok ? r.json() : Promise.reject(new Error('patrols: HTTP ' + r.status));
    }).then(fc => {
      tracks.clearLayers();
      tracks.addData(fc);
      W.tracks = fc.features.filter(f => f.geometry !== null).length;
      drawLegend();
    });
  }

  // The legend of the field layers shown: bottom left, where it leaves the layer list and the case legend
  // (right) alone; on a phone the bottom is full (case legend, notice), so top left under the warnings.
  const legend = L.control({position: window.wanggeUtil.narrow() ? 'topleft' : 'bottomleft'});
  legend.onAdd = () => { const d = L.DomUtil.create('div', 'wangge-legend field-legend'); L.DomEvent.disableClickPropagation(d); return d; };
  legend.addTo(map);
  const swatch = (colour, words) => h('div', null, h('i', {style: {background: colour}}), ' ' + words);
  function drawLegend() {
    const d = legend.getContainer(), parts = [];
    if (map.hasLayer(coverage)) {
      const c = F.coverage;
      parts.push(h('div', {class: 'coverage-legend'}, h('b', null, T.cc_coverage_legend),
        swatch(c[0][1], '< ' + pct(c[1][0])), swatch(c[1][1], pct(c[1][0]) + '–' + pct(c[2][0])),
        swatch(c[2][1], pct(c[2][0]) + '–' + pct(c[3][0])), swatch(c[3][1], '≥ ' + pct(c[3][0])),
        swatch(F.noHouseholds, T.cc_no_households)));
    }
    if (map.hasLayer(buildings)) {
      parts.push(h('div', {class: 'buildings-legend'}, h('b', null, T.cc_buildings_legend),
        F.days.map((step, i) => swatch(step[1], T['cc_days_' + step[0]])), swatch(F.stale, T.cc_days_more),
        map.getZoom() < C.minZoom.buildings ? h('div', {class: 'field-notice'}, T.cc_zoom_in)
          : W.buildingsTruncated ? h('div', {class: 'field-notice'}, T.cc_truncated) : null));
    }
    if (map.hasLayer(tracks) && W.tracks !== null) {
      parts.push(h('div', {class: 'tracks-legend'}, h('i', {style: {background: F.track, height: '4px'}}),
                   ' ' + T.cc_tracks_legend + ' ' + W.tracks + T.cc_tracks_count));
    }
    fill(d, parts);
    for (const n of d.querySelectorAll('.field-notice')) Object.assign(n.style, {color: '#a50f15', fontWeight: 'bold'});
    d.style.display = parts.length ? '' : 'none';
  }
  drawLegend();

  const loads = [[coverage, loadCoverage], [buildings, loadBuildings], [tracks, loadTracks]];
  map.on('overlayadd', e => { for (const [layer, load] of loads) if (e.layer === layer) load(); drawLegend(); });
  map.on('overlayremove', drawLegend);
  map.on('moveend', loadBuildings);
  // Fresh figures every few minutes while shown: visits and patrols come in all day.
  setInterval(() => { for (const [layer, load] of loads) if (map.hasLayer(layer)) load(); }, 300000);
  const overlays = {[T.cc_coverage_layer]: coverage, [T.cc_buildings_layer]: buildings};
  if (C.can.tracks) overlays[T.cc_tracks_layer] = tracks;
  return {overlays};
};
