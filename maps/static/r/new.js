// 随手拍: the phone's position (or a tap on the map), a topic in plain words, a description and photos, sent
// through the outbox (so a report made without signal goes when the signal comes back).
(function () {
  const {T, h, $, clear, get, config} = m;
  let point = null, pin = null, chosen = null, topics = [];
  const view = m.homeMap($('map'), 16);
  const photos = m.photoPicker($('photos'), $('photo-list'));

  function place(lon, lat, acc) {
    point = [lon, lat];
    if (!pin) {
      pin = L.marker([lat, lon], {draggable: true}).addTo(view);
      pin.on('dragend', () => { const p = pin.getLatLng(); place(p.lng, p.lat, null); });
    } else pin.setLatLng([lat, lon]);
    view.setView([lat, lon], Math.max(view.getZoom(), 17));
    $('loc-text').textContent = acc ? T('m_accuracy', {m: Math.round(acc)}) : T('m_move_pin');
  }
  view.on('click', e => place(e.latlng.lng, e.latlng.lat, null));

  function locate() {
    $('loc-text').textContent = T('m_locating');
    if (!navigator.geolocation) { $('loc-text').textContent = T('r_tap_map'); return; }
    navigator.geolocation.getCurrentPosition(p => place(p.coords.longitude, p.coords.latitude, p.coords.accuracy),
      () => { $('loc-text').textContent = T('r_tap_map'); }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 10000});
  }
  $('relocate').addEventListener('click', locate);

  const name = t => (config.lang === 'en' ? t.name_en : t.name);
  function showTopics() {
    clear($('topic-list'), topics.map(t => h('button', {type: 'button', role: 'option', 'data-topic': t.code,
      class: 'chip' + (t.code === chosen ? ' on' : ''), 'aria-selected': t.code === chosen ? 'true' : 'false',
      onclick: () => { chosen = t.code; showTopics(); }}, name(t))));
  }
  get('/api/v1/reports/topics').then(r => { topics = r.data; showTopics(); }).catch(() => null);

  $('new-form').addEventListener('submit', async event => {
    event.preventDefault();
    const message = $('new-message');
    if (!chosen) { message.textContent = T('r_choose_topic'); return; }
    if (!point) { message.textContent = T('r_tap_map'); return; }
    const topic = topics.find(t => t.code === chosen);
    const ref = 'report-' + wanggeQueue.uuid();
    await wanggeQueue.add({label: T('r_tab_new') + ' ' + name(topic), ref, requests: [
      {method: 'POST', url: '/api/v1/reports', json: {topic: chosen, lon: point[0], lat: point[1],
                                                    description: $('desc').value.trim() || null}},
      ...m.photoRequests(photos.files, '/api/v1/reports/{ref:' + ref + '}/photos')]});
    message.textContent = navigator.onLine ? T('m_sent') : T('m_saved');
    if (navigator.onLine) wanggeQueue.flush().then(() => wanggeQueue.ref(ref)).then(id => {
      if (typeof id === 'number') clear(message, T('r_received', {id}), ' ',
        h('a', {href: '/r/reports/' + id + m.q}, T('r_follow')));
    }).catch(() => null);
    photos.reset();
    chosen = null;
    showTopics();
    $('desc').value = '';
  });
  locate();
})();
