// The organisation-tree page: the tree of party organisations in the caller's scope (collapsible, left; above the
// map on a phone) and the compounds coloured by their two coverages (maps/static/party-layer.js). Clicking a node
// flies the map to what it is anchored to, outlines it and shows its card: counts only, never members.
// Level names come from the page's own words (its language), the API's level_label only as a fallback.
// C: {labels, coverage: {both, org_only, none}}
window.wanggeUtil.start((leafletMap, C) => {
  const [map, T, W] = window.wanggeUtil.page(leafletMap, C.labels, {compounds: null, tally: null, nodes: 0,
                                                                  selected: null, flown: 0});
  const {h, fill, fetchJson} = window.wanggeUtil;
  const P = window.wanggePartyLayer;
  const {tiles} = window.wanggeUtil;
  // Community and grid outlines under the compounds, for where they are (the command center's tiles and zooms).
  for (const [layer, minZoom, style] of [['communities', 11, {weight: 2, color: '#d94801', fill: false}],
                                         ['grids', 13, {weight: 1, color: '#777', dashArray: '3 3', fill: false}]]) {
    L.vectorGrid.protobuf(tiles(layer), {vectorTileLayerStyles: {[layer]: () => style}, minZoom: minZoom,
                                         maxNativeZoom: 18, interactive: false, rendererFactory: L.svg.tile}).addTo(map);
  }
  const compounds = P.layer(C.coverage, T).addTo(map);
  const highlight = L.layerGroup().addTo(map);
  const legend = L.control({position: 'bottomright'});
  legend.onAdd = () => { const d = L.DomUtil.create('div', 'wangge-legend'); fill(d, P.legend(C.coverage, T)); return d; };
  legend.addTo(map);

  fetchJson('/api/v1/party/compounds').then(fc => {
    compounds.addData(fc);
    W.compounds = fc.features.length;
    W.tally = P.tally(fc);
  });

  const levelName = n => T['party_map_level_' + n.level] || n.level_label;
  const dash = v => (v === null || v === undefined ? '–' : v);
  // The card of a node: its level, name and counts (an organisation above the scope shows only its name).
  function card(n) {
    const el = document.getElementById('party-card');
    el.hidden = false;
    fill(el, h('div', {class: 'level'}, levelName(n)), h('b', {class: 'name'}, n.name),
      n.in_scope ? h('dl', null,
        h('dt', null, T.party_map_members), h('dd', {'data-card': 'members'}, dash(n.members)),
        h('dt', null, T.party_map_compounds), h('dd', {'data-card': 'compounds'}, dash(n.compounds)),
        h('dt', null, T.party_map_worked), h('dd', {'data-card': 'worked', class: n.worked ? 'ok' : 'bad'},
                                            n.worked ? T.party_map_yes : T.party_map_no),
        h('dt', null, T.party_map_last_activity), h('dd', {'data-card': 'last'}, n.last_activity || T.party_map_none_yet),
        h('dt', null, T.party_map_secretary), h('dd', null, n.has_secretary ? T.party_map_secretary_yes
                                                                              : T.party_map_secretary_no))
        : h('p', {class: 'muted'}, T.party_map_out_of_scope));
  }
  // Fly to the node's anchor and outline it.
  function select(n, row) {
    document.querySelectorAll('.party-tree .node.selected').forEach(e => e.classList.remove('selected'));
    row.classList.add('selected');
    W.selected = n.id;
    card(n);
    highlight.clearLayers();
    if (!n.bbox) return;
    const [minx, miny, maxx, maxy] = n.bbox;
    const bounds = L.latLngBounds([miny, minx], [maxy, maxx]);
    L.rectangle(bounds, {color: '#c51b8a', weight: 3, fill: false, className: 'party-highlight', interactive: false})
      .addTo(highlight);
    map.once('moveend', () => { W.flown += 1; });
    map.flyToBounds(bounds, {padding: [30, 30], maxZoom: 17, duration: 0.6});
  }
  // One node of the tree, and its children in a list that its toggle opens and closes.
  function item(n, depth) {
    W.nodes += 1;
    const kids = h('ul', {role: 'group'}, n.children.map(c => item(c, depth + 1)));
    const open = depth < 2;
    kids.hidden = !open;
    const toggle = n.children.length
      ? h('button', {class: 'toggle', type: 'button', 'aria-expanded': String(open), title: open ? T.party_map_collapse
                                                                                              : T.party_map_expand}, open ? '▾' : '▸')
      : h('span', {class: 'toggle leaf'}, '•');
    if (n.children.length) {
      toggle.addEventListener('click', () => {
        kids.hidden = !kids.hidden;
        toggle.textContent = kids.hidden ? '▸' : '▾';
        toggle.setAttribute('aria-expanded', String(!kids.hidden));
        toggle.title = kids.hidden ? T.party_map_expand : T.party_map_collapse;
      });
    }
    const row = h('div', {class: 'node' + (n.in_scope ? '' : ' outside')}, toggle,
      h('button', {class: 'name', type: 'button', 'data-org': n.id}, h('span', {class: 'lvl'}, levelName(n)),
        ' ', n.name, n.in_scope && !n.worked ? h('span', {class: 'idle', title: T.party_map_idle}, T.party_map_idle_short)
                                             : null));
    row.querySelector('button.name').addEventListener('click', () => select(n, row));
    return h('li', {role: 'treeitem'}, row, kids);
  }
  fetchJson('/api/v1/party/orgs').then(tree => {
    fill(document.getElementById('party-tree'), tree.roots.map(n => item(n, 0)));
    document.getElementById('party-empty').hidden = tree.roots.length > 0;
    W.tree = tree.roots;
  });
});
