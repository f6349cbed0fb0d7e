// Helpers shared by the map pages.
window.wanggeUtil = {
  // A page's map, ready for our layers: with no basemap Leaflet knows no maximum zoom, and clustering needs one.
  page: (map, labels, state) => {
    map.setMaxZoom(19);
    window.wangge = Object.assign({map: map}, state);
    return [map, labels, window.wangge];
  },
  // Text from the API, safe to put into HTML.
  esc: s => String(s === null || s === undefined ? '' : s)
    .replace(/[&<>"]/g, ch => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'}[ch])),
  // A timestamp in Beijing time, the way the users read it.
  when: (s, none) => s ? new Date(s).toLocaleString('zh-CN', {timeZone: 'Asia/Shanghai', hour12: false,
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit'}) : none,
};
