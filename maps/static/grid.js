// The grid page: the grid (bold) among its neighbours (dashed), its buildings with household counts, staff on duty
// and open cases. Everything comes from the API; every text goes in as text.
// C: {code, bbox, status: {status: colour}, coverage: {both, org_only, none}, labels}
window.wanggeUtil.start((leafletMap, C) => {
  const [map, T, W] = window.wanggeUtil.page(leafletMap, C.labels, {neighbours: 0, buildings: 0, households: 0, cases: 0,
                                                                  staff: null, compounds: null});
  const {h, fill, seg, fetchJson, staffLine} = window.wanggeUtil;
  const show = (id, value) => { document.getElementById(id).textContent = value; };
  const code = C.code;

  fetchJson('/api/v1/grids?bbox=' + C.bbox).then(fc => {
    for (const f of fc.features) {
      const mine = f.id === code;
      if (mine) show('grid-name', f.properties.name); else W.neighbours += 1;
      L.geoJSON(f, {style: mine ? {color: '#08519c', weight: 4, fillOpacity: 0.08}
                                : {color: '#777', weight: 1, dashArray: '4', fillOpacity: 0}})
        .bindTooltip(() => h('span', null, f.properties.name)).addTo(map)
        .bringToBack();  // under the buildings and cases, whichever arrives first: they take the clicks and hovers
    }
  });
  fetchJson('/api/v1/buildings?grid=' + seg(code)).then(fc => {
    L.geoJSON(fc, {style: {color: '#54278f', weight: 1, fillOpacity: 0.5},
                   pointToLayer: (f, ll) => L.circleMarker(ll, {radius: 4, className: 'building-marker'})})
      .bindTooltip(l => h('span', null, l.feature.properties.name + ' · ' + l.feature.properties.households + ' ' +
                                        T.households))
      .addTo(map);
    W.buildings = fc.features.length;
    W.households = fc.features.reduce((n, f) => n + f.properties.households, 0);
    show('grid-buildings', W.buildings);
    show('grid-households', W.households);
  });
  // The grid's compounds: drawn as the 党建 layer draws them, and listed with their property company and branch.
  const P = window.wanggePartyLayer;
  fetchJson('/api/v1/party/compounds?grid=' + seg(code)).then(fc => {
    P.layer(C.coverage, T).addData(fc).addTo(map).bringToBack();
    const line = p => h('li', {class: 'party-' + P.coverage(p)}, h('b', null, p.name),
      p.red_property ? [' ', h('span', {class: 'badge red-property'}, T.party_map_red_property)] : null,
      h('div', {class: 'meta'}, T.party_map_property + '：' + (p.property_company || T.party_map_none_yet)),
      h('div', {class: 'meta'}, T.party_map_branches + '：' + (p.branches.length ? p.branches.join('、') : T.party_map_none_yet)),
      h('div', {class: 'meta'}, P.words(p, T)));
    fill(document.getElementById('grid-compounds'), fc.features.length ? fc.features.map(f => line(f.properties))
                                                                       : h('li', {class: 'muted'}, T.party_map_no_compounds));
    W.compounds = fc.features.length;
  });
  fetchJson('/api/v1/staff?area=' + seg(code)).then(staff => {
    fill(document.getElementById('grid-staff'), staff.map(s => staffLine(s, T)));
    W.staff = staff.length;
  });
  fetchJson('/api/v1/cases?open=true&limit=1000&bbox=' + C.bbox).then(page => {
    const mine = page.items.filter(c => c.grid && c.grid.code === code);
    for (const c of mine) {
      L.circleMarker([c.lat, c.lon], {radius: 7, color: '#fff', weight: 1, fillOpacity: 0.9, className: 'case-marker',
                                      fillColor: c.overdue ? '#d7301f' : (C.status[c.status] || '#3182bd')})
        .bindPopup(() => h('div', null, h('b', null, c.category.name || c.category.code), h('br'),
                           h('a', {href: '/maps/cases/' + seg(c.id)}, T.details)))
        .addTo(map);
    }
    W.cases = mine.length;
    show('grid-cases', W.cases);
  });
});
