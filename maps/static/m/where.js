// A place on our own map (no external map app or script): the way there when the geo: link opens nothing.
(function () {
  const {T, $} = m;
  const params = new URLSearchParams(location.search);
  const lon = Number(params.get('lon')), lat = Number(params.get('lat'));
  if (!isFinite(lon) || !isFinite(lat)) return;
  const view = m.map($('map'), [lon, lat], 18);
  L.marker([lat, lon]).addTo(view);
  $('geo-link').href = 'geo:' + lat + ',' + lon + '?q=' + lat + ',' + lon;
  $('where-text').textContent = lat.toFixed(6) + ', ' + lon.toFixed(6);
  if (navigator.geolocation) navigator.geolocation.getCurrentPosition(p => {
    const me = [p.coords.latitude, p.coords.longitude];
    L.circleMarker(me, {radius: 7}).addTo(view);
    view.fitBounds(L.latLngBounds([me, [lat, lon]]), {padding: [30, 30], maxZoom: 18});
    $('where-text').textContent += ' · ' + Math.round(m.metres([p.coords.longitude, p.coords.latitude], [lon, lat])) + ' ' + T('metres');
  }, () => null, {enableHighAccuracy: true, timeout: 10000});
})();
