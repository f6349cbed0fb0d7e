// 上报: the phone's position (WGS84, ± accuracy) on a small map with a movable pin, a category, a description and
// photos; a preview names the grid and the handler before sending. On an open patrol the case is the patrol's.
(function () {
  const {T, h, $, clear, get} = m;
  const patrol = JSON.parse(localStorage.getItem('wangge-patrol:' + m.config.user) || 'null');
  let point = null, accuracy = null, pin = null, previewSeq = 0;
  const view = m.map($('map'), [116.4, 39.9], 16);
  const photos = m.photoPicker($('photos'), $('photo-list'));
  $('patrol-flag').hidden = !patrol;
  view.grid.then(g => { if (g && !point) view.fitBounds(L.geoJSON(g).getBounds(), {padding: [10, 10]}); });

  function place(lon, lat, acc) {
    point = [lon, lat];
    accuracy = acc;
    if (!pin) {
      pin = L.marker([lat, lon], {draggable: true}).addTo(view);
      pin.on('dragend', () => { const p = pin.getLatLng(); place(p.lng, p.lat, null); });
    } else pin.setLatLng([lat, lon]);
    view.setView([lat, lon], Math.max(view.getZoom(), 17));
    $('loc-text').textContent = lat.toFixed(6) + ', ' + lon.toFixed(6) +
      (acc ? ' · ' + T('m_accuracy', {m: Math.round(acc)}) : ' · ' + T('m_move_pin'));
    preview();
  }
  view.on('click', e => place(e.latlng.lng, e.latlng.lat, null));

  function locate() {
    $('loc-text').textContent = T('m_locating');
    if (!navigator.geolocation) { $('loc-text').textContent = T('m_no_location'); return; }
    navigator.geolocation.getCurrentPosition(
      p => place(p.coords.longitude, p.coords.latitude, p.coords.accuracy),
      () => { $('loc-text').textContent = T('m_no_location'); },
      {enableHighAccuracy: true, timeout: 15000, maximumAge: 10000});
  }
  $('relocate').addEventListener('click', locate);

  let categories = null;
  m.categoryPicker($('cat-search'), $('cat-list')).then(p => { categories = p; });
  $('cat-list').addEventListener('change', () => preview());

  async function preview() {
    const box = $('preview');
    if (!point || !categories || !categories.code()) { clear(box); return; }
    if (!navigator.onLine) { clear(box, h('p', {class: 'note'}, T('m_preview_offline'))); return; }
    const seq = ++previewSeq;
    try {
      const {data} = await get('/api/v1/cases/preview?category=' + encodeURIComponent(categories.code()) +
                               '&lon=' + point[0] + '&lat=' + point[1]);
      if (seq !== previewSeq) return;
      clear(box, h('b', {}, T('m_preview')),
        h('p', {}, T('m_preview_grid') + '：', data.grid.name || data.grid.code),
        h('p', {}, T('m_preview_level') + '：', T('level_' + data.handler_level) === 'level_' + data.handler_level ? '' : T('level_' + data.handler_level),
          data.department ? ' ' + data.department : ''),
        h('p', {}, T('m_preview_handler') + '：', data.assignee ? data.assignee.name : T('m_nobody')),
        h('p', {}, T('due') + '：', m.when(data.due_at)));
    } catch (e) {
      if (seq === previewSeq) clear(box, h('p', {class: 'error'}, String(e.message || e)));
    }
  }

  $('report-form').addEventListener('submit', async event => {
    event.preventDefault();
    const message = $('report-message');
    if (!categories || !categories.code()) { message.textContent = T('m_choose_category'); return; }
    if (!point) { message.textContent = T('m_no_location'); return; }
    const body = {category: categories.code(), lon: point[0], lat: point[1], description: $('desc').value.trim() || null};
    const ref = 'case-' + wanggeQueue.uuid();
    const url = patrol ? '/api/v1/patrols/' + (patrol.id || '{ref:' + patrol.ref + '}') + '/cases' : '/api/v1/cases';
    await wanggeQueue.add({label: T('m_tab_report') + ' ' + categories.label(), ref, requests: [
      {method: 'POST', url, json: body}, ...m.photoRequests(photos.files, '/api/v1/cases/{ref:' + ref + '}/attachments')]});
    message.textContent = navigator.onLine ? T('m_sent') : T('m_saved');
    const handler = $('preview').textContent ? $('preview').querySelectorAll('p')[2] : null;
    const who = handler ? handler.textContent : '';
    if (navigator.onLine) wanggeQueue.flush().then(() => wanggeQueue.ref(ref)).then(id => {
      if (typeof id === 'number') message.textContent = T('m_reported_as', {id}) + (who ? ' · ' + who : '');
    }).catch(() => null);
    photos.reset();
    categories.reset();
    $('desc').value = '';
    clear($('preview'));
  });

  locate();
})();
