// 随手拍 without signing in: the position (or a tap on the map), a topic, a description; sent at once (not through
// the outbox: the 查询码 in the answer is shown only then) and the code shown to be noted down.
(function () {
  const {T, h, $, clear, get, config} = m;
  let point = null, pin = null, chosen = null, topics = [];
  const view = m.homeMap($('map'), 16);

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
    const description = $('desc').value.trim();
    if (!chosen) { message.textContent = T('r_choose_topic'); return; }
    if (!point) { message.textContent = T('r_tap_map'); return; }
    if (!description) { message.textContent = T('r_desc_needed'); $('desc').focus(); return; }
    if (!navigator.onLine) { message.textContent = T('r_offline_anonymous'); return; }
    $('send').disabled = true;
    try {
      const made = await rview.post('/api/v1/reports/anonymous',
        {topic: chosen, lon: point[0], lat: point[1], description});
      $('query-code').textContent = made.query_code;
      $('code-number').textContent = T('r_received', {id: made.report.id});
      $('code-box').hidden = false;
      $('new-form').hidden = true;
      $('code-box').scrollIntoView();
    } catch (e) {
      message.textContent = String(e.message || e);
    } finally {
      $('send').disabled = false;
    }
  });
  locate();
})();
