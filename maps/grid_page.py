"""The grid screen: the grid, its buildings (with households), staff on duty, open cases and neighbouring grids."""

import json

from jinja2 import Template
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.errors import NotFound
from geo.i18n import msg
from geo.scope import Scope
from maps.command_center import STATUS_COLOURS
from maps.labels import LABELS
from maps.offline import PageScript, page


class GridLayers(PageScript):
    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  const [map, T, W] = window.wanggeUtil.page({{ this._parent.get_name() }}, {{ this.labels }}, {neighbours: 0, buildings: 0, households: 0, cases: 0, staff: null});
  const STATUS = {{ this.status_colours }};
  const code = {{ this.code }};
  const bbox = {{ this.bbox }};
  const {esc, when} = window.wanggeUtil;
  const panel = document.getElementById('case-panel');
  const show = () => { panel.innerHTML = '<b>' + esc(W.name || code) + '</b> ' + code + '<br>' + T.buildings + ': ' +
      W.buildings + '<br>' + T.households + ': ' + W.households + '<br>' + T.cases + ': ' + W.cases +
      '<div><b>' + T.grid_staff + '</b><br>' + (W.staffHtml || '') + '</div>'; };
  fetch('/api/v1/grids?bbox=' + bbox).then(r => r.json()).then(fc => {
    for (const f of fc.features) {
      const mine = f.id === code;
      if (mine) W.name = f.properties.name; else W.neighbours += 1;
      L.geoJSON(f, {style: mine ? {color: '#08519c', weight: 4, fillOpacity: 0.08}
                                : {color: '#777', weight: 1, dashArray: '4', fillOpacity: 0}})
        .bindTooltip(f.properties.name).addTo(map);
    }
    show();
  });
  fetch('/api/v1/buildings?grid=' + code).then(r => r.json()).then(fc => {
    L.geoJSON(fc, {style: {color: '#54278f', weight: 1, fillOpacity: 0.5},
                   pointToLayer: (f, ll) => L.circleMarker(ll, {radius: 4})})
      .bindTooltip(l => esc(l.feature.properties.name) + ' · ' + l.feature.properties.households + ' ' + T.households)
      .addTo(map);
    W.buildings = fc.features.length;
    W.households = fc.features.reduce((n, f) => n + f.properties.households, 0);
    show();
  });
  fetch('/api/v1/staff?area=' + code).then(r => r.json()).then(staff => {
    W.staff = staff.length;
    W.staffHtml = staff.map(s => esc(s.name) + ' (' + esc(T[s.duty] || s.duty) + ') ' + esc(s.phone)).join('<br>');
    show();
  });
  fetch('/api/v1/cases?open=true&limit=1000&bbox=' + bbox).then(r => r.json()).then(page => {
    const mine = page.items.filter(c => c.grid && c.grid.code === code);
    for (const c of mine) {
      L.circleMarker([c.lat, c.lon], {radius: 7, color: '#fff', weight: 1, fillOpacity: 0.9, className: 'case-marker',
                                      fillColor: c.overdue ? '#d7301f' : (STATUS[c.status] || '#3182bd')})
        .bindPopup('<b>' + esc(c.category.name) + '</b><br><a href="/maps/cases/' + c.id + '">' + T.details + '</a>')
        .addTo(map);
    }
    W.cases = mine.length;
    show();
  });
})();
{% endmacro %}
""")

    def __init__(self, code: str, bbox: str, lang: str):
        super().__init__(lang)
        self.status_colours = json.dumps(STATUS_COLOURS)
        self.code = json.dumps(code)
        self.bbox = json.dumps(bbox)


def grid_page(session: Session, code: str, scope: Scope, lang: str = "zh") -> str:
    """The HTML of one grid's page (NotFound outside the scope)."""
    row = session.execute(text("SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
                               "(SELECT ST_Envelope(geom) e FROM areas WHERE level = 'grid' AND code = :c) x"),
                          {"c": code}).first()
    if row is None or not scope.covers_code(code):
        raise NotFound(msg("no grid with code {code}", code=code))
    minx, miny, maxx, maxy = row
    pad = 0.15 * max(maxx - minx, maxy - miny)
    bbox = ",".join(f"{v:.6f}" for v in (minx - pad, miny - pad, maxx + pad, maxy + pad))
    return page([[miny, minx], [maxy, maxx]], f"{LABELS[lang]['grids']} {code}", GridLayers(code, bbox, lang))
