// 我的网格: the grid's buildings (household counts), key points and open cases on a map, and its staff to call.
(function () {
  const {T, h, $, clear, get, config, q} = m;
  const view = m.map($('map'), [116.4, 39.9], 15, {own: false});
  const layer = L.featureGroup().addTo(view);
  const dot = (latlng, cls, text) => L.marker(latlng, {icon: L.divIcon({className: 'dot ' + cls, iconSize: [18, 18]}),
    title: text}).bindTooltip(m.h('span', {}, text)).addTo(layer);

  async function load() {
    if (!config.grid) { $('grid-summary').textContent = T('m_no_grid'); clear($('staff-list')); return; }
    const grid = encodeURIComponent(config.grid);
    const [buildings, cases, points, staff] = await Promise.all([
      get('/api/v1/buildings?grid=' + grid + '&limit=1000').catch(() => null),
      get('/api/v1/cases?grid=' + grid + '&open=true&limit=200').catch(() => null),
      get('/api/v1/grids/' + grid + '/checkpoints').catch(() => null),
      get('/api/v1/staff?area=' + grid).catch(() => null)]);
    let households = 0;
    for (const f of buildings ? buildings.data.features : []) {
      const c = L.geoJSON(f).getBounds().getCenter();
      households += f.properties.households || 0;
      dot(c, 'building', (f.properties.name || '') + ' · ' + T('m_households_n', {n: f.properties.households || 0}));
    }
    for (const f of points ? points.data.features : []) dot([f.geometry.coordinates[1], f.geometry.coordinates[0]], 'keypoint', f.properties.name);
    const open = cases ? cases.data.items.filter(c => !config.grid || !c.grid || c.grid.code === config.grid) : [];
    for (const c of open) dot([c.lat, c.lon], 'case ' + (c.light || ''), (config.lang === 'en' ? c.category.name_en : c.category.name) || '');
    const outline = await view.grid;
    const bounds = outline ? L.geoJSON(outline).getBounds() : layer.getBounds();
    if (bounds.isValid()) view.fitBounds(bounds, {padding: [16, 16], maxZoom: 18});
    $('grid-name').textContent = outline ? outline.properties.name || config.grid : config.grid;
    $('grid-summary').textContent = [T('m_buildings_n', {n: buildings ? buildings.data.features.length : 0}),
      T('m_households_n', {n: households}), T('m_open_cases_n', {n: open.length}),
      T('m_keypoints') + ' ' + (points ? points.data.features.length : 0)].join(' · ');
    const people = staff ? staff.data : [];
    clear($('staff-list'), people.length ? people.map(p => h('li', {class: 'card row'},
      h('div', {class: 'grow'}, h('b', {}, p.name), h('p', {class: 'small'}, T(p.duty) === p.duty ? '' : T(p.duty))),
      p.phone ? h('a', {class: 'button call', href: 'tel:' + p.phone.replace(/[^0-9+*]/g, '')}, T('m_call') + ' ' + p.phone) : null))
      : h('li', {class: 'empty'}, T('m_nobody')));
  }
  load();
})();
