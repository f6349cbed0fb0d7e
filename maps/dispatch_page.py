"""The dispatch view: click to place a case, see which grid and who would receive it, then register it."""

from jinja2 import Template
from sqlalchemy.orm import Session

from geo.scope import Scope
from maps.command_center import MIN_ZOOM, scope_bounds
from maps.labels import LABELS
from maps.offline import PageScript, page


class DispatchLayers(PageScript):
    # Grid outlines from the zoom the command center shows them at: below it a tile holds thousands of grids,
    # and fetching them held up the page's own requests on a 50,000-grid city (bench/scale.py).
    grids_min_zoom = MIN_ZOOM["grids"]
    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  const [map, T, W] = window.wanggeUtil.page({{ this._parent.get_name() }}, {{ this.labels }}, {preview: null, created: null});
  const {esc, when} = window.wanggeUtil;
  L.vectorGrid.protobuf(window.wanggeUtil.tiles('grids'), {vectorTileLayerStyles: {grids: () => ({weight: 1, color: '#666',
    fill: false})}, interactive: false, maxNativeZoom: 18, minZoom: {{ this.grids_min_zoom }},
    rendererFactory: L.svg.tile}).addTo(map);
  const panel = document.getElementById('case-panel');
  panel.innerHTML = '<b>' + T.dispatch + '</b><br><label>' + T.category + ' <select id="category"></select></label>' +
    '<p>' + T.click_map + '</p><div id="preview"></div>' +
    '<textarea id="description" rows="3" style="width:100%" placeholder="' + T.description + '"></textarea>' +
    '<button id="submit" disabled>' + T.submit + '</button><div id="result"></div>';
  const select = document.getElementById('category');
  fetch('/api/v1/categories').then(r => r.json()).then(cats => {
    select.innerHTML = cats.map(c => '<option value="' + c.code + '">' + esc(c.name) + '</option>').join('');
  });
  let marker = null, point = null;
  function refresh() {
    if (!point) return;
    fetch('/api/v1/cases/preview?category=' + select.value + '&lon=' + point.lng + '&lat=' + point.lat)
      .then(r => r.json().then(body => [r.ok, body])).then(([ok, p]) => {
        W.preview = ok ? p : null;
        document.getElementById('submit').disabled = !ok;
        document.getElementById('preview').innerHTML = ok ?
          T.grids + ': <b>' + esc(p.grid.name) + '</b><br>' + T.handler + ': ' + esc(p.department || p.handler_level) +
          '<br>' + T.assignee + ': ' + esc(p.assignee ? p.assignee.name : T.none) +
          '<br>' + T.due + ': ' + when(p.due_at, T.none) : '<span style="color:#b00">' + esc(p.detail) + '</span>';
      });
  }
  map.on('click', e => {
    point = e.latlng;
    if (marker) marker.setLatLng(point); else marker = L.marker(point, {draggable: true}).addTo(map)
      .on('dragend', ev => { point = ev.target.getLatLng(); refresh(); });
    refresh();
  });
  select.addEventListener('change', refresh);
  document.getElementById('submit').addEventListener('click', () => {
    fetch('/api/v1/cases', {method: 'POST', headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({category: select.value, lon: point.lng, lat: point.lat, channel: 'hotline',
                            description: document.getElementById('description').value || null})})
      .then(r => r.json()).then(c => {
        W.created = c.id;
        document.getElementById('result').innerHTML = '<a href="/maps/cases/' + c.id + '">#' + c.id + '</a> ' + esc(c.status);
      });
  });
})();
{% endmacro %}
""")



def dispatch_page(session: Session, scope: Scope, lang: str = "zh") -> str:
    """The HTML of the dispatch view."""
    return page(scope_bounds(session, scope), LABELS[lang]["dispatch"], DispatchLayers(lang))
