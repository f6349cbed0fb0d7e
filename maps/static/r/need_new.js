// 提出需求: what help is needed, for one household or for everyone, and where (the resident's registered home
// unless they put a pin in their compound). Sent through the outbox, so it goes when the signal comes back.
(function () {
  const {T, h, $, clear} = m;
  let kind = 'personal', point = null, pin = null;
  const view = m.homeMap($('map'), 16);

  function place(lon, lat) {
    point = [lon, lat];
    if (!pin) pin = L.marker([lat, lon]).addTo(view); else pin.setLatLng([lat, lon]);
    view.setView([lat, lon], Math.max(view.getZoom(), 17));
    $('loc-text').textContent = T('m_move_pin');
  }
  view.on('click', e => place(e.latlng.lng, e.latlng.lat));
  $('locate').addEventListener('click', () => {
    if (!navigator.geolocation) { $('loc-text').textContent = T('r_tap_map'); return; }
    navigator.geolocation.getCurrentPosition(p => place(p.coords.longitude, p.coords.latitude),
      () => { $('loc-text').textContent = T('r_tap_map'); }, {enableHighAccuracy: true, timeout: 15000});
  });

  document.querySelectorAll('#need-kind .chip').forEach(chip => chip.addEventListener('click', () => {
    kind = chip.dataset.kind;
    document.querySelectorAll('#need-kind .chip').forEach(c => {
      c.classList.toggle('on', c === chip);
      c.setAttribute('aria-checked', c === chip ? 'true' : 'false');
    });
  }));

  $('need-form').addEventListener('submit', async event => {
    event.preventDefault();
    const title = $('need-title').value.trim(), message = $('need-message');
    if (!title) { message.textContent = T('r_need_title_missing'); $('need-title').focus(); return; }
    const body = {title, kind, description: $('need-desc').value.trim() || null};
    if (point) Object.assign(body, {lon: point[0], lat: point[1]});
    const ref = 'need-' + wanggeQueue.uuid();
    await wanggeQueue.add({label: T('r_raise') + ' ' + title, ref, requests: [{method: 'POST', url: '/api/v1/needs', json: body}]});
    message.textContent = navigator.onLine ? T('m_sent') : T('m_saved');
    if (navigator.onLine) wanggeQueue.flush().then(() => wanggeQueue.ref(ref)).then(id => {
      if (typeof id === 'number') clear(message, T('r_need_received'), ' ', h('a', {href: '/r/needs/' + id + m.q}, T('r_follow')));
    }).catch(() => null);
    $('need-title').value = '';
    $('need-desc').value = '';
  });
})();
