// The case page: the case on the map inside its grid (outlined and named), its details, reporters, attachments,
// the grid's staff on duty and the case's history. The case comes from /api/v1/cases/{id}; every text goes in as text.
// C: {case: id, status: {status: colour}, labels}
window.wanggeUtil.start((leafletMap, C) => {
  const [map, T, W] = window.wanggeUtil.page(leafletMap, C.labels, {grid: false, staff: null, loaded: false});
  const {h, fill, seg, when, fetchJson, staffLine} = window.wanggeUtil;
  const show = (id, value) => { document.getElementById(id).textContent = value; };
  const list = (id, items) => {
    const box = document.getElementById(id);
    fill(box.querySelector('ul, ol'), items);
    box.hidden = items.length === 0;
  };

  fetchJson('/api/v1/cases/' + seg(C.case)).then(c => {
    const colour = c.overdue ? '#d7301f' : (C.status[c.status] || '#3182bd');
    L.circleMarker([c.lat, c.lon], {radius: 9, color: '#fff', weight: 2, fillColor: colour, fillOpacity: 1,
                                    className: 'case-marker'})
      .bindPopup(() => h('b', null, c.category.name || c.category.code)).addTo(map);
    show('case-title', '#' + c.id + ' ' + (c.category.name || c.category.code));
    show('case-status', T['status_' + c.status] || c.status);
    show('case-reported', when(c.reported_at, T.none));
    show('case-assignee', c.assignee ? c.assignee.name : T.none);
    show('case-due', when(c.due_at, T.none));
    show('case-address', c.address || T.none);
    show('case-description', c.description || '');
    list('case-reporters', c.reporters.map(r => h('li', null, (r.name || T.none) + ' · ' +
      (T['channel_' + r.channel] || r.channel) + (r.phone ? ' · ' + r.phone : ''))));
    list('case-attachments', c.attachments.map(a => h('li', null, a.filename + ' (' + Math.ceil(a.size / 1024) + ' KB)')));
    fill(document.getElementById('case-history'), c.history.map(e => h('li', null,
      when(e.at) + ' ' + (e.actor === 'system' ? T.actor_system : e.actor || '') + ': ' +
      (T['action_' + e.action] || e.action) + (e.note ? ' — ' + e.note : ''))));
    W.loaded = true;
    if (c.grid) showGrid(c.grid.code);
  });

  function showGrid(code) {
    fetchJson('/api/v1/grids/' + seg(code)).then(f => {
      // not interactive: drawn over the case marker, it would take the marker's clicks
      L.geoJSON(f, {style: {color: '#2171b5', weight: 3, fillOpacity: 0.1}, interactive: false}).addTo(map)
        .bindTooltip(h('span', null, f.properties.name), {permanent: true, direction: 'top', className: 'grid-name'});
      W.grid = true;
    });
    fetchJson('/api/v1/staff?area=' + seg(code)).then(staff => {
      W.staff = staff.length;
      list('case-staff', staff.map(s => staffLine(s, T)));
    });
  }
});
