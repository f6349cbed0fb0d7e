// The dispatch view: click the map to place a case, see which grid and who would receive it, then register it.
// The panel's form is in the page's template; categories, the preview and the new case come from the API as text.
// C: {gridsMinZoom, labels}
window.wanggeUtil.start((leafletMap, C) => {
  const [map, T, W] = window.wanggeUtil.page(leafletMap, C.labels, {preview: null, created: null});
  const {h, fill, seg, when, fetchJson} = window.wanggeUtil;
  L.vectorGrid.protobuf(window.wanggeUtil.tiles('grids'), {vectorTileLayerStyles: {grids: () => ({weight: 1,
    color: '#666', fill: false})}, interactive: false, maxNativeZoom: 18, minZoom: C.gridsMinZoom,
    rendererFactory: L.svg.tile}).addTo(map);
  const select = document.getElementById('category');
  const submit = document.getElementById('submit');
  fetchJson('/api/v1/categories').then(cats => {
    fill(select, cats.map(c => new Option(c.name, c.code)));
  });

  // One report, one key: a double click or a retry after a lost answer finds the case made, instead of a second one.
  // (getRandomValues, not randomUUID: that needs https, and a street office may serve plain http on its LAN.)
  const newKey = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), b => b.toString(16).padStart(2, '0')).join('');
  let marker = null, point = null, key = newKey();
  const line = (label, value) => h('div', null, label + ': ', value);
  function refresh() {
    if (!point) return;
    const query = new URLSearchParams({category: select.value, lon: point.lng, lat: point.lat});
    fetch('/api/v1/cases/preview?' + query).then(r => r.json().then(body => [r.ok, body])).then(([ok, p]) => {
      W.preview = ok ? p : null;
      submit.disabled = !ok;
      fill(document.getElementById('preview'), ok ? [
        line(T.grids, h('b', null, p.grid.name)),
        line(T.handler, p.department || T['level_' + p.handler_level] || p.handler_level),
        line(T.assignee, p.assignee ? p.assignee.name : T.none),
        line(T.due, when(p.due_at, T.none))] : h('span', {class: 'bad'}, p.detail));
    });
  }
  map.on('click', e => {
    point = e.latlng;
    key = newKey();
    if (marker) marker.setLatLng(point); else marker = L.marker(point, {draggable: true}).addTo(map)
      .on('dragend', ev => { point = ev.target.getLatLng(); key = newKey(); refresh(); });
    refresh();
  });
  select.addEventListener('change', () => { key = newKey(); refresh(); });
  document.getElementById('description').addEventListener('input', () => { key = newKey(); });
  submit.addEventListener('click', () => {
    submit.disabled = true;  // until this answer comes back: then a new place on the map makes a new report
    fetch('/api/v1/cases', {method: 'POST', headers: {'Content-Type': 'application/json', 'Idempotency-Key': key},
      body: JSON.stringify({category: select.value, lon: point.lng, lat: point.lat, channel: 'hotline',
                            description: document.getElementById('description').value || null})})
      .then(r => r.json().then(body => [r.ok, body])).then(([ok, c]) => {
        if (!ok) {
          submit.disabled = false;
          fill(document.getElementById('result'), h('span', {class: 'bad'}, c.detail));
          return;
        }
        W.created = c.id;
        fill(document.getElementById('result'),
          h('a', {href: '/maps/cases/' + seg(c.id)}, '#' + c.id), ' ' + (T['status_' + c.status] || c.status));
      }).catch(() => { submit.disabled = false; });  // no answer: the same key makes a retry safe
  });
});
