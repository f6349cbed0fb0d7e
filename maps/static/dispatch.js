// The dispatch view as a 12345 desk uses it: the intake form, the place clicked on the map or found by address, where
// the case would go (the preview), then the case registered and its files uploaded. Text from the API goes in as text.
// C: {gridsMinZoom, channels, urgencies, channel (the role's default), accept, labels}
window.wanggeUtil.start((leafletMap, C) => {
  const [map, T, W] = window.wanggeUtil.page(leafletMap, C.labels, {preview: null, created: null, uploads: null,
                                                                     key: null, found: null});
  const {h, fill, seg, when, fetchJson} = window.wanggeUtil;
  const $ = id => document.getElementById(id);
  const zh = T.lang === 'zh', colon = zh ? '：' : ': ', paren = s => zh ? '（' + s + '）' : ' (' + s + ')';
  L.vectorGrid.protobuf(window.wanggeUtil.tiles('grids'), {vectorTileLayerStyles: {grids: () => ({weight: 1,
    color: '#666', fill: false})}, interactive: false, maxNativeZoom: 18, minZoom: C.gridsMinZoom,
    rendererFactory: L.svg.tile}).addTo(map);
  // On a desktop the form stands over the map's left side: the area is fitted into the rest of the screen.
  if (!window.wanggeUtil.narrow()) map.fitBounds(C.map.bounds, {paddingTopLeft: [$('case-panel').offsetWidth + 70, 0]});
  const submit = $('submit'), select = $('category'), search = $('category-search');
  let categories = [], marker = null, point = null, sending = false, asked = 0;

  // One form fill, one key: a double click or a retry after a lost answer finds the case made instead of making a
  // second. Only a success (which resets the form) starts a new one. randomUUID needs a secure context (https or
  // localhost); a street office may serve plain http on its LAN, where 16 random bytes make the same version-4 UUID.
  const newKey = () => (crypto.randomUUID ? crypto.randomUUID() : Array.from(crypto.getRandomValues(new Uint8Array(16)),
    (b, i) => (i === 6 ? (b & 15 | 64) : i === 8 ? (b & 63 | 128) : b).toString(16).padStart(2, '0')).join('')
    .replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-'));
  W.key = newKey();

  const ready = () => { submit.disabled = sending || !point || !select.value || !W.preview; };
  const line = (label, ...value) => h('div', null, label + colon, ...value);
  const bad = text => h('span', {class: 'bad'}, text);

  // Categories: a search box over the Chinese and English names and codes filters the list; a single match is chosen.
  fetchJson('/api/v1/categories').then(cats => { categories = cats; filterCategories(); });
  function filterCategories() {
    const words = search.value.trim().toLowerCase();
    const chosen = select.value;
    const shown = categories.filter(c => !words || [c.name, c.name_en, c.code].some(s => s.toLowerCase().includes(words)));
    const head = !shown.length ? T.category_no_match : words && shown.length > 1 ? shown.length + ' ' + T.category_matches
      : T.category_choose;
    fill(select, shown.length === 1 && words ? [] : new Option(head, ''),
      shown.map(c => new Option(c.name, c.code, false, c.code === chosen)));
    if (shown.length === 1 && words) select.value = shown[0].code;
    if (select.value !== chosen) refresh();
  }
  search.addEventListener('input', filterCategories);
  select.addEventListener('change', refresh);

  // Where a case here would go. Only the latest answer counts (a slow one for an earlier click must not win).
  function refresh() {
    W.preview = null;
    ready();
    const box = $('preview');
    if (!point) return fill(box);
    if (!select.value) return fill(box, h('span', {class: 'hint'}, T.choose_category_first));
    const ask = ++asked;
    const query = new URLSearchParams({category: select.value, lon: point.lng, lat: point.lat});
    fetch('/api/v1/cases/preview?' + query).then(r => r.json().then(body => [r.ok, body])).then(([ok, p]) => {
      if (ask !== asked) return;
      W.preview = ok ? p : null;
      fill(box, ok ? [
        line(T.grids, h('b', null, p.grid.name),
          p.match === 'nearest' ? paren(T.nearest + ' ' + Math.round(p.distance_m) + ' ' + T.metres) : null),
        p.community ? line(T.communities, p.community.name) : null,
        line(T.handler, (T['level_' + p.handler_level] || T.none) + (p.department ? ' · ' + p.department : '')),
        line(T.assignee, p.assignee ? p.assignee.name : T.none),
        line(T.due, when(p.due_at, T.none))] : bad(p.detail));
      ready();
    }).catch(() => { if (ask === asked) fill(box, bad(T.network_error)); });
  }

  function place(latlng) {
    point = latlng;
    $('preview').scrollIntoView({block: 'nearest'});  // on a phone the form is a sheet: where it goes shows at once
    if (marker) marker.setLatLng(point);
    else marker = L.marker(point, {draggable: true}).addTo(map).on('dragend', ev => place(ev.target.getLatLng()));
    refresh();
  }
  map.on('click', e => place(e.latlng));

  // The address typed: buildings in the caller's area whose name, address or compound holds it; one click places it.
  function findAddress() {
    const q = $('address').value.trim(), list = $('address-results');
    if (!q) return;
    fetchJson('/api/v1/buildings?' + new URLSearchParams({q: q, limit: 8})).then(fc => {
      W.found = fc.features.length;
      list.hidden = false;
      fill(list, fc.features.length ? fc.features.map(f => h('li', null, h('button', {type: 'button', onclick: () => {
        const centre = L.geoJSON(f).getBounds().getCenter();
        $('address').value = f.properties.address || f.properties.name || q;
        list.hidden = true;
        map.setView(centre, Math.max(map.getZoom(), 17));
        place(centre);
      }}, [f.properties.name, f.properties.address].filter(Boolean).join(' · ') || '#' + f.id)))
        : h('li', null, h('span', {class: 'hint'}, T.address_none)));
    }).catch(() => { list.hidden = false; fill(list, h('li', null, bad(T.network_error))); });
  }
  $('find-address').addEventListener('click', findAddress);
  $('files').addEventListener('change', showFiles);
  function showFiles() {
    const names = Array.from($('files').files, f => f.name);
    $('files-chosen').textContent = names.length ? names.length + ' ' + T.files_chosen + colon + names.join('、') : T.no_files;
  }
  $('address').addEventListener('keydown', e => { if (e.key === 'Enter') { e.preventDefault(); findAddress(); } });

  function body() {
    const value = id => $(id).value.trim() || null;
    const name = value('reporter-name'), phone = value('reporter-phone');
    return {category: select.value, lon: point.lng, lat: point.lat, channel: $('channel').value,
            urgency: $('urgency').value, address: value('address'), description: value('description'),
            reporter: name || phone ? {name: name, phone: phone} : null};
  }

  $('intake').addEventListener('submit', e => {
    e.preventDefault();
    if (sending || !point || !W.preview) return;
    const phone = $('reporter-phone').value.trim();
    if (phone && !/^[0-9+-]{5,20}$/.test(phone)) return fill($('result'), bad(T.phone_invalid));
    sending = true;  // until this answer comes back; the button stays off, a second click sends nothing
    ready();
    submit.textContent = T.sending;
    const files = Array.from($('files').files);
    fetch('/api/v1/cases', {method: 'POST', headers: {'Content-Type': 'application/json', 'Idempotency-Key': W.key},
                            body: JSON.stringify(body())})
      .then(r => r.json().then(c => [r.ok, c])).then(([ok, c]) => {
        if (!ok || !Number.isInteger(c.id)) return failed(c.detail || T.network_error);
        sending = false;
        W.created = c.id;
        fill($('result'), h('span', {class: 'ok'}, T.created), ' ', h('b', null, '#' + c.id),
          paren(T['status_' + c.status] || T.none), ' ',
          h('a', {href: '/maps/cases/' + seg(c.id), id: 'created-case'}, T.view_case));
        reset();
        upload(c.id, files);
      }).catch(() => failed(T.network_error));  // no answer: the same key makes a retry safe
  });

  function failed(detail) {
    sending = false;
    submit.textContent = T.submit;
    fill($('result'), bad(detail));
    ready();
  }

  // After a success only: an empty form for the next call, with a new key.
  function reset() {
    $('intake').reset();  // the channel and urgency go back to the selected defaults of the page
    search.value = '';
    fill(select);  // the next call chooses its own category
    filterCategories();
    showFiles();
    fill($('address-results')).hidden = true;
    if (marker) { marker.remove(); marker = null; }
    point = null;
    W.key = newKey();
    submit.textContent = T.submit;
    refresh();
  }

  // The files, one after another, each with its progress and, if refused, the reason (the API's words).
  function upload(caseId, files) {
    const list = fill($('uploads'));
    W.uploads = files.length ? {done: 0, failed: 0} : null;
    files.reduce((previous, file) => previous.then(() => new Promise(done => {
      const state = h('span', null, T.upload_progress + ' 0%');
      list.append(h('li', null, file.name + colon, state));
      const form = new FormData();
      form.append('file', file);
      const xhr = new XMLHttpRequest();
      xhr.open('POST', '/api/v1/cases/' + seg(caseId) + '/attachments');
      xhr.responseType = 'json';
      xhr.upload.onprogress = e => { if (e.lengthComputable) state.textContent = T.upload_progress + ' ' +
        Math.round(100 * e.loaded / e.total) + '%'; };
      xhr.onload = () => {
        const ok = xhr.status === 201;
        fill(state, ok ? h('span', {class: 'ok'}, T.uploaded)
          : bad(T.upload_failed + colon + ((xhr.response && xhr.response.detail) || xhr.status)));
        W.uploads[ok ? 'done' : 'failed'] += 1;
        done();
      };
      xhr.onerror = () => { fill(state, bad(T.upload_failed + colon + T.network_error)); W.uploads.failed += 1; done(); };
      xhr.send(form);
    })), Promise.resolve());
  }
});
